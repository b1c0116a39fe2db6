import Dispatch
import Foundation
import Golden
import Hardware
import HLSGen

/// What one run of a raster job measured and found (one line of the raster harness's results).
public struct RasterRunResult: Sendable, Codable, Hashable {
    public var job: Int, run: Int
    public var stall: Double, seed: UInt64
    public var width: Int, height: Int, chroma: Int, blocks: Int
    public var inBeats: Int, expectedInBeats: Int, refused: Int
    public var outBeats: Int, expectedOutBeats: Int
    public var mismatches: Int
    /// The first mismatch: block of the job (MCU order), index in the block (raster), expected and actual.
    public var mismatchBlock: Int, mismatchIndex: Int, mismatchExpected: Int, mismatchActual: Int
    public var tlastErrors: Int, tuserErrors: Int, axiViolations: Int, extraBeats: Int
    public var frameError: Bool, expectedFrameError: Bool, framingError: Bool, timeout: Bool
    /// Clocks from the first streaming clock to the last output beat (inclusive).
    public var cycles: Int
    /// Clock indices of the first and last accepted input and output beats.
    public var firstIn: Int, lastIn: Int, firstOut: Int, lastOut: Int
    public var seconds: Double

    public var passed: Bool {
        mismatches == 0 && outBeats == expectedOutBeats && inBeats == expectedInBeats && extraBeats == 0 && tlastErrors == 0
            && tuserErrors == 0 && axiViolations == 0 && frameError == expectedFrameError && !framingError && !timeout
    }

    /// Input beats a clock from the first taken to the last (the fill before and the drain after excluded).
    public var beatsPerClock: Double { Double(inBeats) / Double(max(1, lastIn - firstIn + 1)) }

    public static func parse(_ results: String) throws -> [RasterRunResult] {
        try results.split(separator: "\n").filter { $0.hasPrefix("run ") }.map(RasterRunResult.init(line:))
    }

    init(line: Substring) throws {
        var fields: [String: String] = [:]
        for word in line.split(separator: " ").dropFirst() {
            let kv = word.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        func int(_ k: String) throws -> Int {
            guard let s = fields[k], let v = Int(s) else { throw HardwareSimulationError("raster harness result without \(k): \(line)") }
            return v
        }
        guard let stallText = fields["stall"], let stall = Double(stallText), let seedText = fields["seed"], let seed = UInt64(seedText),
              let secondsText = fields["seconds"], let seconds = Double(secondsText) else {
            throw HardwareSimulationError("raster harness result without stall, seed or seconds: \(line)")
        }
        self.init(job: try int("job"), run: try int("run"), stall: stall, seed: seed, width: try int("width"),
                  height: try int("height"), chroma: try int("chroma"), blocks: try int("blocks"), inBeats: try int("in_beats"),
                  expectedInBeats: try int("expected_in_beats"), refused: try int("refused"), outBeats: try int("out_beats"),
                  expectedOutBeats: try int("expected_out_beats"), mismatches: try int("mismatches"),
                  mismatchBlock: try int("mismatch_block"), mismatchIndex: try int("mismatch_index"),
                  mismatchExpected: try int("mismatch_expected"), mismatchActual: try int("mismatch_actual"),
                  tlastErrors: try int("tlast_errors"), tuserErrors: try int("tuser_errors"),
                  axiViolations: try int("axi_violations"), extraBeats: try int("extra_beats"),
                  frameError: try int("frame_error") != 0, expectedFrameError: try int("expected_frame_error") != 0,
                  framingError: try int("framing_error") != 0, timeout: try int("timeout") != 0, cycles: try int("cycles"),
                  firstIn: try int("first_in"), lastIn: try int("last_in"), firstOut: try int("first_out"),
                  lastOut: try int("last_out"), seconds: seconds)
    }

    public init(job: Int, run: Int, stall: Double, seed: UInt64, width: Int, height: Int, chroma: Int, blocks: Int,
                inBeats: Int, expectedInBeats: Int, refused: Int, outBeats: Int, expectedOutBeats: Int, mismatches: Int,
                mismatchBlock: Int, mismatchIndex: Int, mismatchExpected: Int, mismatchActual: Int,
                tlastErrors: Int, tuserErrors: Int, axiViolations: Int, extraBeats: Int,
                frameError: Bool, expectedFrameError: Bool, framingError: Bool, timeout: Bool, cycles: Int,
                firstIn: Int, lastIn: Int, firstOut: Int, lastOut: Int, seconds: Double) {
        self.job = job; self.run = run; self.stall = stall; self.seed = seed
        self.width = width; self.height = height; self.chroma = chroma; self.blocks = blocks
        self.inBeats = inBeats; self.expectedInBeats = expectedInBeats; self.refused = refused
        self.outBeats = outBeats; self.expectedOutBeats = expectedOutBeats
        self.mismatches = mismatches
        self.mismatchBlock = mismatchBlock; self.mismatchIndex = mismatchIndex
        self.mismatchExpected = mismatchExpected; self.mismatchActual = mismatchActual
        self.tlastErrors = tlastErrors; self.tuserErrors = tuserErrors; self.axiViolations = axiViolations; self.extraBeats = extraBeats
        self.frameError = frameError; self.expectedFrameError = expectedFrameError
        self.framingError = framingError; self.timeout = timeout
        self.cycles = cycles
        self.firstIn = firstIn; self.lastIn = lastIn; self.firstOut = firstOut; self.lastOut = lastOut
        self.seconds = seconds
    }

    /// Everything but the wall time: what two simulators of one design must agree on.
    public var clockForClock: RasterRunResult {
        var r = self
        r.seconds = 0
        return r
    }
}

/// Raster jobs through the raster harness: compiled (Verilator's `Vcore`, or the C-simulation
/// testbench of the printed HLS top), or the same loop in Swift over the description's evaluation.
public enum RasterCosimulation {
    /// Builds (or finds in the cache) the Verilator model of the raster encode top with the raster
    /// harness; the files' headers name `fxcodec cosim --front raster`, so one design is built once.
    public static func verilatorBuild(design: RTLDesign, front: RasterFront,
                                      cacheRoot: URL = VerilatorBuild.defaultCacheRoot) throws -> VerilatorBuild {
        let verilog = try front.encodeFiles(design: design, command: "fxcodec cosim --front raster (Verilator build)")
        let sources = verilog + [GeneratedFile(path: RasterHarness.verilatorFileName, text: RasterHarness.verilator)]
        return try VerilatorBuild.build(sources: sources, compiled: sources, top: RasterFront.encodeName, lanes: 8,
                                        laneBits: design.laneBits,
                                        family: "obj_raster_\(design.config.name)_p\(front.pixels)_w\(front.rows.maxWidth)_",
                                        tracing: false, cacheRoot: cacheRoot)
    }

    /// Compiles (or finds in `cache`) the C-simulation testbench of the printed HLS raster encode top
    /// (headers naming `fxcodec csim --front raster`); returns its binary and the build.
    public static func cSimBuild(design: RTLDesign, front: RasterFront, cache: URL,
                                 apTypes: URL) throws -> (binary: URL, build: CSimBuild) {
        let files = try front.cSimFiles(design: design, banner: try design.banner(command: "fxcodec csim --front raster"))
        let build = try CSimBuild.build(files, cache: cache, apTypes: apTypes)
        return (build.binary(RasterFront.encodeName), build)
    }

    /// Runs `jobs` through a compiled raster harness (`binary`); one result per run, job order then run order.
    public static func run(_ jobs: [RasterJob], binary: URL, laneBits: Int, note: String = "fxcodec raster co-simulation",
                           scratch: URL = FileManager.default.temporaryDirectory, progress: Bool = false) throws -> [RasterRunResult] {
        let fm = FileManager.default
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        let tag = "fxcodec-raster-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let stimulus = scratch.appendingPathComponent(tag + ".stim"), results = scratch.appendingPathComponent(tag + ".txt")
        defer {
            try? fm.removeItem(at: stimulus)
            try? fm.removeItem(at: results)
        }
        try RasterStimulusFormat.write(jobs, note: note, laneBits: laneBits, to: stimulus)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--stimulus", stimulus.path, "--results", results.path] + (progress ? ["--progress"] : [])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = progress ? FileHandle.standardError : errors
        try process.run()
        let message = progress ? Data() : errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Exit 1 means some run failed its checks (reported in the results); anything else is an error.
        guard process.terminationStatus == 0 || process.terminationStatus == 1 else {
            throw HardwareSimulationError("raster harness \(binary.lastPathComponent) failed (exit \(process.terminationStatus)): "
                                          + String(decoding: message, as: UTF8.self))
        }
        let parsed = try RasterRunResult.parse(try String(contentsOf: results, encoding: .utf8))
        guard parsed.count == jobs.reduce(0, { $0 + $1.runs.count }) else {
            throw HardwareSimulationError("raster harness reported \(parsed.count) runs of \(jobs.reduce(0) { $0 + $1.runs.count })")
        }
        return parsed
    }

    /// The raster harness's loop in Swift over `module`'s evaluation, draw for draw and clock for clock
    /// as the C++; `recording` receives every clock's inputs and outputs (to replay under Icarus).
    public static func swift(_ jobs: [RasterJob], module: Module, laneBits: Int, recording: ClockRecording? = nil,
                             progress: ((CosimProgress) -> Void)? = nil) throws -> [RasterRunResult] {
        var loop = try SwiftLoop(module: module, laneBits: laneBits, recording: recording, progress: progress,
                                 blocks: jobs.reduce(0) { $0 + $1.blockCount * $1.runs.count })
        defer { loop.deallocate() }
        var results: [RasterRunResult] = []
        for (j, job) in jobs.enumerated() {
            for (r, setting) in job.runs.enumerated() { results.append(loop.run(job, setting, job: j, run: r)) }
        }
        progress?(loop.state)
        return results
    }
}

/// The Swift loop's state: the simulator, its input and output elements, where each port is.
private struct SwiftLoop {
    let simulator: CycleSimulator
    let recording: ClockRecording?
    let progress: ((CosimProgress) -> Void)?
    let inputs: UnsafeMutableBufferPointer<UInt64>, outputs: UnsafeMutableBufferPointer<UInt64>
    let laneBits: Int
    var state: CosimProgress
    // Inputs.
    let aresetn, inValid, inUser, inLast, outReady, registerWrite, registerAddress, registerData, tableWrite: Int
    let inData: Range<Int>
    // Outputs.
    let inReady, outValid, outUser, outLast, frameError, framingError: Int
    let outData: Range<Int>

    init(module: Module, laneBits: Int, recording: ClockRecording?, progress: ((CosimProgress) -> Void)?, blocks: Int) throws {
        let ports = PortPlaces(module: module, harness: "raster harness")
        func input(_ name: String) throws -> Int { try ports.input(name) }
        func output(_ name: String) throws -> Int { try ports.output(name) }
        simulator = CycleSimulator(module)
        self.recording = recording
        self.progress = progress
        self.laneBits = laneBits
        state = CosimProgress(blocksDone: 0, blocks: blocks, cycles: 0)
        inputs = .allocate(capacity: simulator.inputCount)
        inputs.initialize(repeating: 0)
        outputs = .allocate(capacity: simulator.outputCount)
        outputs.initialize(repeating: 0)
        (aresetn, inValid, inUser, inLast, outReady) = (try input("aresetn"), try input("s_axis_tvalid"), try input("s_axis_tuser"),
                                                        try input("s_axis_tlast"), try input("m_axis_tready"))
        (registerWrite, registerAddress, registerData, tableWrite) = (try input("reg_we"), try input("reg_addr"), try input("reg_wdata"),
                                                                      try input("qt_we"))
        inData = try ports.inputs("s_axis_tdata")
        (inReady, outValid, outUser, outLast) = (try output("s_axis_tready"), try output("m_axis_tvalid"), try output("m_axis_tuser"),
                                                 try output("m_axis_tlast"))
        (frameError, framingError) = (try output("frame_error"), try output("framing_error"))
        outData = try ports.outputs("m_axis_tdata")
        guard outData.count == 8 else { throw HardwareSimulationError("\(module.name): m_axis_tdata must be 8 lanes") }
    }

    func deallocate() {
        inputs.deallocate()
        outputs.deallocate()
    }

    func idle(_ clocks: Int) {
        for _ in 0..<clocks {
            simulator.step(UnsafeBufferPointer(inputs), into: outputs)
            recording?.note(inputs, outputs)
        }
    }

    func lane(_ k: Int) -> Int {
        let sign = UInt64(1) << UInt64(laneBits - 1)
        return Int(bitPattern: UInt(outputs[outData.lowerBound + k] ^ sign)) - Int(bitPattern: UInt(sign))
    }

    mutating func run(_ job: RasterJob, _ setting: StallSetting, job j: Int, run r: Int) -> RasterRunResult {
        var random = SplitMix64(seed: setting.seed)
        inputs[aresetn] = 0
        inputs[inValid] = 0
        inputs[outReady] = 0
        inputs[tableWrite] = 0
        inputs[registerWrite] = 0
        idle(4)
        inputs[aresetn] = 1
        idle(1)
        for write in RasterRegister.shapeWrites(width: job.width, height: job.height, chroma: job.chroma) {
            inputs[registerWrite] = 1
            inputs[registerAddress] = UInt64(write.address)
            inputs[registerData] = write.value
            idle(1)
        }
        inputs[registerWrite] = 0

        let totalIn = job.beatCount, totalOut = job.blockCount * 8, p = job.pixelsPerBeat
        var nextIn = 0, refused = 0, outBeats = 0, mismatches = 0, tlastErrors = 0, tuserErrors = 0, axiViolations = 0, extraBeats = 0
        var firstIn = -1, lastIn = -1, firstOut = -1, lastOut = -1
        var mismatchBlock = -1, mismatchIndex = -1, mismatchExpected = 0, mismatchActual = 0
        var offering = false, timeout = false
        var held = false, heldData = [UInt64](repeating: 0, count: outData.count), heldLast: UInt64 = 0, heldUser: UInt64 = 0
        var cycle = 0, quiet = 0, drain = 0
        let start = DispatchTime.now().uptimeNanoseconds
        while true {
            if !offering && nextIn < totalIn && !random.chance(setting.stall) {
                offering = true
                for k in 0..<inData.count { inputs[inData.lowerBound + k] = UInt64(k < p ? job.pixels[nextIn * p + k] : 0) }
                inputs[inUser] = UInt64(job.beatFlags[nextIn] & 1)
                inputs[inLast] = UInt64((job.beatFlags[nextIn] >> 1) & 1)
            }
            inputs[inValid] = offering ? 1 : 0
            let draining = outBeats >= totalOut
            inputs[outReady] = draining || !random.chance(setting.stall) ? 1 : 0

            simulator.evaluate(UnsafeBufferPointer(inputs), into: outputs)
            recording?.note(inputs, outputs)
            let inFire = offering && outputs[inReady] != 0
            var outFire = false
            if outputs[outValid] == 0 {
                if held { axiViolations += 1 }
                held = false
            } else {
                let last = outputs[outLast], user = outputs[outUser]
                if held && (heldLast != last || heldUser != user || !(0..<outData.count).allSatisfy({ heldData[$0] == outputs[outData.lowerBound + $0] })) {
                    axiViolations += 1
                }
                outFire = inputs[outReady] != 0
                held = !outFire
                if held {
                    for k in 0..<outData.count { heldData[k] = outputs[outData.lowerBound + k] }
                    (heldLast, heldUser) = (last, user)
                }
                if outFire && outBeats >= totalOut {
                    extraBeats += 1
                } else if outFire {
                    let block = outBeats / 8, row = outBeats % 8
                    if let expected = job.expected[block] {
                        for k in 0..<8 where lane(k) != Int(expected[8 * row + k]) {
                            if mismatches == 0 {
                                (mismatchBlock, mismatchIndex, mismatchExpected, mismatchActual) = (block, 8 * row + k, Int(expected[8 * row + k]), lane(k))
                            }
                            mismatches += 1
                        }
                    }
                    if (last != 0) != (row == 7) { tlastErrors += 1 }
                    if user != (row == 0 ? UInt64(job.users[block]) : 0) { tuserErrors += 1 }
                }
            }
            simulator.edge()
            if inFire {
                if firstIn < 0 { firstIn = cycle }
                lastIn = cycle
                offering = false
                nextIn += 1
            } else if offering {
                refused += 1
            }
            if outFire && outBeats < totalOut {
                if firstOut < 0 { firstOut = cycle }
                lastOut = cycle
                outBeats += 1
                if outBeats % 8 == 0 { state.blocksDone += 1 }
            }
            cycle += 1
            quiet = inFire || outFire ? 0 : quiet + 1
            if cycle & 0xFFFF == 0 {
                state.cycles += 0x10000
                progress?(state)
            }
            if outBeats >= totalOut && nextIn >= totalIn {
                drain += 1
                if drain > 256 { break }
            }
            if quiet > CosimHarness.quietLimit {
                timeout = true
                break
            }
        }
        state.cycles += cycle & 0xFFFF
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return RasterRunResult(
            job: j, run: r, stall: setting.stall, seed: setting.seed, width: job.width, height: job.height,
            chroma: MCURowBuffer.code(job.chroma), blocks: job.blockCount, inBeats: nextIn, expectedInBeats: totalIn, refused: refused,
            outBeats: outBeats, expectedOutBeats: totalOut, mismatches: mismatches, mismatchBlock: mismatchBlock,
            mismatchIndex: mismatchIndex, mismatchExpected: mismatchExpected, mismatchActual: mismatchActual,
            tlastErrors: tlastErrors, tuserErrors: tuserErrors, axiViolations: axiViolations, extraBeats: extraBeats,
            frameError: outputs[frameError] != 0, expectedFrameError: job.expectFrameError, framingError: outputs[framingError] != 0,
            timeout: timeout, cycles: lastOut + 1, firstIn: firstIn, lastIn: lastIn, firstOut: firstOut, lastOut: lastOut,
            seconds: seconds)
    }
}
