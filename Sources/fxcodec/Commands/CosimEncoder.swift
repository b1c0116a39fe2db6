import ArgumentParser
import CoSim
import Foundation
import Golden
import HLSGen
import ImageIO

/// Which design `cosim` and `csim` run: the datapath core (blocks or raster front) or the whole JPEG encoder.
struct EncoderCoreOptions: ParsableArguments {
    enum Core: String, ExpressibleByArgument, CaseIterable { case datapath, encoder }

    @Option(help: "datapath (the streaming core, --front blocks or raster) or encoder (the whole JPEG encoder: RGB video in, a .jpg out, byte for byte against the golden encoder).")
    var core: Core = .datapath

    @Option(name: [.short, .customLong("output")], help: "encoder: write the file the hardware made here.")
    var output: String?

    @Option(parsing: .unconditional, help: "encoder: MCUs between RSTn markers, 0 (none) to 65535.", transform: Checked.int(0...65535))
    var restart = 0

    @Flag(name: .customLong("optimize-huffman"),
          help: "encoder: write the image's own Huffman tables (cjpeg -optimize) through the Huffman table port before the frame.")
    var optimizeHuffman = false

    var encoder: Bool { core == .encoder }

    func check() throws {
        if !encoder && (output != nil || restart != 0 || optimizeHuffman) {
            throw ValidationError("-o, --restart and --optimize-huffman are for --core encoder")
        }
    }
}

/// What the encoder's co-simulation or C simulation found on one image.
struct EncoderReport: Encodable {
    var image: String, simulator: String, config: String, tables: String, chroma: String
    var width: Int, height: Int, restart: Int, pixelsPerBeat: Int
    var output: String?
    var runs: [Run]
    var passed: Bool
    var build: String

    struct Run: Encodable {
        var stall: Double, seed: UInt64
        var bytes: Int, expectedBytes: Int
        var mismatches: Int
        var firstMismatch: Mismatch?
        /// Pixels taken a clock, first taken to last; and the frame's pixels over every clock to its last byte.
        var pixelsPerClock: Double, pixelsPerClockEndToEnd: Double
        var refusedBeats: Int
        var cycles: Int
        var cyclesPerSecond: Double
        var checks: [String: Int]
        var passed: Bool

        enum CodingKeys: String, CodingKey {
            case stall, seed, bytes, mismatches, cycles, checks, passed
            case expectedBytes = "expected_bytes", firstMismatch = "first_mismatch", pixelsPerClock = "pixels_per_clock"
            case pixelsPerClockEndToEnd = "pixels_per_clock_end_to_end", refusedBeats = "refused_beats"
            case cyclesPerSecond = "cycles_per_second"
        }
    }

    struct Mismatch: Encodable { var offset: Int, expected: Int, actual: Int }

    enum CodingKeys: String, CodingKey {
        case image, simulator, config, tables, chroma, width, height, restart, output, runs, passed, build
        case pixelsPerBeat = "pixels_per_beat"
    }

    init(image: String, simulator: String, config: String, tables: String, job: EncoderJob, output: String?,
         results: [EncoderRunResult], build: String) {
        self.image = image; self.simulator = simulator; self.config = config; self.tables = tables
        chroma = job.chroma.rawValue
        width = job.width; height = job.height; restart = job.restart; pixelsPerBeat = job.pixelsPerBeat
        self.output = output
        self.build = build
        let pixels = Double(job.width * job.height)
        runs = results.map { r in
            Run(stall: r.stall, seed: r.seed, bytes: r.outBytes, expectedBytes: r.expectedBytes, mismatches: r.mismatches,
                firstMismatch: r.mismatches == 0 ? nil : Mismatch(offset: r.mismatchIndex, expected: r.mismatchExpected, actual: r.mismatchActual),
                pixelsPerClock: Double(r.inBeats * job.pixelsPerBeat) / Double(max(1, r.lastIn - r.firstIn + 1)),
                pixelsPerClockEndToEnd: pixels / Double(max(1, r.cycles)), refusedBeats: r.refused, cycles: r.cycles,
                cyclesPerSecond: r.seconds > 0 ? Double(r.cycles) / r.seconds : 0,
                checks: ["missing_bytes": r.expectedBytes - r.outBytes, "extra_bytes": r.extraBytes,
                         "beats_not_taken": r.expectedInBeats - r.inBeats, "tlast_errors": r.tlastErrors,
                         "axi_violations": r.axiViolations, "frame_error": r.frameError ? 1 : 0,
                         "framing_error": r.framingError ? 1 : 0, "timeout": r.timeout ? 1 : 0,
                         "status_bytes_wrong": r.statusBytes == r.expectedBytes ? 0 : 1, "status_files_wrong": r.statusFiles == 1 ? 0 : 1,
                         "status_errors": r.statusErrors],
                passed: r.passed)
        }
        passed = results.allSatisfy(\.passed)
    }

    var text: String {
        var lines = ["\(image): \(config), \(tables), JPEG encoder \(width)x\(height) \(chroma), "
                     + (restart > 0 ? "restart every \(restart) MCUs" : "no restarts") + ", \(simulator)"]
        for r in runs {
            lines.append("  stall \(r.stall), seed \(r.seed): \(r.bytes) bytes of \(r.expectedBytes), \(r.mismatches) differ"
                         + (r.passed ? "" : "  FAIL"))
            if let m = r.firstMismatch { lines.append("    first difference  byte \(m.offset): expected \(String(m.expected, radix: 16)), got \(String(m.actual, radix: 16))") }
            for (k, v) in r.checks.sorted(by: { $0.key < $1.key }) where v != 0 { lines.append("    \(k)  \(v)") }
            lines.append(String(format: "    pixels per clock  %.4f taken (first to last, %d beats refused), %.4f end to end",
                                r.pixelsPerClock, r.refusedBeats, r.pixelsPerClockEndToEnd))
            lines.append(String(format: "    cycles            %d (%.2f M cycles/s)", r.cycles, r.cyclesPerSecond / 1e6))
        }
        if let output { lines.append("  wrote \(output)") }
        lines.append("  (\(build))")
        lines.append(passed ? "PASS" : "FAIL")
        return lines.joined(separator: "\n")
    }
}

enum EncoderCommandSupport {
    /// The encoder's hardware is the same for every table: it resets to IJG quality 75 and the asked
    /// tables are written through the table port before the frame, so one build serves every quality.
    static func design(_ config: DatapathConfig, target: ClockTarget) throws -> RTLDesign {
        try RTLDesign(config: config, tables: QuantTable.ijg(quality: 75), tableDescription: "IJG quality 75", target: target)
    }

    static func job(input: String, name: String, budget: MemoryBudgetOption, encoder: JPEGEncoderCore, design: RTLDesign,
                    chroma: ChromaSubsampling, restart: Int, optimizeHuffman: Bool, tables: [QuantTable],
                    runs: [StallSetting]) throws -> EncoderJob {
        let image = try frame(input: input, budget: budget, encoder: encoder)
        return try job(image, input: input, name: name, design: design, pixels: encoder.front.pixels, chroma: chroma, restart: restart,
                       optimizeHuffman: optimizeHuffman, tables: tables, runs: runs)
    }

    /// The PNG as one frame: read within the budget, and checked against what the encoder takes.
    static func frame(input: String, budget: MemoryBudgetOption, encoder: JPEGEncoderCore) throws -> Image {
        let image = try readImage(input, budget: budget, bytesPerPixel: Footprint.raster, purpose: "an encoder co-simulation")
        guard image.width <= encoder.front.rows.maxWidth else {
            throw CommandError("\(input) is \(image.width) pixels wide; the encoder takes frames up to --max-width \(encoder.front.rows.maxWidth)")
        }
        guard image.height < 1 << MCURowBuffer.coordinateBits else {
            throw CommandError("\(input) is \(image.height) lines high; the encoder takes up to \((1 << MCURowBuffer.coordinateBits) - 1)")
        }
        guard image.width % encoder.front.pixels == 0 else {
            throw CommandError("\(input) is \(image.width) pixels wide, not a whole number of \(encoder.front.pixels)-pixel beats (--pixels-per-beat)")
        }
        return image
    }

    /// The frame's beats and the golden encoder's file of it.
    static func job(_ image: Image, input: String, name: String, design: RTLDesign, pixels: Int, chroma: ChromaSubsampling, restart: Int,
                    optimizeHuffman: Bool, tables: [QuantTable], runs: [StallSetting]) throws -> EncoderJob {
        do {
            return try EncoderJobs.frame(image, name: name, chroma: chroma, restart: restart, tables: tables,
                                         optimizeHuffman: optimizeHuffman, pixels: pixels, design: design, runs: runs)
        } catch { throw CommandError("\(input): the golden encoder: \(error)") }
    }

    /// Writes the bytes of the first run (temporary file, then renamed) when asked.
    static func save(_ bytes: [UInt8], to output: String?, input: String, extra: [String]) throws {
        guard let output else { return }
        let files = OutputFiles(inputs: [input] + extra)
        try files.claim(output, option: "-o")
        try files.stage(bytes, at: output)
        try files.commit()
    }
}

extension Cosim {
    /// `cosim --core encoder`: the image as video through the whole encoder; every byte against the golden file.
    func runEncoder() throws {
        let config = try datapath.datapath()
        let (tables, description) = try datapath.resetTables(for: config)
        let design = try EncoderCommandSupport.design(config, target: try core.target())
        let encoder = JPEGEncoderCore(design: design, pixels: frontEnd.pixelsPerBeat, maxWidth: frontEnd.maxWidth)
        let name = URL(fileURLWithPath: input).lastPathComponent
        let job = try EncoderCommandSupport.job(input: input, name: name, budget: memory, encoder: encoder, design: design, chroma: chroma,
                                                restart: encoderCore.restart, optimizeHuffman: encoderCore.optimizeHuffman, tables: tables,
                                                runs: [StallSetting(stall: stall, seed: seed)])
        let results: [EncoderRunResult], bytes: [UInt8], build: String
        switch simulator {
        case .verilator:
            let cacheRoot = cache.map { URL(fileURLWithPath: $0) } ?? VerilatorBuild.defaultCacheRoot
            if !json { FileHandle.standardError.write(Data("cosim: Verilator model of \(JPEGEncoderCore.name)…\n".utf8)) }
            let made = try EncoderCosimulation.verilatorBuild(design: design, encoder: encoder, cacheRoot: cacheRoot)
            (results, bytes) = try EncoderCosimulation.run([job], binary: made.binary, progress: !json)
            build = "Verilator model " + (made.built ? String(format: "built in %.1f s", made.seconds) : "cached")
        case .swift:
            (results, bytes) = try EncoderCosimulation.swift([job], module: try encoder.module(design: design))
            build = "Swift cycle model of the hardware description"
        case .icarus:
            throw CommandError("--core encoder runs under verilator or swift")
        }
        try EncoderCommandSupport.save(bytes, to: encoderCore.output, input: input, extra: datapath.inputFiles)
        let report = EncoderReport(image: name, simulator: simulator.rawValue, config: config.name, tables: description, job: job,
                                   output: encoderCore.output, results: results, build: build)
        if json { try printJSON(report) } else { print(report.text) }
        if !report.passed { throw ExitCode(1) }
    }
}
