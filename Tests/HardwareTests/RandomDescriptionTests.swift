import CoSim
import Foundation
import Hardware
import Testing

/// Random descriptions (seeded) in the Swift evaluation, their printed Verilog under Verilator and
/// their printed C++ under g++: bit for bit the same outputs every clock. Each seed is one module,
/// one Verilator build and one g++ compile, cached by a hash of the printed sources.
@Suite struct RandomDescriptionTests {
    static let seeds: [UInt64] = [1, 2]
    static let clocks = 3000

    @Test(arguments: seeds)
    func everyOperationIsUsed(seed: UInt64) throws {
        let module = try RandomDescription.make(seed: seed, steps: 600)
        let live = module.liveNodes()
        var kinds: Set<String> = []
        for (i, node) in module.nodes.enumerated() where live[i] {
            let kind = String(describing: node.operation).prefix { $0 != "(" }
            kinds.insert(String(kind))
        }
        #expect(kinds.isSuperset(of: ["constant", "input", "register", "memoryRead", "arithmetic", "bitwise", "not",
                                      "compare", "select", "shift", "variableShift", "slice", "concat", "extend",
                                      "bitLength", "reduce"]), "\(kinds.sorted())")
    }

    @Test(arguments: seeds)
    func swiftVerilatorAndCppAgree(seed: UInt64) throws {
        let module = try RandomDescription.make(seed: seed, steps: 600)
        let stimulus = RandomDescription.stimulus(module, clocks: Self.clocks, seed: seed &* 77)
        let swift = HardwareSimulators.swift(module, stimulus).known
        // Outputs that change: the graph does something in the clocks simulated.
        let changing = (0..<swift[0].count).filter { k in Set(swift.map { $0[k] }).count > 1 }.count
        #expect(changing > swift[0].count / 3, "\(changing) of \(swift[0].count) outputs change")

        let verilator = try HardwareSimulators.verilator(.init(module), stimulus, cache: HardwarePaths.cache)
        #expect(firstDifference(swift, verilator.outputs, ports: module) == nil, "seed \(seed): Swift vs Verilator")
        let cpp = try HardwareSimulators.hls(module, stimulus, cache: HardwarePaths.cache, apTypes: try HardwarePaths.apTypes)
        #expect(firstDifference(swift, cpp.outputs, ports: module) == nil, "seed \(seed): Swift vs C++")
    }

    /// Icarus on one random description: the printed Verilog means the same to a second simulator.
    @Test func icarusAgrees() throws {
        let module = try RandomDescription.make(seed: 4, steps: 400)
        let stimulus = RandomDescription.stimulus(module, clocks: 1500, seed: 44)
        let swift = HardwareSimulators.swift(module, stimulus).known
        let icarus = try HardwareSimulators.icarus(.init(module), stimulus, scratch: HardwarePaths.scratch)
        #expect(firstDifference(swift, icarus.outputs, ports: module) == nil, "Swift vs Icarus")
    }
}
