import Dispatch
import Foundation
import Golden
import Hardware
import HLSGen

/// How far a co-simulation has got: blocks streamed out (over all runs) of `blocks`, and clocks.
public struct CosimProgress: Sendable {
    public var blocksDone: Int
    public var blocks: Int
    public var cycles: Int
}

/// The co-simulation harness in Swift: the Verilator harness's main loop (`CosimHarness`) over a
/// `CycleSimulator` of a hardware description with the core's ports, so a `Module` runs the same
/// jobs with the same stalls, outputs, checks and clock counts. What the C++ does, this does, in the
/// same order:
///
///   - one simulator from power-on for all jobs (memories and registers without reset keep their
///     values from run to run, and every input keeps its last value until driven again);
///   - per run: reset (4 clocks with aresetn 0, then 1 clock), one clock per table word written, then
///     streaming clocks until 256 clocks after the last expected output beat, or a timeout after
///     `CosimRunResult.quietLimit` clocks in a row with no beat in or out;
///   - per streaming clock: SplitMix64 draws, first whether to offer the next input beat (only when
///     none is offered and beats remain), then whether m_axis_tready is low (only until every beat is
///     out); the outputs are sampled before the edge (`evaluate`, then `edge`);
///   - the checks of each output beat (values, tlast, tuser) and of AXI4-Stream (a beat offered and
///     not taken keeps valid, data, tlast and tuser).
public enum SwiftCosimulation {
    /// Runs `jobs` through `module`'s evaluation; one result per run, in job order then run order.
    /// `dump` receives every output value (i32, this machine's byte order) as the harness's --dump;
    /// `progress` is called every 65536 clocks and at the end.
    /// `recording` receives every clock's input and output elements (to replay the same clocks into
    /// another simulator).
    public static func run(_ jobs: [CosimJob], module: Module, lanes: Int, laneBits: Int, dump: URL? = nil,
                           recording: ClockRecording? = nil,
                           progress: ((CosimProgress) -> Void)? = nil) throws -> [CosimRunResult] {
        precondition(lanes > 0 && 64 % lanes == 0 && (1..<64).contains(laneBits), "\(lanes) lanes of \(laneBits) bits")
        let ports = try CorePorts(module, lanes: lanes, laneBits: laneBits)
        var harness = Harness(simulator: CycleSimulator(module), ports: ports, lanes: lanes, laneBits: laneBits,
                              blocks: jobs.reduce(0) { $0 + $1.blockCount * $1.runs.count }, progress: progress)
        harness.recording = recording
        defer { harness.deallocate() }
        let dumpFile: FileHandle? = try dump.map { url in
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw HardwareSimulationError("cannot create the dump file \(url.path)")
            }
            return try FileHandle(forWritingTo: url)
        }
        defer { try? dumpFile?.close() }
        var results: [CosimRunResult] = []
        var dumped: [Int32] = []
        for (j, job) in jobs.enumerated() {
            for (r, setting) in job.runs.enumerated() {
                dumped.removeAll(keepingCapacity: true)
                results.append(harness.run(job, setting, job: j, run: r, dumping: dumpFile != nil, dumped: &dumped))
                if let dumpFile, !dumped.isEmpty {
                    try dumpFile.write(contentsOf: dumped.withUnsafeBytes { Data($0) })
                }
            }
        }
        harness.report()
        return results
    }
}

extension SplitMix64 {
    /// True with probability `p`: the top 53 bits of a draw as a fraction below `p`; no draw when p ≤ 0.
    mutating func chance(_ p: Double) -> Bool { p > 0 && Double(next() >> 11) * 0x1p-53 < p }
}

/// Every clock a harness drove: the input elements (in port order, `aresetn` first) and the output
/// elements before the edge, one row per clock.
public final class ClockRecording {
    public var inputs: [[UInt64]] = []
    public var outputs: [[UInt64]] = []
    public init() {}

    func note(_ i: UnsafeMutableBufferPointer<UInt64>, _ o: UnsafeMutableBufferPointer<UInt64>) {
        inputs.append(Array(i))
        outputs.append(Array(o))
    }
}

/// The harness's state across runs: the simulator, the input and output elements, scratch lanes.
private struct Harness {
    var recording: ClockRecording?
    let simulator: CycleSimulator
    let ports: CorePorts
    let lanes: Int, laneBits: Int, beatsPerBlock: Int
    let inputs: UnsafeMutableBufferPointer<UInt64>
    let outputs: UnsafeMutableBufferPointer<UInt64>
    /// The tdata elements of the beat offered and not taken in the clock before.
    let heldData: UnsafeMutableBufferPointer<UInt64>
    let laneValues: UnsafeMutablePointer<UInt64>
    let progress: ((CosimProgress) -> Void)?
    var state = CosimProgress(blocksDone: 0, blocks: 0, cycles: 0)

    init(simulator: CycleSimulator, ports: CorePorts, lanes: Int, laneBits: Int, blocks: Int,
         progress: ((CosimProgress) -> Void)?) {
        self.simulator = simulator
        self.ports = ports
        self.lanes = lanes
        self.laneBits = laneBits
        beatsPerBlock = 64 / lanes
        inputs = .allocate(capacity: simulator.inputCount)
        inputs.initialize(repeating: 0)
        outputs = .allocate(capacity: simulator.outputCount)
        outputs.initialize(repeating: 0)
        heldData = .allocate(capacity: ports.outData.elements.count)
        heldData.initialize(repeating: 0)
        laneValues = .allocate(capacity: lanes)
        laneValues.initialize(repeating: 0, count: lanes)
        self.progress = progress
        state.blocks = blocks
    }

    func deallocate() {
        inputs.deallocate()
        outputs.deallocate()
        heldData.deallocate()
        laneValues.deallocate()
    }

    func report() { progress?(state) }

    /// One clock with the inputs as they stand.
    func idle(_ clocks: Int) {
        for _ in 0..<clocks {
            simulator.step(UnsafeBufferPointer(inputs), into: outputs)
            recording?.note(inputs, outputs)
        }
    }

    /// A lane of the sampled output as a laneBits-bit two's complement number.
    @inline(__always)
    func signedLane(_ k: Int) -> Int {
        let sign = UInt64(1) << UInt64(laneBits - 1)
        return Int(bitPattern: UInt(laneValues[k] ^ sign)) - Int(bitPattern: UInt(sign))
    }

    mutating func run(_ job: CosimJob, _ setting: StallSetting, job j: Int, run r: Int,
                      dumping: Bool, dumped: inout [Int32]) -> CosimRunResult {
        let p = ports
        var random = SplitMix64(seed: setting.seed)
        // Reset, mode, tables.
        inputs[p.aresetn] = 0
        inputs[p.mode] = UInt64(job.mode.code)
        inputs[p.inValid] = 0
        inputs[p.outReady] = 0
        inputs[p.tableWrite] = 0
        idle(4)
        inputs[p.aresetn] = 1
        idle(1)
        for (e, word) in (job.tableWords ?? []).enumerated() {
            inputs[p.tableWrite] = 1
            inputs[p.tableSelect] = UInt64(e / 64)
            inputs[p.tableAddress] = UInt64(e % 64)
            inputs[p.tableData] = word
            idle(1)
        }
        inputs[p.tableWrite] = 0

        let totalBeats = job.blockCount * beatsPerBlock
        var nextIn = 0, outBeats = 0, mismatches = 0, tlastErrors = 0, tuserErrors = 0, axiViolations = 0, extraBeats = 0
        var firstIn = -1, lastIn = -1, firstOut = -1, lastOut = -1
        var mismatchBlock = -1, mismatchIndex = -1, mismatchExpected = 0, mismatchActual = 0
        var offering = false, timeout = false
        var held = false, heldLast: UInt64 = 0, heldUser: UInt64 = 0
        var cycle = 0, quiet = 0, drain = 0
        let start = DispatchTime.now().uptimeNanoseconds
        if dumping { dumped.reserveCapacity(totalBeats * lanes) }

        job.inputs.withUnsafeBufferPointer { blockInputs in
            job.expected.withUnsafeBufferPointer { expected in
                while true {
                    // Input beat: offered with probability 1 - P, then held until taken.
                    if !offering && nextIn < totalBeats && !random.chance(setting.stall) {
                        offering = true
                        let block = nextIn / beatsPerBlock, beat = nextIn % beatsPerBlock
                        let first = block * 64 + beat * lanes
                        for k in 0..<lanes { laneValues[k] = UInt64(bitPattern: Int64(blockInputs[first + k])) }
                        p.inData.put(laneValues, into: inputs)
                        inputs[p.inLast] = beat == beatsPerBlock - 1 ? 1 : 0
                        inputs[p.inUser] = beat == 0 ? UInt64(job.users[block]) : 0
                    }
                    inputs[p.inValid] = offering ? 1 : 0
                    let draining = outBeats >= totalBeats
                    inputs[p.outReady] = draining || !random.chance(setting.stall) ? 1 : 0

                    // The outputs before the edge.
                    simulator.evaluate(UnsafeBufferPointer(inputs), into: outputs)
                    recording?.note(inputs, outputs)
                    let inFire = offering && outputs[p.inReady] != 0
                    var outFire = false
                    if outputs[p.outValid] == 0 {
                        if held { axiViolations += 1 }  // valid dropped before the beat was taken
                        held = false
                    } else {
                        let last = outputs[p.outLast] != 0 ? UInt64(1) : 0, user = outputs[p.outUser]
                        if held {  // the beat offered last clock and not taken must be unchanged
                            var same = heldLast == last && heldUser == user
                            for (k, e) in p.outData.elements.enumerated() { same = same && heldData[k] == outputs[e] }
                            if !same { axiViolations += 1 }
                        }
                        outFire = inputs[p.outReady] != 0
                        held = !outFire
                        if held {
                            for (k, e) in p.outData.elements.enumerated() { heldData[k] = outputs[e] }
                            heldLast = last
                            heldUser = user
                        }
                        if outFire && outBeats >= totalBeats {
                            extraBeats += 1
                        } else if outFire {
                            let block = outBeats / beatsPerBlock, beat = outBeats % beatsPerBlock
                            p.outData.get(outputs, into: laneValues, lanes: lanes)
                            for k in 0..<lanes {
                                let index = beat * lanes + k
                                let actual = signedLane(k), wanted = Int(expected[block * 64 + index])
                                if dumping { dumped.append(Int32(truncatingIfNeeded: actual)) }
                                if actual != wanted {
                                    if mismatches == 0 {
                                        (mismatchBlock, mismatchIndex, mismatchExpected, mismatchActual) = (block, index, wanted, actual)
                                    }
                                    mismatches += 1
                                }
                            }
                            if (last != 0) != (beat == beatsPerBlock - 1) { tlastErrors += 1 }
                            if user != (beat == 0 ? UInt64(job.users[block]) : 0) { tuserErrors += 1 }
                        }
                    }
                    simulator.edge()

                    if inFire {
                        if firstIn < 0 { firstIn = cycle }
                        lastIn = cycle
                        offering = false
                        nextIn += 1
                    }
                    if outFire && outBeats < totalBeats {
                        if firstOut < 0 { firstOut = cycle }
                        lastOut = cycle
                        outBeats += 1
                        if outBeats % beatsPerBlock == 0 { state.blocksDone += 1 }
                    }
                    cycle += 1
                    quiet = inFire || outFire ? 0 : quiet + 1
                    if cycle & 0xFFFF == 0 {
                        state.cycles += 0x10000
                        report()
                    }
                    // After the last expected beat, watch a while longer for beats that should not exist.
                    if outBeats >= totalBeats {
                        drain += 1
                        if drain > 256 { break }
                    }
                    if quiet > CosimRunResult.quietLimit {
                        timeout = true
                        break
                    }
                }
            }
        }
        state.cycles += cycle & 0xFFFF
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // framing_error as it shows after the last edge.
        simulator.evaluate(UnsafeBufferPointer(inputs), into: outputs)
        return CosimRunResult(
            job: j, run: r, mode: Int(job.mode.code), stall: setting.stall, seed: setting.seed, blocks: job.blockCount,
            inBeats: nextIn, outBeats: outBeats, expectedBeats: totalBeats, mismatches: mismatches,
            mismatchBlock: mismatchBlock, mismatchIndex: mismatchIndex, mismatchExpected: mismatchExpected,
            mismatchActual: mismatchActual, tlastErrors: tlastErrors, tuserErrors: tuserErrors, axiViolations: axiViolations,
            extraBeats: extraBeats, framingError: outputs[p.framingError] != 0, timeout: timeout, cycles: lastOut + 1,
            firstIn: firstIn, lastIn: lastIn, firstOut: firstOut, lastOut: lastOut, seconds: seconds)
    }
}
