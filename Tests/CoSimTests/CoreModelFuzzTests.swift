import CoSim
import Hardware
import Foundation
import Golden
import HLSGen
import Testing

/// The fourth evaluator of `ConfigurationFuzzTests`' random configurations: the core's hardware
/// description run clock by clock in Swift (`SwiftCosimulation` over `CycleSimulator`). With the same
/// seeds, every drawn configuration is printed as a core (its drawn table in the reset tables and
/// written again through the table port), and random and extreme blocks stream through it in every
/// mode, at 1 and 8 lanes, with stalls: the outputs must equal the golden model's (which the scalar,
/// lane and graph evaluators agree on there), with the AXI4-Stream checks clean. On the first few
/// configurations the printed Verilog runs the same jobs under Verilator, and every figure of every
/// run — outputs, first mismatch, checks, clock of the first and last beat in and out, total cycles —
/// must be the same as the Swift model's.
@Suite struct CoreModelFuzzTests {
    static let baseSeed = RandomConfigurations.suiteBaseSeed
    static let configurationCount = RandomConfigurations.suiteCount
    static let verilatorCases = 2

    /// Random samples and a few extreme blocks; each job names its configuration's seed.
    static func jobs(_ drawn: RandomConfigurations.Drawn, design: RTLDesign) throws -> [CosimJob] {
        var draws = SeededDraws(seed: drawn.seed ^ 0xB10C)
        var samples = (0..<(6 * 64)).map { _ in UInt8(draws.int(0...255)) }
        samples += Array(repeating: 0, count: 64) + Array(repeating: 255, count: 64)
        samples += (0..<64).map { ($0 / 8 + $0 % 8) % 2 == 0 ? 0 : 255 }
        let blocks = ImageBlocks(name: "seed 0x\(String(drawn.seed, radix: 16))", samples: samples)
        let codec = try BlockCodec(drawn.config)
        let runs = [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: drawn.seed)]
        return CodecMode.allCases.flatMap { mode in
            [false, true].map { write in
                var job = blocks.job(mode: mode, codec: codec, tables: [drawn.table], writeTables: write,
                                     layout: design.layout, runs: runs)
                job.label += " \(mode.rawValue)\(write ? ", table written" : "")"
                return job
            }
        }
    }

    @Test func randomConfigurationsThroughTheSwiftCycleModel() throws {
        let start = ContinuousClock.now
        var cycles = 0, runs = 0
        for index in 0..<Self.configurationCount {
            let drawn = RandomConfigurations.draw(seed: RandomConfigurations.seed(base: Self.baseSeed, index: index))
            let design = try RTLDesign(config: drawn.config, tables: [drawn.table], tableDescription: drawn.tableKind)
            let jobs = try Self.jobs(drawn, design: design)
            let json = try Self.json(drawn.config)
            for lanes in [1, 8] {
                let results = try SwiftCosimulation.run(jobs, module: try design.coreModule(lanes: lanes), lanes: lanes,
                                                        laneBits: design.laneBits)
                #expect(results.count == jobs.count * 2)
                for r in results {
                    cycles += r.cycles
                    runs += 1
                    let job = jobs[r.job]
                    #expect(r.passed, "\(job.label) x\(lanes) stall \(r.stall): \(r.mismatches) mismatches (first: block \(r.mismatchBlock) index \(r.mismatchIndex) expected \(r.mismatchExpected) got \(r.mismatchActual)), beats out \(r.outBeats) of \(r.expectedBeats), tlast \(r.tlastErrors), tuser \(r.tuserErrors), AXI \(r.axiViolations), timeout \(r.timeout); configuration \(json)")
                    if r.stall == 0 {
                        #expect(r.latency == design.latency(mode: job.mode, lanes: lanes), "\(job.label) x\(lanes): latency \(r.latency.map(String.init) ?? "none")")
                    }
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("core model fuzz: \(Self.configurationCount) configurations, \(runs) runs, \(cycles) clocks in "
              + String(format: "%.1f s", seconds))
    }

    /// Swift cycle model = Verilator, clock for clock, on the first few drawn configurations.
    @Test func theSwiftModelIsVerilatorClockForClock() throws {
        for index in 0..<Self.verilatorCases {
            let drawn = RandomConfigurations.draw(seed: RandomConfigurations.seed(base: Self.baseSeed, index: index))
            let design = try RTLDesign(config: drawn.config, tables: [drawn.table], tableDescription: drawn.tableKind)
            let jobs = try Self.jobs(drawn, design: design)
            for lanes in [1, 8] {
                let build = try VerilatorBuild.build(design: design, lanes: lanes, cacheRoot: Paths.rtlSim)
                let verilator = try Cosimulation.run(jobs, on: build, scratch: Paths.scratch)
                let swift = try SwiftCosimulation.run(jobs, module: try design.coreModule(lanes: lanes), lanes: lanes,
                                                      laneBits: design.laneBits)
                #expect(verilator.count == swift.count)
                for (v, s) in zip(verilator, swift) {
                    #expect(Self.figures(v) == Self.figures(s), "seed 0x\(String(drawn.seed, radix: 16)) x\(lanes) \(jobs[v.job].label) stall \(v.stall)")
                }
                // The stalls happened: each job's stalled run took longer than its run without.
                for (still, stalled) in zip(verilator.filter { $0.stall == 0 }, verilator.filter { $0.stall > 0 }) {
                    #expect(stalled.cycles > still.cycles, "x\(lanes) \(jobs[still.job].label): \(stalled.cycles) clocks with stalls, \(still.cycles) without")
                }
            }
        }
    }

    /// Every field of a result but the wall time.
    static func figures(_ r: CosimRunResult) -> CosimRunResult {
        var copy = r
        copy.seconds = 0
        return copy
    }

    static func json(_ config: DatapathConfig) throws -> String {
        String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
    }
}

/// A mode change right after the last output beat has left: the next blocks give exactly their own
/// beats — no valid bit of an earlier beat waits in a rank past the old mode's tap for the new one.
@Suite struct ModeChangeTests {
    @Test(arguments: [1, 8])
    func aModeChangeRightAfterTheLastOutputLeavesNoStrayBeats(lanes: Int) throws {
        let design = try RTLDesign(config: .libjpeg, quality: 75)
        let simulator = CycleSimulator(try design.coreModule(lanes: lanes))
        let beats = 64 / lanes
        var draws = SeededDraws(seed: 12)
        let pairs: [(CodecMode, CodecMode)] = [(.encode, .roundtrip), (.encode, .decode), (.decode, .encode),
                                               (.roundtrip, .encode), (.decode, .roundtrip), (.roundtrip, .decode)]
        for (first, second) in pairs {
            var inputs: [String: [UInt64]] = ["aresetn": [0]]
            for _ in 0..<4 { _ = simulator.step(inputs) }
            inputs["aresetn"] = [1]
            var counts: [Int] = []
            for mode in [first, second] {
                inputs["mode"] = [UInt64(mode.code)]
                var sent = 0, received = 0, quiet = 0
                // Two blocks in, then clocks until 64 in a row pass with no output beat.
                while quiet < 64 {
                    inputs["s_axis_tvalid"] = [sent < 2 * beats ? 1 : 0]
                    inputs["s_axis_tdata"] = (0..<lanes).map { _ in mode == .decode ? UInt64(draws.int(0...6)) : UInt64(draws.int(0...255)) }
                    inputs["s_axis_tlast"] = [sent % beats == beats - 1 ? 1 : 0]
                    inputs["s_axis_tuser"] = [sent % beats == 0 ? 1 : 0]
                    inputs["m_axis_tready"] = [1]
                    let out = simulator.step(inputs)
                    if out["s_axis_tready"]![0] == 1 && sent < 2 * beats { sent += 1 }
                    if out["m_axis_tvalid"]![0] == 1 { received += 1; quiet = 0 } else if received > 0 { quiet += 1 }
                    // Change mode as soon as the last expected beat has left (one clock later).
                    if mode == first && received == 2 * beats { break }
                }
                counts.append(received)
            }
            #expect(counts == [2 * beats, 2 * beats], "x\(lanes) \(first.rawValue) then \(second.rawValue): output beats \(counts)")
        }
    }
}
