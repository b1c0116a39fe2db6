@testable import CoSim
import Foundation
import Golden
import HLSGen
import Hardware
import Testing

/// The Swift harness against the C++ one: the stand-in core's description evaluated by
/// `SwiftCosimulation`, and its printed Verilog under Verilator with the real harness, run on the
/// same jobs, give the same result for every run, field by field (all but the wall time), and the
/// same output values.
@Suite struct SwiftCosimulationTests {
    /// Jobs in a row on one core: tables from power-on, then written, then kept; a wrong expected
    /// value; a fault beat (tlast, tuser, AXI and framing errors, an extra beat); a halt (timeout);
    /// and a job after it, which reset must bring back. The reference tables follow the writes.
    static func jobs(lanes: Int) -> [CosimJob] {
        var rng = SplitMix64(seed: UInt64(lanes))
        var tables = CosimStandIn.resetTables()
        func job(_ mode: CodecMode, blocks: Int, write: Bool, _ runs: [StallSetting], lane0: [Int: Int32] = [:]) -> CosimJob {
            let users = (0..<blocks).map { UInt8(($0 == 0 ? 1 : 0) | ($0 % 3 == 1 ? 2 : 0)) }
            var inputs = (0..<(blocks * 64)).map { _ in Int32(Int(rng.next() % 4094) - 2047) }
            for (beat, value) in lane0 { inputs[beat * lanes] = value }
            let words = write ? (0..<128).map { _ in rng.next() % 1024 } : nil
            if let words { tables = words }
            let expected = inputs.indices.map { v in
                let t = Int(users[v / 64] >> 1) * 64 + v % 64
                return CosimStandIn.output(mode: Int(mode.code), x: inputs[v], t: tables[t])
            }
            return CosimJob(mode: mode, tableWords: words, runs: runs, users: users, inputs: inputs, expected: expected,
                            label: "stand-in", parts: [("all", 0..<blocks)])
        }
        // In order: each job's reference uses the tables the jobs before it leave.
        let jobs = [
            job(.encode, blocks: 6, write: false, [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 7),
                                                   StallSetting(stall: 0.3, seed: 0xFFFF_FFFF_FFFF_FFF1)]),
            job(.decode, blocks: 5, write: true, [StallSetting(stall: 0.3, seed: 3), StallSetting(stall: 0, seed: 4)]),
        ]
        var wrong = job(.roundtrip, blocks: 4, write: false, [StallSetting(stall: 0.3, seed: 5)])
        wrong.expected[2 * 64 + 17] &+= 1
        return jobs + [
            wrong,
            job(.encode, blocks: 4, write: false, [StallSetting(stall: 0.3, seed: 9), StallSetting(stall: 0.3, seed: 19),
                                                   StallSetting(stall: 0.5, seed: 29), StallSetting(stall: 0, seed: 10)],
                lane0: [64 / lanes + 2: Int32(CosimStandIn.fault)]),
            job(.decode, blocks: 3, write: false, [StallSetting(stall: 0.3, seed: 11)],
                lane0: [2 * 64 / lanes + 1: Int32(CosimStandIn.halt)]),
            job(.roundtrip, blocks: 3, write: true, [StallSetting(stall: 0.3, seed: 13), StallSetting(stall: 0, seed: 14)]),
        ]
    }

    /// The result with the wall time left out.
    static func timeless(_ r: CosimRunResult) -> CosimRunResult {
        var r = r
        r.seconds = 0
        return r
    }

    /// The stand-in's description, and its printed Verilog built with the C++ harness.
    static func standIn(lanes: Int) throws -> (Module, VerilatorBuild) {
        let module = try CosimStandIn.module(lanes: lanes)
        let verilog = GeneratedFile(path: VerilogPrinter.fileName(module), text: VerilogPrinter.text(module))
        return (module, try VerilatorBuild.build(verilog: [verilog], top: module.name, lanes: lanes,
                                                 laneBits: CosimStandIn.laneBits, cacheRoot: HardwarePaths.cache))
    }

    static func dumped(_ url: URL) throws -> [Int32] {
        try Data(contentsOf: url).withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    }

    @Test(arguments: [1, 8])
    func swiftHarnessMatchesTheVerilatorHarness(lanes: Int) throws {
        let (module, build) = try Self.standIn(lanes: lanes)
        let jobs = Self.jobs(lanes: lanes)
        let tag = "fxc-swift-cosim-\(UInt32.random(in: 0...UInt32.max))"
        let cDump = HardwarePaths.scratch.appendingPathComponent(tag + "-c.bin")
        let swiftDump = HardwarePaths.scratch.appendingPathComponent(tag + "-swift.bin")
        defer { for u in [cDump, swiftDump] { try? FileManager.default.removeItem(at: u) } }

        let verilator = try Cosimulation.run(jobs, on: build, scratch: HardwarePaths.scratch, dump: cDump)
        var reports: [CosimProgress] = []
        let swift = try SwiftCosimulation.run(jobs, module: module, lanes: lanes, laneBits: CosimStandIn.laneBits,
                                              dump: swiftDump) { reports.append($0) }
        try #require(swift.count == verilator.count)
        for (s, v) in zip(swift, verilator) {
            #expect(Self.timeless(s) == Self.timeless(v), "job \(v.job) run \(v.run), \(lanes) lanes:\n  Swift     \(s)\n  Verilator \(v)")
        }
        #expect(try Self.dumped(swiftDump) == Self.dumped(cDump), "output values, \(lanes) lanes")

        // The jobs meant to pass do, the others fail as planned (so every check above compared something).
        let byJob = Dictionary(grouping: verilator) { $0.job }
        for j in [0, 1, 5] { #expect(byJob[j]!.allSatisfy { $0.passed }, "job \(j): \(byJob[j]!)") }
        for r in byJob[2]! {
            #expect(r.mismatches == 1 && r.mismatchBlock == 2 && r.mismatchIndex == 17
                    && r.mismatchActual == r.mismatchExpected - 1, "\(r)")
        }
        for r in byJob[3]! {
            #expect(r.tlastErrors > 0 && r.tuserErrors > 0 && r.extraBeats == 1 && r.mismatches > 0 && r.framingError, "\(r)")
        }
        #expect(byJob[3]!.contains { $0.axiViolations > 0 }, "\(byJob[3]!)")
        #expect(byJob[4]!.allSatisfy { $0.timeout && $0.outBeats < $0.expectedBeats }, "\(byJob[4]!)")
        #expect(verilator.contains { $0.stall > 0 && $0.cycles > $0.expectedBeats + 20 }, "stalls lengthen a run")
        #expect(Set(verilator.map(\.seed)).contains(0xFFFF_FFFF_FFFF_FFF1))

        let blocks = jobs.reduce(0) { $0 + $1.blockCount * $1.runs.count }
        #expect(reports.last.map { $0.blocks == blocks && $0.blocksDone < blocks && $0.cycles > 100_000 } == true,
                "progress \(String(describing: reports.last))")

        func rate(_ results: [CosimRunResult]) -> Double {
            let timed = results.filter { !$0.timeout }
            return Double(timed.reduce(0) { $0 + $1.cycles }) / timed.reduce(0) { $0 + $1.seconds }
        }
        print(String(format: "stand-in x%d: Swift harness %.2f M cycles/s, Verilator harness %.2f M cycles/s (built: %@)",
                     lanes, rate(swift) / 1e6, rate(verilator) / 1e6, build.built ? "yes" : "cached"))
    }

    /// One long stream with stalls: the same results from both, and each one's clocks per second.
    @Test(arguments: [1, 8])
    func speedOnALongStream(lanes: Int) throws {
        let (module, build) = try Self.standIn(lanes: lanes)
        let blocks = 300_000 * lanes / 64
        var rng = SplitMix64(seed: 99)
        let inputs = (0..<(blocks * 64)).map { _ in Int32(Int(rng.next() % 4094) - 2047) }
        let tables = CosimStandIn.resetTables()
        let expected = inputs.indices.map { CosimStandIn.output(mode: 0, x: inputs[$0], t: tables[$0 % 64]) }
        let job = CosimJob(mode: .encode, tableWords: nil, runs: [StallSetting(stall: 0.3, seed: 21)],
                           users: [UInt8](repeating: 0, count: blocks), inputs: inputs, expected: expected,
                           label: "long", parts: [("all", 0..<blocks)])
        let verilator = try Cosimulation.run([job], on: build, scratch: HardwarePaths.scratch)[0]
        let swift = try SwiftCosimulation.run([job], module: module, lanes: lanes, laneBits: CosimStandIn.laneBits)[0]
        #expect(Self.timeless(swift) == Self.timeless(verilator), "\n  Swift     \(swift)\n  Verilator \(verilator)")
        #expect(verilator.passed && verilator.cycles > 300_000, "\(verilator)")
        print(String(format: "stand-in x%d, %d clocks: Swift harness %.2f M cycles/s (%.3f s), Verilator harness %.2f M cycles/s (%.3f s)",
                     lanes, swift.cycles, swift.cyclesPerSecond / 1e6, swift.seconds, verilator.cyclesPerSecond / 1e6,
                     verilator.seconds))
    }

    /// The streaming core itself: its description (`RTLDesign.coreModule`) through the Swift harness,
    /// and its printed RTL built as `fxcodec cosim` builds it, on a few blocks in every mode, with the
    /// reset tables and with quality 50's written through the table port, without and with stalls.
    @Test(arguments: [1, 8])
    func theCoreGivesWhatVerilatorGives(lanes: Int) throws {
        let config = DatapathConfig.libjpeg
        let design = try RTLDesign(config: config, quality: 75)
        let build = try VerilatorBuild.build(design: design, lanes: lanes,
                                             cacheRoot: HardwarePaths.repository.appendingPathComponent(RTLSimFolder.folder))
        let codec = try BlockCodec(config)
        var rng = SplitMix64(seed: 17)
        let samples = (0..<(4 * 64)).map { i in UInt8(truncatingIfNeeded: i < 64 ? i * 4 : Int(rng.next() % 256)) }
        let blocks = ImageBlocks(name: "pattern", samples: samples)
        let runs = [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2)]
        var jobs: [CosimJob] = []
        for mode in CodecMode.allCases {
            for quality in [75, 50] {
                jobs.append(blocks.job(mode: mode, codec: codec, tables: QuantTable.ijg(quality: quality), writeTables: quality != 75,
                                       layout: design.layout, runs: runs))
            }
        }
        let verilator = try Cosimulation.run(jobs, on: build, scratch: HardwarePaths.scratch)
        let swift = try SwiftCosimulation.run(jobs, module: try design.coreModule(lanes: lanes), lanes: lanes,
                                              laneBits: design.laneBits)
        try #require(swift.count == verilator.count)
        for (s, v) in zip(swift, verilator) {
            #expect(Self.timeless(s) == Self.timeless(v), "job \(v.job) run \(v.run), \(lanes) lanes:\n  Swift     \(s)\n  Verilator \(v)")
            #expect(v.passed, "Verilator: \(v)")
            if v.stall == 0 { #expect(v.latency == design.latency(mode: jobs[v.job].mode, lanes: lanes), "\(v)") }
        }
        let cycles = swift.reduce(0) { $0 + $1.cycles }
        print(String(format: "core x%d, %d clocks: Swift harness %.3f M cycles/s, Verilator harness %.2f M cycles/s", lanes, cycles,
                     Double(cycles) / swift.reduce(0) { $0 + $1.seconds } / 1e6,
                     Double(cycles) / verilator.reduce(0) { $0 + $1.seconds } / 1e6))
    }

    @Test func aModuleWithoutAPortIsRefusedByName() throws {
        for name in ["qt_we", "m_axis_tlast", "framing_error"] {
            let module = try CosimStandIn.module(lanes: 8, renamed: [name: "spare"])
            do {
                _ = try SwiftCosimulation.run(Self.jobs(lanes: 8), module: module, lanes: 8, laneBits: CosimStandIn.laneBits)
                Issue.record("a module without \(name) was accepted")
            } catch let error as HardwareSimulationError {
                #expect(error.description.contains(" \(name),") && error.description.contains(module.name), "\(error)")
            }
        }
        // tdata of the wrong width for the lanes asked.
        #expect(throws: HardwareSimulationError.self) {
            _ = try SwiftCosimulation.run([], module: try CosimStandIn.module(lanes: 8), lanes: 1, laneBits: CosimStandIn.laneBits)
        }
    }
}
