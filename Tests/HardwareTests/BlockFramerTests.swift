import CoSim
import Foundation
import Hardware
import Testing

/// The framing stage: what it does, worked out by hand in the Swift evaluation, and the same outputs
/// from its Verilog (Verilator) and C++ (g++) under a random stimulus.
@Suite struct BlockFramerTests {
    static let framer = try! Blocks.blockFramer(beats: 4, width: 8)

    /// One clock by name; the output as a dictionary of single values.
    static func clock(_ s: CycleSimulator, valid: UInt64, data: UInt64 = 0, user: UInt64 = 0, last: UInt64 = 0,
                      ready: UInt64 = 1, reset: UInt64 = 1) -> [String: UInt64] {
        s.step(["aresetn": [reset], "s_axis_tvalid": [valid], "s_axis_tdata": [data], "s_axis_tuser": [user],
                "s_axis_tlast": [last], "m_axis_tready": [ready]]).mapValues { $0[0] }
    }

    @Test func framesBlocksAndFlagsAMisplacedLast() {
        let s = CycleSimulator(Self.framer)
        // A block of 4 beats at full rate: out one clock later, tuser on the first, tlast on the last.
        var seen: [[String: UInt64]] = []
        for k in 0..<5 { seen.append(Self.clock(s, valid: k < 4 ? 1 : 0, data: UInt64(10 + k), user: 3, last: k == 3 ? 1 : 0)) }
        #expect(seen.map { $0["s_axis_tready"] } == [1, 1, 1, 1, 1])
        #expect(seen.dropFirst().map { $0["m_axis_tdata"] } == [10, 11, 12, 13])
        #expect(seen.dropFirst().map { $0["m_axis_tuser"] } == [3, 0, 0, 0])
        #expect(seen.dropFirst().map { $0["m_axis_tlast"] } == [0, 0, 0, 1])
        #expect(seen.allSatisfy { $0["framing_error"] == 0 })
        // Backpressure: a beat waits while m_axis_tready is low, and the input is not ready meanwhile.
        _ = Self.clock(s, valid: 1, data: 20)
        let held = (0..<3).map { _ in Self.clock(s, valid: 1, data: 21, ready: 0) }
        #expect(held.allSatisfy { $0["m_axis_tvalid"] == 1 && $0["m_axis_tdata"] == 20 && $0["s_axis_tready"] == 0 })
        // tlast on the second beat of a block: the error is set and stays.
        let flagged = Self.clock(s, valid: 1, data: 21, last: 1)
        #expect(flagged["framing_error"] == 0 && flagged["s_axis_tready"] == 1)
        #expect(Self.clock(s, valid: 0)["framing_error"] == 1)
        #expect(Self.clock(s, valid: 0)["framing_error"] == 1)
        _ = Self.clock(s, valid: 0, reset: 0)
        #expect(Self.clock(s, valid: 0)["framing_error"] == 0, "reset clears it")
    }

    @Test func verilogAndCppAgreeWithSwift() throws {
        let module = Self.framer
        let stimulus = RandomDescription.stimulus(module, clocks: 4000, seed: 0xF4A3)
        let swift = HardwareSimulators.swift(module, stimulus).known
        let errors = swift.filter { $0.last! == 1 }.count
        #expect(errors > 0 && errors < swift.count, "the error bit is both set and reset in the run")
        let verilator = try HardwareSimulators.verilator(.init(module), stimulus, cache: HardwarePaths.cache)
        #expect(firstDifference(swift, verilator.outputs, ports: module) == nil, "Swift vs Verilator")
        let cpp = try HardwareSimulators.hls(module, stimulus, cache: HardwarePaths.cache, apTypes: try HardwarePaths.apTypes)
        #expect(firstDifference(swift, cpp.outputs, ports: module) == nil, "Swift vs C++")
    }
}
