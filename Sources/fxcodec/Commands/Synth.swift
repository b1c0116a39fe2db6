import ArgumentParser
import CoSim
import Foundation
import Golden
import HLSGen

/// A family `synth` reports on.
enum SynthTarget: String, ExpressibleByArgument, CaseIterable, Codable {
    case xc7, ice40, ecp5
}

/// `fxcodec synth`: resources and timing of a Verilog core from yosys and nextpnr.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Synthesize the Verilog core: ECP5 post-route Fmax and resources, 7-series cell counts, iCE40 fit.",
        discussion: """
            --target ecp5: yosys synth_ecp5 and nextpnr-ecp5 (WebAssembly builds from PyPI that scripts/setup \
            installs into .deps/ecp5) place and route the top on an LFE5U-85F-6 (CABGA756); the Fmax is \
            nextpnr's post-route figure for aclk, with LUT4, FF, MULT18X18D and DP16KD counts. Results are \
            cached by a hash of the Verilog and the flow ($FXCODEC_CACHE or ~/.cache/fxcodec): the 8-lane \
            core takes several minutes the first time and no time after.
            --target xc7: yosys synth_xilinx -family xc7 -flatten, then stat and ltp -noff (cell counts and \
            logic depth, not timing: there is no open place and route for 7-series).
            --target ice40: where the top fits an iCE40 HX8K (I/O, logic cells, RAM), synth_ice40 and \
            nextpnr-ice40 --hx8k give a placed-and-routed Fmax; otherwise it says at once why not.
            The default is --target xc7 --target ice40.

            Examples:
              fxcodec synth --lanes 8 --mode roundtrip --target ecp5
              fxcodec synth --lanes 8 --target ecp5 --clock-mhz 150 --ecp5-seed 2 --json
              fxcodec synth --lanes 1 --target xc7 --json
              fxcodec synth --lanes 8 --target ecp5 --ecp5-keep pnr-200   # keep nextpnr's log and net timing
              fxcodec synth --front raster --mode encode --clock-mhz 150   # raster front end + encoder, ECP5
              fxcodec synth --core encoder --clock-mhz 150                 # the whole JPEG encoder, ECP5
            --front raster --mode encode places and routes the raster encode top (front end, line buffers and \
            the 8-lane encoder) on ECP5; it is the only target for it.
            """)

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var core: RTLCoreOptions
    @OptionGroup var frontEnd: FrontOptions

    @Option(name: .customLong("core"), help: "datapath (the streaming core, --front blocks or raster) or encoder (the whole JPEG encoder; ECP5 only).")
    var whole: EncoderCoreOptions.Core = .datapath

    var encoder: Bool { whole == .encoder }

    @Option(help: "ecp5, xc7 or ice40; repeat for several (default: xc7 and ice40).")
    var target: [SynthTarget] = []

    @Option(name: .customLong("ecp5-request-mhz"), parsing: .unconditional,
            help: "The clock nextpnr-ecp5 is asked to meet (default: the --clock-mhz target; it reports what it reaches either way).",
            transform: Checked.number(1...1000))
    var ecp5RequestMHz: Double?

    @Option(name: .customLong("ecp5-seed"), parsing: .unconditional,
            help: "nextpnr-ecp5's placement seed (default 1). Runs with other seeds show how much the Fmax moves with placement alone.",
            transform: Checked.int(1...Int(Int32.max)))
    var ecp5Seed: Int = ECP5PlaceAndRoute.standardSeed

    @Option(name: .customLong("ecp5-keep"), help: ArgumentHelp(
        "Run ECP5 place and route even if cached, in FOLDER (new or empty), and keep its netlist, logs and detailed timing report.",
        valueName: "folder"))
    var ecp5Keep: String?

    @Flag(name: .customLong("no-ice40"), help: "Skip the iCE40 fit and place-and-route.")
    var noIce40 = false

    struct Report: Encodable {
        var top: String
        /// The clock target the kernels were pipelined for (a design choice, not a measurement).
        var clockTargetMHz: Double
        /// Clocks from the first input beat to the first output beat with no stalls (nil for the raster
        /// top, whose first block waits for a whole MCU row of the frame).
        var latency: Int?
        var xc7: SynthesisReport.Xilinx?
        var ice40: SynthesisReport.Ice40?
        var ecp5: ECP5Report?
        var seconds: Double
    }

    @Flag(help: "Print JSON.")
    var json = false

    /// The files synthesised for a top (the cache key covers them, banner included).
    static func files(_ design: RTLDesign, mode: CodecMode, lanes: Int) throws -> [GeneratedFile] {
        try design.files(mode: mode, lanes: lanes, command: "fxcodec synth")
    }

    /// The files synthesised for the whole encoder, `--core encoder` (`compare --core encoder` finds
    /// the cached result by them).
    static func encoderFiles(_ design: RTLDesign, encoder: JPEGEncoderCore) throws -> [GeneratedFile] {
        try encoder.files(design: design, command: "fxcodec synth --core encoder")
    }

    static func ecp5Tools() throws -> URL {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return try ECP5PlaceAndRoute.tools(searchFrom: [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable])
    }

    func validate() throws {
        if encoder, target.contains(where: { $0 != .ecp5 }) {
            throw ValidationError("--core encoder is placed and routed on ECP5 only: give --target ecp5 (or no --target)")
        }
        if encoder { return }
        try frontEnd.check(mode: core.mode, lanes: core.lanes)
        if frontEnd.raster, target.contains(where: { $0 != .ecp5 }) {
            throw ValidationError("--front raster is placed and routed on ECP5 only: give --target ecp5 (or no --target)")
        }
    }

    func run() throws {
        let config = try datapath.datapath()
        let (tables, description) = try datapath.resetTables(for: config)
        let design = try RTLDesign(config: config, tables: tables, tableDescription: description, target: try core.target())
        var targets = Set(target.isEmpty ? (frontEnd.raster || encoder ? [.ecp5] : [.xc7, .ice40]) : target)
        if noIce40 { targets.remove(.ice40) }
        let start = Date()
        let say = { (step: String) in
            FileHandle.standardError.write(Data(String(format: "synth: [%3.0f s] %@…\n", Date().timeIntervalSince(start), step).utf8))
        }
        let raster = frontEnd.raster || encoder ? frontEnd.rasterFront(colorBits: config.colorBits) : nil
        let jpeg = encoder ? JPEGEncoderCore(design: design, pixels: frontEnd.pixelsPerBeat, maxWidth: frontEnd.maxWidth) : nil
        let top = jpeg != nil ? JPEGEncoderCore.name : raster == nil ? RTLDesign.topName(mode: core.mode, lanes: core.lanes) : RasterFront.encodeName
        // The raster top's latency depends on the frame (a whole MCU row is buffered); the core's is fixed.
        var report = Report(top: top, clockTargetMHz: design.target.mhz,
                            latency: raster == nil ? design.latency(mode: core.mode, lanes: core.lanes) : nil, seconds: 0)
        if targets.contains(.xc7) || targets.contains(.ice40) {
            let yosys = try YosysSynthesis.run(design: design, mode: core.mode, lanes: core.lanes,
                                               ice40: targets.contains(.ice40), progress: say)
            report.xc7 = targets.contains(.xc7) ? yosys.xilinx : nil
            report.ice40 = yosys.ice40
        }
        if targets.contains(.ecp5) {
            let tools = try Self.ecp5Tools()
            let files = try jpeg.map { try Self.encoderFiles(design, encoder: $0) }
                ?? raster.map { try $0.encodeFiles(design: design, command: "fxcodec synth") }
                ?? Self.files(design, mode: core.mode, lanes: core.lanes)
            report.ecp5 = try ECP5PlaceAndRoute.run(files: files,
                                                    top: top, requestedMHz: ecp5RequestMHz ?? core.clockMHz, seed: ecp5Seed, tools: tools,
                                                    cache: VerilatorBuild.defaultCacheRoot,
                                                    keep: ecp5Keep.map { URL(fileURLWithPath: $0) }, progress: say)
        }
        report.seconds = Date().timeIntervalSince(start)
        if json {
            try printJSON(report)
            return
        }
        print("\(report.top): \(config.name), \(description), pipelined for \(design.target)"
              + (report.latency.map { " (latency \($0) clocks)" } ?? "")
              + (raster.map { ", raster front end: \($0.pixels) pixel\($0.pixels == 1 ? "" : "s") a beat, frames up to \($0.rows.maxWidth) wide" } ?? ""))
        if let e = report.ecp5 {
            print("  ECP5 \(e.device) (yosys synth_ecp5, nextpnr-ecp5 post-route\(e.cached ? ", cached" : ""))")
            print(String(format: "    Fmax      %.1f MHz (aclk; nextpnr asked for %g MHz, seed %d)", e.fmaxMHz, e.requestedMHz,
                         e.seed ?? ECP5PlaceAndRoute.standardSeed))
            print("    LUT4      \(e.lut4)")
            print("    FF        \(e.flipFlops)")
            print("    MULT18    \(e.mult18)")
            print("    DP16KD    \(e.dp16kd)")
            print("    LUT RAM   \(e.lutRAM) write ports (TRELLIS_RAMW)")
            print("    I/O       \(e.ioPins)")
            if let path = e.criticalPath {
                print(String(format: "    critical  %@ -> %@ (%.2f ns in cells, %.2f ns routing)", path.from, path.to, path.logicNs, path.routingNs))
            }
            print(String(format: "    made in   %.0f s synthesis + %.0f s place and route", e.synthesisSeconds, e.placeAndRouteSeconds))
        }
        if let x = report.xc7 {
            print("  xc7 (yosys synth_xilinx -flatten)")
            print("    LUT       \(x.luts) (+ \(x.inverters) INV)")
            print("    FF        \(x.flipFlops)")
            print("    DSP48E1   \(x.dsp48e1)")
            print("    BRAM18    \(x.bram18)")
            print("    CARRY4    \(x.carry4)")
            print("    LUT RAM   \(x.lutRAM) cells (RAM32M, SRL16E, …)")
            print("    MUXF7/8   \(x.muxf7f8)")
            print("    depth     \(x.logicDepth) cells on the longest register-to-register path (ltp -noff)")
        }
        if let i = report.ice40 {
            print("  iCE40 HX8K: \(i.verdict)" + (i.fmaxMHz.map { String(format: ", Fmax %.1f MHz (nextpnr-ice40)", $0) } ?? ""))
        }
        print(String(format: "  (%.0f s)", report.seconds))
    }
}
