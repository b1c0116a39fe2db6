import ArgumentParser
import CoSim
import Foundation
import Golden
import HLSGen
import ImageIO

/// `fxcodec csim`: the printed HLS cores compiled with g++ and driven clock by clock through every
/// block of an image, compared value for value with the golden model.
struct CSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csim",
        abstract: "C-simulate the generated HLS C++ on every block of a PNG and compare with the golden model bit for bit.")

    @Argument(help: "Input PNG.")
    var input: String

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var core: CoreOptions
    @OptionGroup var memory: MemoryBudgetOption

    @Option(help: "Chroma subsampling of colour images: 420, 422, 444 or gray.")
    var chroma: ChromaSubsampling = .s420

    @Option(help: "Folder for compiled testbenches (reused when the sources are the same). Default: the system temporary folder.")
    var scratch: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let config = try datapath.datapath()
        let spec = try projectSpec(config: config, datapath: datapath, core: core, allTops: true, out: ".")
        let image = try readImage(input, budget: memory, bytesPerPixel: Footprint.blocks, purpose: "a C simulation")
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let apTypes: URL
        do {
            apTypes = try locateAPTypes(searchFrom: [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable])
        } catch { throw CommandError("\(error)") }
        let cache = scratch.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("fxcodec-csim")

        var request = CSimRequest(config: config, tableSets: [CSimTableSet(label: spec.tableDescription, tables: spec.tables)],
                                  modes: core.mode.map { [$0] } ?? CodecMode.allCases, lanes: core.lanes.map { [$0] } ?? [1, 8],
                                  chroma: chroma, command: spec.command)
        request.part = spec.part
        request.clockNs = spec.clockNs
        let report: CSimReport
        do {
            report = try ImageCSim.run(request, images: [CSimImage(name: input, image: image)], cache: cache, apTypes: apTypes)
        } catch let e as CSimError { throw CommandError(e.description) }

        if json {
            try printJSON(report)
        } else {
            print(Self.text(report))
        }
        if !report.passed { throw ExitCode(1) }
    }

    static func micro(_ s: Double) -> String { String(format: "%.2f us", s * 1e6) }

    static func text(_ r: CSimReport) -> String {
        var lines = [
            "csim \(r.images.joined(separator: ", ")): configuration \(r.configuration) (sha256 \(r.configurationSHA256.prefix(16))), \(r.tables.joined(separator: ", "))",
            "  blocks: \(r.blocks) per mode; block runs: \(r.blockRuns) of \(r.expectedBlockRuns) (\(r.modes.joined(separator: "/")) x lanes \(r.lanes.map(String.init).joined(separator: "/")))",
            "  mismatches: \(r.mismatchedValues) values in \(r.mismatchedRuns) runs; tuser/tlast/handshake errors: \(r.flagErrors)",
            "  standard stimulus (patterns, noise, random coefficients): \(r.standardVectorRuns) block runs, \(r.standardVectorMismatches) mismatches",
            "  compile: " + String(format: "%.1f s", r.compileSeconds) + (r.compileCached ? " (cached binary)" : "")
                + (r.compilerWarnings.isEmpty ? ", no warnings" : ", g++ reported:\n" + r.compilerWarnings),
            "  C simulation (clock by clock): " + String(format: "%.2f s", r.csimSeconds) + "; per block: "
                + r.csimSecondsPerBlock.sorted { $0.key < $1.key }.map { "\($0.key) \(micro($0.value))" }.joined(separator: ", ")
                + "; " + r.csimCyclesPerSecond.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f M cycles/s", $0.key, $0.value / 1e6) }
                    .joined(separator: ", "),
            "  golden model making the expected values, per block: "
                + r.swiftSecondsPerBlock.sorted { $0.key < $1.key }.map { "\($0.key) \(micro($0.value))" }.joined(separator: ", "),
        ]
        if let m = r.firstMismatch {
            lines.append("  first mismatch: \(m.image), component \(m.component), \(m.tables), \(m.mode) (\(m.top)), block \(m.block), "
                + "index \(m.index) (row \(m.row), column \(m.column)): expected \(m.expected), actual \(m.actual)")
        }
        if let f = r.firstFlagError { lines.append("  first flag error: " + f) }
        if !r.testbenchErrors.isEmpty { lines.append("  testbench: " + r.testbenchErrors) }
        lines.append(r.passed ? "PASS" : "FAIL")
        return lines.joined(separator: "\n")
    }
}
