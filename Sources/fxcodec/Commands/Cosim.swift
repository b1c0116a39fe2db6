import ArgumentParser
import CoSim
import Foundation
import Golden
import HLSGen
import ImageIO

/// Which simulator runs the core.
enum CoreSimulator: String, ExpressibleByArgument, CaseIterable {
    /// The printed Verilog, compiled by Verilator with the C++ harness.
    case verilator
    /// The core's hardware description evaluated clock by clock in Swift (`CycleSimulator`).
    case swift
    /// The Swift run's clocks replayed into the printed Verilog under Icarus Verilog, every output of
    /// every clock compared.
    case icarus
}

/// `fxcodec cosim`: the core (Verilator, or its description in Swift) against the golden model, on one image.
struct Cosim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosim",
        abstract: "Co-simulate the streaming core on a PNG and compare every output with the golden model.",
        discussion: """
            Streams every block of every component through the core with the mode at run time, with seeded \
            random stalls, and checks every output value, tlast, tuser and the AXI4-Stream hold rule. Exits \
            non-zero on any difference. --simulator verilator (default) builds the printed Verilog with \
            Verilator (cached: an unchanged design is not rebuilt); --simulator swift runs the hardware \
            description the Verilog is printed from, clock by clock in Swift, with no external tool: same \
            stimulus, stalls, checks and cycle counts as the Verilator harness. --simulator icarus replays \
            every clock of the Swift run into the printed Verilog under Icarus Verilog and compares every \
            output of every clock (slow: about 10 k clocks/s; for small images and crops).

            --front raster --mode encode streams the PNG as RGB video (UG934, --pixels-per-beat) through the \
            raster front end and the 8-lane encoder, and checks every coefficient in JPEG MCU order, the \
            dummy blocks' flags, the pixels taken per clock, and (with --fault) that a malformed frame sets \
            the sticky frame_error and the next frame still comes out whole.

            --core encoder runs the whole hardware JPEG encoder (RGB video in, a baseline JFIF file out a byte \
            a beat) and checks every byte against the golden encoder's file (cjpeg's bytes), tlast on the last \
            byte and the hold rule; -o writes the file the hardware made; --restart sets the restart interval.

            Examples:
              fxcodec cosim photo.png --lanes 8 --mode roundtrip --stall 0.3
              fxcodec cosim photo.png --front raster --mode encode --chroma 422 --stall 0.3 --fault short-line
              fxcodec cosim photo.png --core encoder -q 90 --restart 4 --stall 0.3 -o photo.jpg
              fxcodec cosim photo.png --simulator swift --lanes 1 --mode encode --json
            """)

    @Argument(help: "Input PNG.")
    var input: String

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var core: RTLCoreOptions
    @OptionGroup var memory: MemoryBudgetOption
    @OptionGroup var frontEnd: FrontOptions
    @OptionGroup var encoderCore: EncoderCoreOptions

    @Option(help: "raster: put a malformed frame of the image's shape before it (short-line, long-line or start-in-mid-frame); the sticky frame_error must then be 1 and the image still come out whole.")
    var fault: RasterJobs.Fault?

    @Option(help: "Chroma subsampling of colour images: 420, 422, 444 or gray.")
    var chroma: ChromaSubsampling = .s420

    @Option(parsing: .unconditional, help: "Stall probability per clock, [0, 1), on input valid and (independently) output ready.",
            transform: Checked.number(0...1, excludingUpper: true))
    var stall: Double = 0

    @Option(help: "Seed of the stall sequence.")
    var seed: UInt64 = 1

    @Option(help: "verilator (the printed Verilog), swift (its hardware description, clock by clock in Swift) or icarus (the Swift run's clocks replayed under Icarus Verilog).")
    var simulator: CoreSimulator = .verilator

    @Option(help: "Write a VCD of the whole run here (Verilator only; builds a tracing variant; slow and large).")
    var trace: String?

    @Option(help: "Cache folder for Verilator builds (default $FXCODEC_CACHE or ~/.cache/fxcodec).")
    var cache: String?

    @Option(name: .customLong("save-stimulus"), help: "Keep the harness's stimulus file here (to rerun the harness by hand).")
    var saveStimulus: String?

    @Flag(help: "Print JSON.")
    var json = false

    struct Report: Encodable {
        var image: String, simulator: String, config: String, tables: String, mode: String
        var lanes: Int, blocks: Int, samples: Int
        var mismatches: Int
        var firstMismatch: Mismatch?
        var passed: Bool
        var cycles: Int
        var cyclesPerBlock: Double
        var samplesPerClock: Double
        /// null when no beat came out.
        var latency: Int?, expectedLatency: Int
        var cyclesPerSecond: Double
        var simulationSeconds: Double
        var build: String
        var checks: [String: Int]

        struct Mismatch: Encodable { var image: String, component: String, block: Int, index: Int, expected: Int, actual: Int }

        enum CodingKeys: String, CodingKey {
            case image, simulator, config, tables, mode, lanes, blocks, samples, mismatches, passed, cycles, latency, build, checks
            case firstMismatch = "first_mismatch", cyclesPerBlock = "cycles_per_block"
            case samplesPerClock = "samples_per_clock", expectedLatency = "expected_latency"
            case cyclesPerSecond = "cycles_per_second", simulationSeconds = "simulation_s"
        }
    }

    func validate() throws {
        try encoderCore.check()
        if encoderCore.encoder {
            if trace != nil || saveStimulus != nil || fault != nil { throw ValidationError("--trace, --save-stimulus and --fault are not for --core encoder") }
            return
        }
        try frontEnd.check(mode: core.mode, lanes: core.lanes)
        if fault != nil && !frontEnd.raster { throw ValidationError("--fault is for --front raster") }
        if frontEnd.raster && (trace != nil || saveStimulus != nil) {
            throw ValidationError("--trace and --save-stimulus are for --front blocks")
        }
        if simulator != .verilator, trace != nil || saveStimulus != nil {
            throw ValidationError("--trace and --save-stimulus are for --simulator verilator (the Swift model has no VCD or harness file)")
        }
    }

    func run() throws {
        if encoderCore.encoder { return try runEncoder() }
        if frontEnd.raster { return try runRaster() }
        let outputs = OutputFiles(inputs: [input] + datapath.inputFiles)
        if let trace { try outputs.claim(trace, option: "--trace") }
        if let saveStimulus { try outputs.claim(saveStimulus, option: "--save-stimulus") }
        let config = try datapath.datapath()
        let image = try readImage(input, budget: memory, bytesPerPixel: Footprint.blocks, purpose: "a co-simulation")
        let (tables, description) = try datapath.resetTables(for: config)
        // One build per configuration and stream width: the core resets to quality 75's tables and
        // any other tables are written through the table port before streaming.
        let design = try RTLDesign(config: config, quality: 75, target: try core.target())
        let writeTables = description != design.tableDescription
        let name = URL(fileURLWithPath: input).lastPathComponent
        let blocks = try ImageBlocks(image: image, name: name, config: config, chroma: chroma)
        let job = blocks.job(mode: core.mode, codec: try BlockCodec(config), tables: tables, writeTables: writeTables,
                             layout: design.layout, runs: [StallSetting(stall: stall, seed: seed)])
        let result: CosimRunResult, buildNote: String
        switch simulator {
        case .verilator:
            let cacheRoot = cache.map { URL(fileURLWithPath: $0) } ?? VerilatorBuild.defaultCacheRoot
            if !json { FileHandle.standardError.write(Data("cosim: Verilator model of \(config.name) at \(core.lanes) lane(s)…\n".utf8)) }
            let build = try VerilatorBuild.build(design: design, lanes: core.lanes, tracing: trace != nil, cacheRoot: cacheRoot)
            let traceFile = try trace.map { try outputs.stage($0) }
            let stimulusFile = try saveStimulus.map { try outputs.stage($0) }
            for staged in [traceFile, stimulusFile] { staged?.closeDescriptor() }
            result = try Cosimulation.run([job], on: build, progress: !json,
                                          trace: traceFile.map { URL(fileURLWithPath: $0.path) },
                                          keepStimulus: stimulusFile.map { URL(fileURLWithPath: $0.path) })[0]
            buildNote = "Verilator model " + (build.built ? String(format: "built in %.1f s", build.seconds) : "cached")
        case .swift:
            let bar = CycleProgress(enabled: !json && isatty(2) != 0)
            result = try SwiftCosimulation.run([job], module: try design.coreModule(lanes: core.lanes), lanes: core.lanes,
                                               laneBits: design.laneBits, progress: bar.show)[0]
            bar.finish()
            buildNote = "Swift cycle model of the hardware description"
        case .icarus:
            let module = try design.coreModule(lanes: core.lanes), recording = ClockRecording()
            result = try SwiftCosimulation.run([job], module: module, lanes: core.lanes, laneBits: design.laneBits,
                                               recording: recording)[0]
            if !json {
                FileHandle.standardError.write(Data("cosim: replaying \(recording.inputs.count) clocks under Icarus Verilog…\n".utf8))
            }
            let files = try design.coreFiles(command: "fxcodec cosim --simulator icarus")
            let icarus = try HardwareSimulators.icarus(.init(top: module.name, ports: module, files: files), recording.inputs,
                                                       scratch: FileManager.default.temporaryDirectory)
            try IcarusReplay.compare(icarus: icarus.outputs, swift: recording.outputs, module: module)
            buildNote = String(format: "Icarus Verilog: every output of %d clocks equal to the Swift model's, %.0f clocks/s",
                               recording.inputs.count, Double(recording.inputs.count) / max(icarus.seconds, 1e-9))
        }
        if result.timeout {
            throw CommandError("co-simulation made no progress in \(CosimRunResult.quietLimit) clocks (no beat in or out) "
                               + "after \(result.inBeats) of \(result.expectedBeats) input beats and \(result.outBeats) output beats"
                               + (stall > 0.99 ? "; --stall \(stall) lets a beat through about once in "
                                  + "\(Int((1 / ((1 - stall) * (1 - stall))).rounded())) clocks" : "")
                               + "; nothing written")
        }

        var mismatch: Report.Mismatch?
        if result.mismatches > 0 {
            let (part, block) = job.locate(block: result.mismatchBlock)
            mismatch = .init(image: name, component: part, block: block, index: result.mismatchIndex,
                             expected: result.mismatchExpected, actual: result.mismatchActual)
        }
        let report = Report(
            image: name, simulator: simulator.rawValue, config: config.name, tables: description, mode: core.mode.rawValue, lanes: core.lanes,
            blocks: job.blockCount, samples: job.blockCount * 64, mismatches: result.mismatches, firstMismatch: mismatch,
            passed: result.passed, cycles: result.cycles,
            cyclesPerBlock: Double(result.lastOut - result.firstOut + 1) / Double(max(1, job.blockCount)),
            samplesPerClock: result.samplesPerClock(lanes: core.lanes), latency: result.latency,
            expectedLatency: design.latency(mode: core.mode, lanes: core.lanes),
            cyclesPerSecond: result.cyclesPerSecond, simulationSeconds: result.seconds,
            build: buildNote,
            checks: ["missing_beats": result.expectedBeats - result.outBeats, "extra_beats": result.extraBeats,
                     "tlast_errors": result.tlastErrors, "tuser_errors": result.tuserErrors,
                     "axi_violations": result.axiViolations, "framing_error": result.framingError ? 1 : 0,
                     "timeout": result.timeout ? 1 : 0])
        if json {
            try printJSON(report)
        } else {
            print("\(name): \(config.name), \(description), \(core.mode.rawValue), \(core.lanes) lane(s), stall \(stall), seed \(seed)")
            print("  blocks            \(report.blocks) (\(report.samples) values)")
            print("  mismatches        \(report.mismatches)")
            if let m = mismatch {
                print("  first mismatch    \(m.image) component \(m.component) block \(m.block) index \(m.index): "
                      + "expected \(m.expected), got \(m.actual)")
            }
            for (k, v) in report.checks.sorted(by: { $0.key < $1.key }) where v != 0 { print("  \(k)  \(v)") }
            print("  total cycles      \(report.cycles)")
            print(String(format: "  cycles per block  %.3f", report.cyclesPerBlock))
            print(String(format: "  samples per clock %.3f (output streaming, pipeline fill excluded)", report.samplesPerClock))
            print("  latency           \(report.latency.map(String.init) ?? "—") cycles (first input beat to first output beat; \(report.expectedLatency) expected without stalls)")
            print(String(format: "  simulation        %.2f M cycles/s (%.2f s; ", report.cyclesPerSecond / 1e6,
                         report.simulationSeconds) + "\(report.build))")
            if let trace { print("  trace             \(trace)") }
            print(report.passed ? "PASS" : "FAIL")
        }
        // A finished run keeps its trace and stimulus, passed or not (they are what a failure is debugged with).
        try outputs.commit()
        if !report.passed { throw ExitCode(1) }
    }
}

/// The Swift co-simulation's progress on a terminal, as the Verilator harness shows its own: after
/// 2 s, `cosim [#####.....]  41%  3.2 Mcycles  2.10 Mcycles/s`.
final class CycleProgress: @unchecked Sendable {
    private let enabled: Bool
    private let start = Date()
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ p: CosimProgress) {
        let elapsed = Date().timeIntervalSince(start)
        guard enabled, shown || elapsed >= 2 else { return }
        shown = true
        let fraction = p.blocks == 0 ? 1 : Double(p.blocksDone) / Double(p.blocks)
        let filled = Int(fraction * 30)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
        let line = String(format: "\rcosim [%@] %3d%%  %.3g Mcycles  %.2f Mcycles/s", bar, Int(fraction * 100),
                          Double(p.cycles) / 1e6, Double(p.cycles) / max(elapsed, 1e-9) / 1e6)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() { if shown { FileHandle.standardError.write(Data("\n".utf8)) } }
}
