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
        abstract: "C-simulate the generated HLS C++ on every block of a PNG and compare with the golden model bit for bit.",
        discussion: """
            Compiles each printed HLS top with its testbench (g++ and the ap_types headers; cached by a hash \
            of the sources) and drives it clock by clock through every block of the image.
            --front raster --mode encode C-simulates the raster encode top instead: the image as RGB video \
            through the front end and the 8-lane encoder, at stalls 0 and 0.3, every coefficient checked in \
            JPEG MCU order (with --fault, after a malformed frame that must set frame_error).
            --core encoder C-simulates the whole JPEG encoder at stalls 0 and 0.3, every byte against the \
            golden encoder's file; -o writes the file the C simulation made.

            Examples:
              fxcodec csim photo.png --mode encode --lanes 8
              fxcodec csim photo.png --front raster --mode encode --chroma 444 --fault long-line
              fxcodec csim photo.png --core encoder -q 50 --chroma 422 --restart 8 -o photo.jpg
            """)

    @Argument(help: "Input PNG.")
    var input: String

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var core: CoreOptions
    @OptionGroup var memory: MemoryBudgetOption

    @Option(help: "Chroma subsampling of colour images: 420, 422, 444 or gray.")
    var chroma: ChromaSubsampling = .s420

    @OptionGroup var frontEnd: FrontOptions
    @OptionGroup var encoderCore: EncoderCoreOptions

    @Option(help: "raster: put a malformed frame of the image's shape first (short-line, long-line or start-in-mid-frame).")
    var fault: RasterJobs.Fault?

    @Option(help: "Folder for compiled testbenches (reused when the sources are the same). Default: the system temporary folder.")
    var scratch: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        try encoderCore.check()
        if encoderCore.encoder {
            if fault != nil { throw ValidationError("--fault is not for --core encoder") }
            return
        }
        try frontEnd.check(mode: core.mode, lanes: core.lanes)
        if fault != nil && !frontEnd.raster { throw ValidationError("--fault is for --front raster") }
    }

    func run() throws {
        if encoderCore.encoder { return try runEncoder() }
        if frontEnd.raster { return try runRaster() }
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

extension CSim {
    /// `csim --front raster`: the printed HLS raster encode top under the raster harness.
    func runRaster() throws {
        let config = try datapath.datapath()
        let (tables, description) = try datapath.resetTables(for: config)
        let design = try RTLDesign(config: config, tables: tables, tableDescription: description)
        let front = frontEnd.rasterFront(colorBits: config.colorBits)
        let name = URL(fileURLWithPath: input).lastPathComponent
        let job = try RasterCommandSupport.job(input: input, name: name, budget: memory, front: front, design: design, chroma: chroma,
                                               fault: fault, runs: [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2026)])
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let apTypes: URL
        do {
            apTypes = try locateAPTypes(searchFrom: [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable])
        } catch { throw CommandError("\(error)") }
        let cache = scratch.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("fxcodec-csim")
        if !json { FileHandle.standardError.write(Data("csim: compiling \(RasterFront.encodeName) with g++ (cached once made)…\n".utf8)) }
        let (binary, build) = try RasterCosimulation.cSimBuild(design: design, front: front, cache: cache, apTypes: apTypes)
        let results = try RasterCosimulation.run([job], binary: binary, laneBits: design.laneBits, progress: !json)
        let note = String(format: "HLS C simulation, g++ %@ %.1f s", build.cached ? "cached, compiled in" : "compiled in", build.compileSeconds)
            + (build.compilerOutput.isEmpty ? ", no warnings" : "; g++ said: " + build.compilerOutput.prefix(400))
        let report = RasterReport(image: name, simulator: "csim", config: config.name, tables: description, job: job, front: front,
                                  fault: fault?.rawValue, results: results, build: note)
        if json { try printJSON(report) } else { print(report.text) }
        if !report.passed { throw ExitCode(1) }
    }

    /// `csim --core encoder`: the printed HLS encoder top under the encoder harness.
    func runEncoder() throws {
        let config = try datapath.datapath()
        let (tables, description) = try datapath.resetTables(for: config)
        let design = try EncoderCommandSupport.design(config, target: .standard)
        let encoder = JPEGEncoderCore(design: design, pixels: frontEnd.pixelsPerBeat, maxWidth: frontEnd.maxWidth)
        let name = URL(fileURLWithPath: input).lastPathComponent
        let job = try EncoderCommandSupport.job(input: input, name: name, budget: memory, encoder: encoder, design: design, chroma: chroma,
                                                restart: encoderCore.restart, optimizeHuffman: encoderCore.optimizeHuffman, tables: tables,
                                                runs: [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2026)])
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let apTypes: URL
        do {
            apTypes = try locateAPTypes(searchFrom: [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable])
        } catch { throw CommandError("\(error)") }
        let cache = scratch.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("fxcodec-csim")
        if !json { FileHandle.standardError.write(Data("csim: compiling \(JPEGEncoderCore.name) with g++ (cached once made)…\n".utf8)) }
        let (binary, build) = try EncoderCosimulation.cSimBuild(design: design, encoder: encoder, cache: cache, apTypes: apTypes)
        let (results, bytes) = try EncoderCosimulation.run([job], binary: binary, progress: !json)
        try EncoderCommandSupport.save(bytes, to: encoderCore.output, input: input, extra: datapath.inputFiles)
        let note = String(format: "HLS C simulation, g++ %@ %.1f s", build.cached ? "cached, compiled in" : "compiled in", build.compileSeconds)
            + (build.compilerOutput.isEmpty ? ", no warnings" : "; g++ said: " + build.compilerOutput.prefix(400))
        let report = EncoderReport(image: name, simulator: "csim", config: config.name, tables: description, job: job,
                                   output: encoderCore.output, results: results, build: note)
        if json { try printJSON(report) } else { print(report.text) }
        if !report.passed { throw ExitCode(1) }
    }
}
