import ArgumentParser
import Foundation
import Golden
import HLSGen
import ImageIO

extension CodecMode: ExpressibleByArgument {}

/// The core a project is built around: mode, stream width, target part and clock.
struct CoreOptions: ParsableArguments {
    @Option(help: "encode (samples -> coefficients), decode (coefficients -> samples) or roundtrip.")
    var mode: CodecMode?

    @Option(parsing: .unconditional, help: "Values per stream beat: 1, or 8 (a block row).", transform: Checked.oneOf([1, 8]))
    var lanes: Int?

    @Option(help: "FPGA part for run_hls.tcl and hls_config.cfg.")
    var part: String = HLSProject.defaultPart

    @Option(name: .customLong("clock-ns"), parsing: .unconditional, help: "Clock period in ns, (0, 1000], for run_hls.tcl and hls_config.cfg.",
            transform: Checked.number(0...1000, excludingLower: true))
    var clockNs: Double = HLSProject.defaultClockNs

    func validate() throws {
        guard !part.isEmpty, !part.contains(where: \.isWhitespace) else { throw ValidationError("--part must be one word") }
    }

    var synthesisTop: HLSTop { HLSTop(mode: mode ?? .roundtrip, lanes: lanes ?? 8) }
}

extension DatapathOptions {
    /// Tables from a --qtable file, described by the file's name and hash.
    func quantTables(for config: DatapathConfig, path: String) throws -> (tables: [QuantTable], description: String) {
        let tables = try self.tables(maxEntry: (1 << config.quantTableBits) - 1) ?? []
        let bytes = FileManager.default.contents(atPath: path) ?? Data()
        return (tables, "file \(path) (sha256 \(SHA256.hex(Array(bytes)).prefix(16)))")
    }
}

/// `fxcodec hls`: the datapath rendered as an HLS C++ project.
struct HLS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hls",
        abstract: "Render the streaming core as an HLS C++ project (the printed step functions, testbenches, stimulus, Makefile, Tcl).")

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var core: CoreOptions

    @Option(help: "Output folder (created; files are replaced only when their contents change).")
    var out: String = "hls"

    @Flag(name: .customLong("all-tops"), help: "Print the cores with the mode at run time at 1 and 8 lanes beside the top, each with its testbench (the C-simulation build).")
    var allTops = false

    @OptionGroup var frontEnd: FrontOptions

    func validate() throws {
        try frontEnd.check(mode: core.mode, lanes: core.lanes)
        if frontEnd.raster && allTops { throw ValidationError("--all-tops is for --front blocks (the raster project has one top)") }
    }

    func run() throws {
        let outputs = OutputFiles(inputs: datapath.inputFiles)
        try outputs.claimFolder(out, option: "--out")
        let config = try datapath.datapath()
        let spec = try projectSpec(config: config, datapath: datapath, core: core, allTops: allTops, out: out, front: frontEnd)
        let files = try HLSProject.render(spec)
        try outputs.stageGenerated(files, in: out)
        try outputs.commit()
        print("\(out): \(files.count) files, top \(spec.raster == nil ? spec.synthesisTop.name : RasterFront.encodeName), configuration \(config.name), \(spec.tableDescription)")
    }
}

/// A project spec from command options, with the command that regenerates it.
func projectSpec(config: DatapathConfig, datapath: DatapathOptions, core: CoreOptions, allTops: Bool,
                 out: String, front: FrontOptions? = nil) throws -> HLSProjectSpec {
    let top = core.synthesisTop
    let configArguments = datapath.config.map { ["--config", $0] } ?? ["--preset", datapath.preset ?? config.name]
    let raster = front.flatMap { $0.raster ? $0.rasterFront(colorBits: config.colorBits) : nil }
    var spec: HLSProjectSpec
    if let path = datapath.qtable {
        let (tables, description) = try datapath.quantTables(for: config, path: path)
        spec = HLSProjectSpec(config: config, tables: tables, tableDescription: description,
                              synthesisTop: top, coreLanes: allTops ? HLSTop.allLanes : nil, part: core.part, clockNs: core.clockNs,
                              command: HLSProjectSpec.command(out: out, configArguments: configArguments,
                                                              tableArguments: ["--qtable", path], top: top, part: core.part,
                                                              clockNs: core.clockNs, allTops: allTops, frontWords: front?.words ?? []))
    } else {
        spec = .ijg(quality: datapath.quality, config: config, configArguments: configArguments, top: top,
                    allTops: allTops, out: out, part: core.part, clockNs: core.clockNs, frontWords: front?.words ?? [])
    }
    spec.raster = raster
    return spec
}
