import ArgumentParser
import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import ImageIO

extension RasterJobs.Fault: ExpressibleByArgument {}

/// What a raster co-simulation or C simulation found on one image (`cosim`/`csim --front raster`).
struct RasterReport: Encodable {
    var image: String, simulator: String, config: String, tables: String, chroma: String
    var width: Int, height: Int, pixelsPerBeat: Int, maxWidth: Int
    var fault: String?
    var runs: [Run]
    var passed: Bool
    var build: String

    struct Run: Encodable {
        var stall: Double, seed: UInt64
        var blocks: Int, dummyBlocks: Int
        var mismatches: Int
        var firstMismatch: Mismatch?
        var pixelsPerClock: Double
        var refusedBeats: Int
        var frameError: Bool, expectedFrameError: Bool
        var cycles: Int
        var cyclesPerSecond: Double
        var checks: [String: Int]
        var passed: Bool

        enum CodingKeys: String, CodingKey {
            case stall, seed, blocks, mismatches, cycles, checks, passed
            case dummyBlocks = "dummy_blocks", firstMismatch = "first_mismatch", pixelsPerClock = "pixels_per_clock"
            case refusedBeats = "refused_beats", frameError = "frame_error", expectedFrameError = "expected_frame_error"
            case cyclesPerSecond = "cycles_per_second"
        }
    }

    struct Mismatch: Encodable { var block: String, index: Int, expected: Int, actual: Int }

    enum CodingKeys: String, CodingKey {
        case image, simulator, config, tables, chroma, width, height, fault, runs, passed, build
        case pixelsPerBeat = "pixels_per_beat", maxWidth = "max_width"
    }

    init(image: String, simulator: String, config: String, tables: String, job: RasterJob, front: RasterFront, fault: String?,
         results: [RasterRunResult], build: String) {
        self.image = image; self.simulator = simulator; self.config = config; self.tables = tables
        chroma = job.chroma.rawValue
        width = job.width; height = job.height; pixelsPerBeat = front.pixels; maxWidth = front.rows.maxWidth
        self.fault = fault
        self.build = build
        let dummies = job.expected.filter { $0 == nil }.count
        runs = results.map { r in
            Run(stall: r.stall, seed: r.seed, blocks: r.blocks - dummies, dummyBlocks: dummies, mismatches: r.mismatches,
                firstMismatch: r.mismatches == 0 ? nil : Mismatch(block: job.places[r.mismatchBlock], index: r.mismatchIndex,
                                                                  expected: r.mismatchExpected, actual: r.mismatchActual),
                pixelsPerClock: r.beatsPerClock * Double(front.pixels), refusedBeats: r.refused, frameError: r.frameError,
                expectedFrameError: r.expectedFrameError, cycles: r.cycles,
                cyclesPerSecond: r.seconds > 0 ? Double(r.cycles) / r.seconds : 0,
                checks: ["missing_beats": r.expectedOutBeats - r.outBeats, "extra_beats": r.extraBeats,
                         "beats_not_taken": r.expectedInBeats - r.inBeats, "tlast_errors": r.tlastErrors,
                         "tuser_errors": r.tuserErrors, "axi_violations": r.axiViolations,
                         "framing_error": r.framingError ? 1 : 0, "timeout": r.timeout ? 1 : 0],
                passed: r.passed)
        }
        passed = results.allSatisfy(\.passed)
    }

    var text: String {
        var lines = ["\(image): \(config), \(tables), raster \(width)x\(height) \(chroma), \(pixelsPerBeat) pixel\(pixelsPerBeat == 1 ? "" : "s") a beat, "
                     + "frames up to \(maxWidth) wide, \(simulator)" + (fault.map { ", after a \($0) frame" } ?? "")]
        for r in runs {
            lines.append("  stall \(r.stall), seed \(r.seed): \(r.blocks) blocks (+ \(r.dummyBlocks) dummy), \(r.mismatches) mismatches"
                         + (r.passed ? "" : "  FAIL"))
            if let m = r.firstMismatch { lines.append("    first mismatch    \(m.block) index \(m.index): expected \(m.expected), got \(m.actual)") }
            for (k, v) in r.checks.sorted(by: { $0.key < $1.key }) where v != 0 { lines.append("    \(k)  \(v)") }
            lines.append("    frame_error       \(r.frameError ? 1 : 0) (\(r.expectedFrameError ? 1 : 0) expected)")
            lines.append(String(format: "    pixels per clock  %.4f (first pixel taken to last; %d beats refused)", r.pixelsPerClock, r.refusedBeats))
            lines.append(String(format: "    cycles            %d (%.2f M cycles/s)", r.cycles, r.cyclesPerSecond / 1e6))
        }
        lines.append("  (\(build))")
        lines.append(passed ? "PASS" : "FAIL")
        return lines.joined(separator: "\n")
    }
}

extension Cosim {
    /// `cosim --front raster`: the image as video through the raster encode top.
    func runRaster() throws {
        let config = try datapath.datapath()
        let (tables, description) = try datapath.resetTables(for: config)
        let design = try RTLDesign(config: config, tables: tables, tableDescription: description, target: try core.target())
        let front = frontEnd.rasterFront(colorBits: config.colorBits)
        let name = URL(fileURLWithPath: input).lastPathComponent
        let job = try RasterCommandSupport.job(input: input, name: name, budget: memory, front: front, design: design, chroma: chroma,
                                               fault: fault, runs: [StallSetting(stall: stall, seed: seed)])
        let command = "fxcodec cosim --front raster"
        let results: [RasterRunResult], build: String
        switch simulator {
        case .verilator:
            let cacheRoot = cache.map { URL(fileURLWithPath: $0) } ?? VerilatorBuild.defaultCacheRoot
            if !json { FileHandle.standardError.write(Data("cosim: Verilator model of \(RasterFront.encodeName)…\n".utf8)) }
            let made = try RasterCosimulation.verilatorBuild(design: design, front: front, cacheRoot: cacheRoot)
            results = try RasterCosimulation.run([job], binary: made.binary, laneBits: design.laneBits, progress: !json)
            build = "Verilator model " + (made.built ? String(format: "built in %.1f s", made.seconds) : "cached")
        case .swift:
            let bar = CycleProgress(enabled: !json && isatty(2) != 0)
            results = try RasterCosimulation.swift([job], module: try front.encodeModule(design: design), laneBits: design.laneBits,
                                                   progress: bar.show)
            bar.finish()
            build = "Swift cycle model of the hardware description"
        case .icarus:
            let module = try front.encodeModule(design: design), recording = ClockRecording()
            results = try RasterCosimulation.swift([job], module: module, laneBits: design.laneBits, recording: recording)
            if !json {
                FileHandle.standardError.write(Data("cosim: replaying \(recording.inputs.count) clocks under Icarus Verilog…\n".utf8))
            }
            let icarus = try HardwareSimulators.icarus(.init(top: module.name, ports: module,
                                                             files: try front.encodeFiles(design: design, command: command)),
                                                       recording.inputs, scratch: FileManager.default.temporaryDirectory)
            try IcarusReplay.compare(icarus: icarus.outputs, swift: recording.outputs, module: module)
            build = String(format: "Icarus Verilog: every output of %d clocks equal to the Swift model's, %.0f clocks/s",
                           recording.inputs.count, Double(recording.inputs.count) / max(icarus.seconds, 1e-9))
        }
        let report = RasterReport(image: name, simulator: simulator.rawValue, config: config.name, tables: description, job: job,
                                  front: front, fault: fault?.rawValue, results: results, build: build)
        if json { try printJSON(report) } else { print(report.text) }
        if !report.passed { throw ExitCode(1) }
    }
}

/// What the raster commands share: the job from a PNG.
enum RasterCommandSupport {
    static func job(input: String, name: String, budget: MemoryBudgetOption, front: RasterFront, design: RTLDesign,
                    chroma: ChromaSubsampling, fault: RasterJobs.Fault?, runs: [StallSetting]) throws -> RasterJob {
        let image = try readImage(input, budget: budget, bytesPerPixel: Footprint.raster, purpose: "a raster co-simulation")
        guard image.width <= front.rows.maxWidth else {
            throw CommandError("\(input) is \(image.width) pixels wide; the front end takes frames up to --max-width \(front.rows.maxWidth)")
        }
        guard image.height < 1 << MCURowBuffer.coordinateBits else {
            throw CommandError("\(input) is \(image.height) lines high; the front end takes up to \((1 << MCURowBuffer.coordinateBits) - 1)")
        }
        guard image.width % front.pixels == 0 else {
            throw CommandError("\(input) is \(image.width) pixels wide, not a whole number of \(front.pixels)-pixel beats (--pixels-per-beat)")
        }
        if fault != nil, image.width < 2 * front.pixels || image.height < 3 {
            throw CommandError("--fault needs a frame of at least two beats a line and three lines; \(input) is \(image.width)x\(image.height)")
        }
        let job = RasterJobs.frame(image, name: name, chroma: chroma, pixels: front.pixels,
                                   codec: try ImageCodec(config: design.config, threads: processorCount, trackRanges: false),
                                   blockCodec: try BlockCodec(design.config), tables: design.tables, runs: runs)
        return fault.map { RasterJobs.malformed($0, then: job) } ?? job
    }
}

/// The Swift run's clocks replayed under Icarus (`cosim --simulator icarus`, blocks or raster).
enum IcarusReplay {
    /// Every output of every clock equal, except the payload of an output beat that is not valid,
    /// which Icarus may show as x (pipeline registers without reset).
    static func compare(icarus: [[UInt64?]], swift: [[UInt64]], module: Module) throws {
        let names = module.outputs.flatMap { p in (0..<p.count).map { p.count == 1 ? p.name : "\(p.name)[\($0)]" } }
        let valid = names.firstIndex(of: "m_axis_tvalid")!
        let payload = Set(names.indices.filter { names[$0].hasPrefix("m_axis_t") && $0 != valid })
        for (clock, (theirs, ours)) in zip(icarus, swift).enumerated() {
            let dontCare = ours[valid] == 0 ? payload : []
            if let k = ours.indices.first(where: { theirs[$0] != ours[$0] && !dontCare.contains($0) }) {
                throw CommandError("Icarus differs from the Swift model at clock \(clock), output \(names[k]): "
                                   + "Icarus \(theirs[k].map { String($0, radix: 16) } ?? "x"), Swift \(String(ours[k], radix: 16))")
            }
        }
    }
}
