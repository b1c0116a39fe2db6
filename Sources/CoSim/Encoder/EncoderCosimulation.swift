import Dispatch
import Foundation
import Golden
import Hardware
import HLSGen
import JPEG

/// What one run of an encoder job measured and found (one line of the encoder harness's results).
public struct EncoderRunResult: Sendable, Codable, Hashable {
    public var job: Int, run: Int
    public var stall: Double, seed: UInt64
    public var width: Int, height: Int, chroma: Int, restart: Int
    public var inBeats: Int, expectedInBeats: Int, refused: Int
    public var outBytes: Int, expectedBytes: Int
    public var mismatches: Int
    /// The first byte that differs: its offset in the file, expected and actual.
    public var mismatchIndex: Int, mismatchExpected: Int, mismatchActual: Int
    public var tlastErrors: Int, axiViolations: Int, extraBytes: Int
    public var frameError: Bool, framingError: Bool, timeout: Bool
    /// Clocks from the first streaming clock to the last byte out (inclusive).
    public var cycles: Int
    public var firstIn: Int, lastIn: Int, firstOut: Int, lastOut: Int
    /// The status registers after the file: its bytes, files written since reset, error bits.
    public var statusBytes: Int, statusFiles: Int, statusErrors: Int
    public var seconds: Double

    public var passed: Bool {
        mismatches == 0 && outBytes == expectedBytes && inBeats == expectedInBeats && extraBytes == 0 && tlastErrors == 0
            && axiViolations == 0 && !frameError && !framingError && !timeout
            && statusBytes == expectedBytes && statusFiles == 1 && statusErrors == 0
    }

    /// Everything but the wall time: what two simulators of one design must agree on.
    public var clockForClock: EncoderRunResult {
        var r = self
        r.seconds = 0
        return r
    }

    static let keys = ["job", "run", "width", "height", "chroma", "restart", "in_beats", "expected_in_beats", "refused", "out_bytes",
                       "expected_bytes", "mismatches", "mismatch_index", "mismatch_expected", "mismatch_actual", "tlast_errors",
                       "axi_violations", "extra_bytes", "frame_error", "framing_error", "timeout", "cycles", "first_in", "last_in",
                       "first_out", "last_out", "status_bytes", "status_files", "status_errors"]

    public static func parse(_ results: String) throws -> [EncoderRunResult] {
        try results.split(separator: "\n").filter { $0.hasPrefix("run ") }.map { line in
            var fields: [String: String] = [:]
            for word in line.split(separator: " ").dropFirst() {
                let kv = word.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
            }
            var v: [String: Int] = [:]
            for k in keys {
                guard let s = fields[k], let n = Int(s) else { throw HardwareSimulationError("encoder harness result without \(k): \(line)") }
                v[k] = n
            }
            guard let stall = fields["stall"].flatMap(Double.init), let seed = fields["seed"].flatMap(UInt64.init),
                  let seconds = fields["seconds"].flatMap(Double.init) else {
                throw HardwareSimulationError("encoder harness result without stall, seed or seconds: \(line)")
            }
            return EncoderRunResult(job: v["job"]!, run: v["run"]!, stall: stall, seed: seed, width: v["width"]!, height: v["height"]!,
                                    chroma: v["chroma"]!, restart: v["restart"]!, inBeats: v["in_beats"]!,
                                    expectedInBeats: v["expected_in_beats"]!, refused: v["refused"]!, outBytes: v["out_bytes"]!,
                                    expectedBytes: v["expected_bytes"]!, mismatches: v["mismatches"]!, mismatchIndex: v["mismatch_index"]!,
                                    mismatchExpected: v["mismatch_expected"]!, mismatchActual: v["mismatch_actual"]!,
                                    tlastErrors: v["tlast_errors"]!, axiViolations: v["axi_violations"]!, extraBytes: v["extra_bytes"]!,
                                    frameError: v["frame_error"]! != 0, framingError: v["framing_error"]! != 0, timeout: v["timeout"]! != 0,
                                    cycles: v["cycles"]!, firstIn: v["first_in"]!, lastIn: v["last_in"]!, firstOut: v["first_out"]!,
                                    lastOut: v["last_out"]!, statusBytes: v["status_bytes"]!, statusFiles: v["status_files"]!,
                                    statusErrors: v["status_errors"]!, seconds: seconds)
        }
    }
}

public enum EncoderJobs {
    /// One frame of `image`: the beats, and the golden encoder's file with `restart` MCUs between RSTn
    /// markers (0: none), at `tables` (written through the table port first) or else `design`'s reset tables;
    /// with `optimizeHuffman`, the image's own Huffman tables (cjpeg -optimize) written through the
    /// Huffman table port.
    public static func frame(_ image: Image, name: String, chroma requested: ChromaSubsampling, restart: Int, tables: [QuantTable]? = nil,
                             optimizeHuffman: Bool = false, pixels: Int, design: RTLDesign, runs: [StallSetting]) throws -> EncoderJob {
        let chroma = RasterJobs.chroma(of: image, requested: requested)
        let codec = try ImageCodec(config: design.config, threads: processorCount, trackRanges: false)
        let (encoded, _) = codec.encode(image, settings: EncodeSettings(chroma: chroma, tables: tables ?? design.tables))
        let options = JPEGWriteOptions(optimizeHuffman: optimizeHuffman, restart: restart > 0 ? .mcus(restart) : nil)
        let expected = try JPEGWriter.write(encoded, options: options)
        let huffman = optimizeHuffman ? try JPEGWriter.huffmanSpecs(encoded, options: options) : nil
        let (flags, words) = RasterJobs.beats(of: image, pixels: pixels)
        return EncoderJob(width: image.width, height: image.height, chroma: chroma, restart: restart,
                          tableWords: tables.map { design.tableWords($0) },
                          huffmanWrites: try huffman.map { try EntropyCoderStage.tableWrites(dc: $0.dc, ac: $0.ac) } ?? [],
                          runs: runs, pixelsPerBeat: pixels, beatFlags: flags, pixels: words, expected: expected,
                          label: "\(name) \(image.width)x\(image.height) \(chroma.rawValue)\(restart > 0 ? " restart \(restart)" : "")"
                              + (optimizeHuffman ? " optimized tables" : ""))
    }
}

/// Encoder jobs through the encoder harness: compiled (Verilator's `Vcore`, or the C-simulation
/// testbench of the printed HLS top), or the same loop in Swift over the description's evaluation.
public enum EncoderCosimulation {
    public static func verilatorBuild(design: RTLDesign, encoder: JPEGEncoderCore,
                                      cacheRoot: URL = VerilatorBuild.defaultCacheRoot) throws -> VerilatorBuild {
        let verilog = try encoder.files(design: design, command: "fxcodec cosim --core encoder (Verilator build)")
        let sources = verilog + [GeneratedFile(path: EncoderHarness.verilatorFileName, text: EncoderHarness.verilator)]
        return try VerilatorBuild.build(sources: sources, compiled: sources, top: JPEGEncoderCore.name, lanes: 8,
                                        laneBits: design.laneBits,
                                        family: "obj_encoder_\(design.config.name)_p\(encoder.front.pixels)_w\(encoder.front.rows.maxWidth)_",
                                        tracing: false, cacheRoot: cacheRoot)
    }

    public static func cSimBuild(design: RTLDesign, encoder: JPEGEncoderCore, cache: URL,
                                 apTypes: URL) throws -> (binary: URL, build: CSimBuild) {
        let files = try encoder.cSimFiles(design: design, banner: try design.banner(command: "fxcodec csim --core encoder"))
        let build = try CSimBuild.build(files, cache: cache, apTypes: apTypes)
        return (build.binary(JPEGEncoderCore.name), build)
    }

    /// Runs `jobs` through a compiled encoder harness (`binary`); one result per run, job order then run
    /// order, and the bytes of the first run.
    public static func run(_ jobs: [EncoderJob], binary: URL, note: String = "fxcodec encoder co-simulation",
                           scratch: URL = FileManager.default.temporaryDirectory, progress: Bool = false)
        throws -> (results: [EncoderRunResult], firstBytes: [UInt8]) {
        let fm = FileManager.default
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        let tag = "fxcodec-encoder-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let stimulus = scratch.appendingPathComponent(tag + ".stim"), results = scratch.appendingPathComponent(tag + ".txt")
        let dump = scratch.appendingPathComponent(tag + ".jpg")
        defer { for f in [stimulus, results, dump] { try? fm.removeItem(at: f) } }
        try EncoderStimulusFormat.write(jobs, note: note, to: stimulus)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--stimulus", stimulus.path, "--results", results.path, "--dump", dump.path] + (progress ? ["--progress"] : [])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = progress ? FileHandle.standardError : errors
        try process.run()
        let message = progress ? Data() : errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 || process.terminationStatus == 1 else {
            throw HardwareSimulationError("encoder harness \(binary.lastPathComponent) failed (exit \(process.terminationStatus)): "
                                          + String(decoding: message, as: UTF8.self))
        }
        let parsed = try EncoderRunResult.parse(try String(contentsOf: results, encoding: .utf8))
        guard parsed.count == jobs.reduce(0, { $0 + $1.runs.count }) else {
            throw HardwareSimulationError("encoder harness reported \(parsed.count) runs of \(jobs.reduce(0) { $0 + $1.runs.count })")
        }
        return (parsed, [UInt8]((try? Data(contentsOf: dump)) ?? Data()))
    }

    /// The encoder harness's loop in Swift over `module`'s evaluation, draw for draw and clock for clock
    /// as the C++; returns the results and the bytes of the first run.
    public static func swift(_ jobs: [EncoderJob], module: Module) throws -> (results: [EncoderRunResult], firstBytes: [UInt8]) {
        var loop = try EncoderLoop(module: module)
        defer { loop.deallocate() }
        var results: [EncoderRunResult] = []
        for (j, job) in jobs.enumerated() {
            for (r, setting) in job.runs.enumerated() { results.append(loop.run(job, setting, job: j, run: r, keep: j == 0 && r == 0)) }
        }
        return (results, loop.kept)
    }
}

/// The Swift loop's state: the simulator, its input and output elements, where each port is.
private struct EncoderLoop {
    let simulator: CycleSimulator
    let inputs: UnsafeMutableBufferPointer<UInt64>, outputs: UnsafeMutableBufferPointer<UInt64>
    let aresetn, inValid, inUser, inLast, outReady, registerWrite, registerAddress, registerData: Int
    let tableWrite, tableSelect, tableAddress, tableData, huffmanWrite, huffmanAddress, huffmanData: Int
    let inData: Range<Int>
    let inReady, outValid, outData, outLast, frameError, framingError, registerRead: Int
    var kept: [UInt8] = []

    init(module: Module) throws {
        let ports = PortPlaces(module: module, harness: "encoder harness")
        func input(_ name: String) throws -> Int { try ports.input(name) }
        func output(_ name: String) throws -> Int { try ports.output(name) }
        simulator = CycleSimulator(module)
        inputs = .allocate(capacity: simulator.inputCount)
        inputs.initialize(repeating: 0)
        outputs = .allocate(capacity: simulator.outputCount)
        outputs.initialize(repeating: 0)
        (aresetn, inValid, inUser, inLast, outReady) = (try input("aresetn"), try input("s_axis_tvalid"), try input("s_axis_tuser"),
                                                        try input("s_axis_tlast"), try input("m_axis_tready"))
        (registerWrite, registerAddress, registerData) = (try input("reg_we"), try input("reg_addr"), try input("reg_wdata"))
        (tableWrite, tableSelect, tableAddress, tableData) = (try input("qt_we"), try input("qt_table"), try input("qt_addr"), try input("qt_data"))
        (huffmanWrite, huffmanAddress, huffmanData) = (try input("ht_we"), try input("ht_addr"), try input("ht_data"))
        inData = try ports.inputs("s_axis_tdata")
        (inReady, outValid, outData, outLast) = (try output("s_axis_tready"), try output("m_axis_tvalid"), try output("m_axis_tdata"),
                                                 try output("m_axis_tlast"))
        (frameError, framingError, registerRead) = (try output("frame_error"), try output("framing_error"), try output("reg_rdata"))
    }

    func deallocate() {
        inputs.deallocate()
        outputs.deallocate()
    }

    func idle(_ clocks: Int) {
        for _ in 0..<clocks { simulator.step(UnsafeBufferPointer(inputs), into: outputs) }
    }

    mutating func run(_ job: EncoderJob, _ setting: StallSetting, job j: Int, run r: Int, keep: Bool) -> EncoderRunResult {
        var random = SplitMix64(seed: setting.seed)
        inputs[aresetn] = 0
        inputs[inValid] = 0
        inputs[outReady] = 0
        inputs[tableWrite] = 0
        inputs[huffmanWrite] = 0
        inputs[registerWrite] = 0
        idle(4)
        inputs[aresetn] = 1
        idle(1)
        for (e, word) in (job.tableWords ?? []).enumerated() {
            inputs[tableWrite] = 1
            inputs[tableSelect] = UInt64(e / 64)
            inputs[tableAddress] = UInt64(e % 64)
            inputs[tableData] = word
            idle(1)
        }
        inputs[tableWrite] = 0
        for write in job.huffmanWrites {
            inputs[huffmanWrite] = 1
            inputs[huffmanAddress] = UInt64(write.address)
            inputs[huffmanData] = write.data
            idle(1)
        }
        inputs[huffmanWrite] = 0
        for write in RasterRegister.shapeWrites(width: job.width, height: job.height, chroma: job.chroma, restart: job.restart) {
            inputs[registerWrite] = 1
            inputs[registerAddress] = UInt64(write.address)
            inputs[registerData] = write.value
            idle(1)
        }
        inputs[registerWrite] = 0

        let totalIn = job.beatCount, totalOut = job.expected.count, p = job.pixelsPerBeat
        var nextIn = 0, refused = 0, outBytes = 0, mismatches = 0, tlastErrors = 0, axiViolations = 0, extraBytes = 0
        var firstIn = -1, lastIn = -1, firstOut = -1, lastOut = -1
        var mismatchIndex = -1, mismatchExpected = 0, mismatchActual = 0
        var offering = false, timeout = false, held = false, heldLast: UInt64 = 0, heldByte: UInt64 = 0
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
            inputs[outReady] = outBytes >= totalOut || !random.chance(setting.stall) ? 1 : 0

            simulator.evaluate(UnsafeBufferPointer(inputs), into: outputs)
            let inFire = offering && outputs[inReady] != 0
            var outFire = false
            if outputs[outValid] == 0 {
                if held { axiViolations += 1 }
                held = false
            } else {
                let byte = outputs[outData] & 0xFF, last = outputs[outLast]
                if held && (heldLast != last || heldByte != byte) { axiViolations += 1 }
                outFire = inputs[outReady] != 0
                held = !outFire
                (heldLast, heldByte) = (last, byte)
                if outFire && outBytes >= totalOut {
                    extraBytes += 1
                } else if outFire {
                    if keep { kept.append(UInt8(byte)) }
                    if byte != UInt64(job.expected[outBytes]) {
                        if mismatches == 0 { (mismatchIndex, mismatchExpected, mismatchActual) = (outBytes, Int(job.expected[outBytes]), Int(byte)) }
                        mismatches += 1
                    }
                    if (last != 0) != (outBytes + 1 == totalOut) { tlastErrors += 1 }
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
            if outFire && outBytes < totalOut {
                if firstOut < 0 { firstOut = cycle }
                lastOut = cycle
                outBytes += 1
            }
            cycle += 1
            quiet = inFire || outFire ? 0 : quiet + 1
            if outBytes >= totalOut && nextIn >= totalIn {
                drain += 1
                if drain > 256 { break }
            }
            if quiet > CosimHarness.quietLimit {
                timeout = true
                break
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let (errorFrame, errorFraming) = (outputs[frameError] != 0, outputs[framingError] != 0)
        // The status registers, each a clock after its address.
        var status = [0, 0, 0]
        inputs[registerAddress] = UInt64(EncoderStatus.fileBytes.rawValue)
        idle(1)
        for (k, next) in [EncoderStatus.files.rawValue, EncoderStatus.errors.rawValue, 0].enumerated() {
            inputs[registerAddress] = UInt64(next)
            simulator.evaluate(UnsafeBufferPointer(inputs), into: outputs)
            status[k] = Int(outputs[registerRead])
            simulator.edge()
        }
        return EncoderRunResult(
            job: j, run: r, stall: setting.stall, seed: setting.seed, width: job.width, height: job.height,
            chroma: MCURowBuffer.code(job.chroma), restart: job.restart, inBeats: nextIn, expectedInBeats: totalIn, refused: refused,
            outBytes: outBytes, expectedBytes: totalOut, mismatches: mismatches, mismatchIndex: mismatchIndex,
            mismatchExpected: mismatchExpected, mismatchActual: mismatchActual, tlastErrors: tlastErrors, axiViolations: axiViolations,
            extraBytes: extraBytes, frameError: errorFrame, framingError: errorFraming, timeout: timeout,
            cycles: lastOut + 1, firstIn: firstIn, lastIn: lastIn, firstOut: firstOut, lastOut: lastOut,
            statusBytes: status[0], statusFiles: status[1], statusErrors: status[2], seconds: seconds)
    }
}
