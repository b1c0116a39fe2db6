import Foundation
import HLSGen

/// What one run of a job measured and found (one line of the harness's results).
public struct CosimRunResult: Sendable, Codable, Hashable {
    public var job: Int, run: Int, mode: Int
    public var stall: Double, seed: UInt64
    public var blocks: Int
    public var inBeats: Int, outBeats: Int, expectedBeats: Int
    public var mismatches: Int
    /// The first mismatch: block of the job, index in the block (raster), expected and actual value.
    public var mismatchBlock: Int, mismatchIndex: Int, mismatchExpected: Int, mismatchActual: Int
    public var tlastErrors: Int, tuserErrors: Int, axiViolations: Int, extraBeats: Int
    public var framingError: Bool, timeout: Bool
    /// Clocks from the first streaming clock to the last output beat (inclusive).
    public var cycles: Int
    /// Clock indices of the first and last accepted input and output beats.
    public var firstIn: Int, lastIn: Int, firstOut: Int, lastOut: Int
    public var seconds: Double

    /// Every beat out, none missing, none extra, all equal, framing and handshakes as the rules say.
    public var passed: Bool {
        mismatches == 0 && outBeats == expectedBeats && inBeats == expectedBeats && extraBeats == 0
            && tlastErrors == 0 && tuserErrors == 0 && axiViolations == 0 && !framingError && !timeout
    }

    /// The harness gives up after this many clocks in a row with no beat in or out (`timeout`).
    public static let quietLimit = CosimHarness.quietLimit

    /// Clocks from the first input beat accepted to the first output beat; nil when no beat came out.
    public var latency: Int? { firstOut >= 0 && firstIn >= 0 ? firstOut - firstIn : nil }

    /// Values per clock while the output streams (the pipeline fill excluded).
    public func samplesPerClock(lanes: Int) -> Double {
        Double(outBeats * lanes) / Double(max(1, lastOut - firstOut + 1))
    }

    /// Simulated clocks per second of wall time.
    public var cyclesPerSecond: Double { seconds > 0 ? Double(cycles) / seconds : 0 }

    public init(job: Int, run: Int, mode: Int, stall: Double, seed: UInt64, blocks: Int,
                inBeats: Int, outBeats: Int, expectedBeats: Int, mismatches: Int,
                mismatchBlock: Int, mismatchIndex: Int, mismatchExpected: Int, mismatchActual: Int,
                tlastErrors: Int, tuserErrors: Int, axiViolations: Int, extraBeats: Int,
                framingError: Bool, timeout: Bool, cycles: Int,
                firstIn: Int, lastIn: Int, firstOut: Int, lastOut: Int, seconds: Double) {
        self.job = job; self.run = run; self.mode = mode
        self.stall = stall; self.seed = seed
        self.blocks = blocks
        self.inBeats = inBeats; self.outBeats = outBeats; self.expectedBeats = expectedBeats
        self.mismatches = mismatches
        self.mismatchBlock = mismatchBlock; self.mismatchIndex = mismatchIndex
        self.mismatchExpected = mismatchExpected; self.mismatchActual = mismatchActual
        self.tlastErrors = tlastErrors; self.tuserErrors = tuserErrors
        self.axiViolations = axiViolations; self.extraBeats = extraBeats
        self.framingError = framingError; self.timeout = timeout
        self.cycles = cycles
        self.firstIn = firstIn; self.lastIn = lastIn; self.firstOut = firstOut; self.lastOut = lastOut
        self.seconds = seconds
    }

    /// The "run" lines of a harness's results (other lines, such as "skip", are not runs).
    public static func parse(_ results: String) throws -> [CosimRunResult] {
        try results.split(separator: "\n").filter { $0.hasPrefix("run ") }.map(CosimRunResult.init(line:))
    }

    init(line: Substring) throws {
        var fields: [String: String] = [:]
        for word in line.split(separator: " ").dropFirst() {
            let kv = word.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        func int(_ k: String) throws -> Int {
            guard let s = fields[k], let v = Int(s) else { throw VerilatorError("harness result without \(k): \(line)") }
            return v
        }
        func double(_ k: String) throws -> Double {
            guard let s = fields[k], let v = Double(s) else { throw VerilatorError("harness result without \(k): \(line)") }
            return v
        }
        // The seed is a u64: all of it, not only the seeds below 2^63.
        guard let seedText = fields["seed"], let seed = UInt64(seedText) else {
            throw VerilatorError("harness result without seed: \(line)")
        }
        job = try int("job"); run = try int("run"); mode = try int("mode")
        stall = try double("stall"); self.seed = seed
        blocks = try int("blocks")
        inBeats = try int("in_beats"); outBeats = try int("out_beats"); expectedBeats = try int("expected_beats")
        mismatches = try int("mismatches")
        mismatchBlock = try int("mismatch_block"); mismatchIndex = try int("mismatch_index")
        mismatchExpected = try int("mismatch_expected"); mismatchActual = try int("mismatch_actual")
        tlastErrors = try int("tlast_errors"); tuserErrors = try int("tuser_errors")
        axiViolations = try int("axi_violations"); extraBeats = try int("extra_beats")
        framingError = try int("framing_error") != 0; timeout = try int("timeout") != 0
        cycles = try int("cycles")
        firstIn = try int("first_in"); lastIn = try int("last_in"); firstOut = try int("first_out"); lastOut = try int("last_out")
        seconds = try double("seconds")
    }
}

/// Runs jobs through a harness build (Verilator's, or a C-simulation testbench): writes the stimulus,
/// runs the harness (its progress bar on stderr when asked), and reads back one result per run, in job
/// order then run order.
public enum Cosimulation {
    public static func run(_ jobs: [CosimJob], on build: VerilatorBuild, scratch: URL = FileManager.default.temporaryDirectory,
                           progress: Bool = false, dump: URL? = nil, trace: URL? = nil,
                           keepStimulus: URL? = nil) throws -> [CosimRunResult] {
        try run(jobs, binary: build.binary, lanes: build.lanes, laneBits: build.laneBits, scratch: scratch, progress: progress,
                dump: dump, trace: trace, keepStimulus: keepStimulus)
    }

    public static func run(_ jobs: [CosimJob], binary: URL, lanes: Int, laneBits: Int,
                           scratch: URL = FileManager.default.temporaryDirectory, progress: Bool = false, dump: URL? = nil,
                           trace: URL? = nil, keepStimulus: URL? = nil) throws -> [CosimRunResult] {
        let fm = FileManager.default
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        let tag = "fxcodec-cosim-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let stimulus = keepStimulus ?? scratch.appendingPathComponent(tag + ".stim")
        let results = scratch.appendingPathComponent(tag + ".txt")
        defer {
            if keepStimulus == nil { try? fm.removeItem(at: stimulus) }
            try? fm.removeItem(at: results)
        }
        try StimulusFile.write(jobs, note: "fxcodec co-simulation", lanes: lanes, laneBits: laneBits, to: stimulus)
        var arguments = ["--stimulus", stimulus.path, "--results", results.path]
        if progress { arguments.append("--progress") }
        if let dump { arguments += ["--dump", dump.path] }
        if let trace { arguments += ["--trace", trace.path] }

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = progress ? FileHandle.standardError : errors
        try process.run()
        let message = progress ? Data() : errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Exit 1 means some run failed its checks (reported in the results); anything else is an error.
        guard process.terminationStatus == 0 || process.terminationStatus == 1 else {
            throw VerilatorError("co-simulation harness failed (exit \(process.terminationStatus)): "
                                 + String(decoding: message, as: UTF8.self))
        }
        let parsed = try CosimRunResult.parse(try String(contentsOf: results, encoding: .utf8))
        let expected = jobs.reduce(0) { $0 + $1.runs.count }
        guard parsed.count == expected else {
            throw VerilatorError("co-simulation harness reported \(parsed.count) runs of \(expected)")
        }
        return parsed
    }
}
