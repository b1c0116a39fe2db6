/// Evaluating a traced `DataflowGraph` directly, node by node: a third reading of the datapath beside
/// `ScalarArithmetic` and `LaneArithmetic`, written from the graph's operations alone (no call back
/// into the kernels), so that a graph that has drifted from the kernels it was traced from shows.
///
/// Each operation is exact in 64 bits, as in `ScalarArithmetic` (`KernelGraphs` proves every value
/// fits in 62): a + b, a − b, a + k, a · c, a · b, a · 2^n, floor(a / 2^n), floor(a / 2^s), |a|,
/// s < 0 ? −m : m. A register narrows to its format: saturate clamps to the format's bounds; wrap
/// keeps the value modulo 2^bits, in the format's range (lo + ((a − lo) mod 2^bits)). Unlike the
/// scalar model, which counts only at registers the value ranges say can overflow, every register
/// here counts every value it changed, so an unsound range proof shows as a different report.
/// Every value is also checked against its node's traced interval (the proof the emitters size their
/// wires by); values outside are counted in `RegisterObservations.outsideTracedRange`.
public struct EvaluableGraph: Sendable {
    /// One node as the evaluator runs it: an operation on earlier slots.
    @usableFromInline
    struct Instruction: Sendable {
        @usableFromInline enum Code: UInt8, Sendable {
            case input, add, subtract, addConstant, multiplyConstant, multiply
            case shiftLeft, shiftRight, shiftRightVariable, magnitude, applySign
            case registerNone, registerSaturate, registerWrap
        }
        @usableFromInline var code: Code
        /// Operand slots (node indices).
        @usableFromInline var a: Int, b: Int
        /// The constant operand (addend, multiplier, shift), or for a register its lower bound.
        @usableFromInline var k: Int
        /// For a register: its upper bound, the wrap mask 2^bits − 1, and `Register.index`.
        @usableFromInline var hi: Int, mask: Int, register: Int
        /// The node's traced interval.
        @usableFromInline var low: Int, high: Int
    }

    @usableFromInline let instructions: [Instruction]
    /// The node index of each input, in the order the graph declared them.
    public let inputNodes: [Int]
    public let inputNames: [String]
    /// The node index of each output, in order.
    public let outputNodes: [Int]
    public let outputNames: [String]
    /// Slots an evaluation needs (one per node).
    public var slotCount: Int { instructions.count }

    /// Prepares `graph` once. The tracer appends a node after its operands, so node order is a
    /// topological order; this is checked here rather than assumed.
    public init(_ graph: DataflowGraph) {
        var instructions: [Instruction] = []
        var inputNodes: [Int] = [], inputNames: [String] = []
        for (index, node) in graph.nodes.enumerated() {
            precondition(node.inputs.allSatisfy { $0 < index }, "node \(index) uses a later node")
            let a = node.inputs.first ?? 0, b = node.inputs.count > 1 ? node.inputs[1] : 0
            func make(_ code: Instruction.Code, _ k: Int = 0) -> Instruction {
                Instruction(code: code, a: a, b: b, k: k, hi: 0, mask: 0, register: 0,
                            low: node.range.lowerBound, high: node.range.upperBound)
            }
            switch node.op {
            case .input(let name):
                inputNodes.append(index)
                inputNames.append(name)
                instructions.append(make(.input))
            case .add: instructions.append(make(.add))
            case .subtract: instructions.append(make(.subtract))
            case .addConstant(let k): instructions.append(make(.addConstant, k))
            case .multiplyConstant(let c): instructions.append(make(.multiplyConstant, c.value))
            case .multiply: instructions.append(make(.multiply))
            case .shiftLeft(let n): instructions.append(make(.shiftLeft, n))
            case .shiftRight(let n): instructions.append(make(.shiftRight, n))
            case .shiftRightVariable: instructions.append(make(.shiftRightVariable))
            case .magnitude: instructions.append(make(.magnitude))
            case .applySign: instructions.append(make(.applySign))
            case .register(let r, let spec):
                var i = make(.registerNone)
                i.register = r.index
                if let bounds = spec.bounds(unsigned: r.isUnsigned), let bits = spec.bits {
                    i.code = spec.overflow == .saturate ? .registerSaturate : .registerWrap
                    (i.k, i.hi, i.mask) = (bounds.lowerBound, bounds.upperBound, (1 << bits) - 1)
                }
                instructions.append(i)
            }
        }
        self.instructions = instructions
        (self.inputNodes, self.inputNames) = (inputNodes, inputNames)
        outputNodes = graph.outputs.map(\.node)
        outputNames = graph.outputs.map(\.name)
    }

    /// Runs the graph on `inputs` (by position, as `inputNames`), writing `outputs` (as `outputNames`).
    /// `slots` is scratch space of at least `slotCount` values, reused between calls.
    @inlinable
    public func evaluate(_ inputs: UnsafePointer<Int>, _ outputs: UnsafeMutablePointer<Int>,
                         slots: UnsafeMutablePointer<Int>, observing seen: inout RegisterObservations) {
        for (position, node) in inputNodes.enumerated() { slots[node] = inputs[position] }
        var outside = 0, firstOutside: Int?
        instructions.withUnsafeBufferPointer { code in
        seen.table.withUnsafeMutableBufferPointer { table in
            let count = RegisterObservations.registerCount
            let (overflows, minimum, maximum) = (table.baseAddress!, table.baseAddress! + count, table.baseAddress! + 2 * count)
            /// What arrived at register r and what it kept.
            @inline(__always) func note(_ arrived: Int, _ kept: Int, _ r: Int) {
                if arrived != kept { overflows[r] &+= 1 }
                minimum[r] = Swift.min(minimum[r], arrived)
                maximum[r] = Swift.max(maximum[r], arrived)
            }
            for n in 0..<code.count {
                let i = code[n]
                let x = slots[i.a], y = slots[i.b]
                let v: Int
                switch i.code {
                case .input: continue
                case .add: v = x &+ y
                case .subtract: v = x &- y
                case .addConstant: v = x &+ i.k
                case .multiplyConstant: v = x &* i.k
                case .multiply: v = x &* y
                case .shiftLeft: v = x &<< i.k
                case .shiftRight: v = x &>> i.k
                case .shiftRightVariable: v = x &>> y
                case .magnitude: v = x < 0 ? 0 &- x : x
                case .applySign: v = x < 0 ? 0 &- y : y
                case .registerNone: v = x; note(x, v, i.register)
                case .registerSaturate: v = Swift.min(Swift.max(x, i.k), i.hi); note(x, v, i.register)
                case .registerWrap: v = ((x &- i.k) & i.mask) &+ i.k; note(x, v, i.register)
                }
                slots[n] = v
                if v < i.low || v > i.high {
                    outside += 1
                    if firstOutside == nil { firstOutside = n }
                }
            }
        }}
        // Inputs are held to their traced intervals too (the domain the graph was traced for).
        for node in inputNodes where slots[node] < instructions[node].low || slots[node] > instructions[node].high {
            outside += 1
            if firstOutside == nil { firstOutside = node }
        }
        if outside > 0 { seen.noteOutsideTracedRange(outside, firstNode: firstOutside!) }
        for (position, node) in outputNodes.enumerated() { outputs[position] = slots[node] }
    }

    /// The same on arrays (allocates; for tests and one-off use).
    public func evaluate(_ inputs: [Int], observing seen: inout RegisterObservations) -> [Int] {
        precondition(inputs.count == inputNodes.count, "expected \(inputNodes.count) inputs (\(inputNames))")
        var outputs = [Int](repeating: 0, count: outputNodes.count)
        var slots = [Int](repeating: 0, count: slotCount)
        inputs.withUnsafeBufferPointer { i in
            outputs.withUnsafeMutableBufferPointer { o in
                slots.withUnsafeMutableBufferPointer { evaluate(i.baseAddress!, o.baseAddress!, slots: $0.baseAddress!, observing: &seen) }
            }
        }
        return outputs
    }
}

extension DataflowGraph {
    /// The graph's outputs for inputs given by name (every input must be given).
    public func evaluate(_ inputs: [String: Int]) -> [Int] {
        var seen = RegisterObservations()
        return evaluate(inputs, observing: &seen)
    }

    public func evaluate(_ inputs: [String: Int], observing seen: inout RegisterObservations) -> [Int] {
        let graph = EvaluableGraph(self)
        let unknown = Set(inputs.keys).subtracting(graph.inputNames)
        precondition(unknown.isEmpty, "not inputs of the graph: \(unknown.sorted())")
        return graph.evaluate(graph.inputNames.map { name in
            guard let v = inputs[name] else { preconditionFailure("input \(name) not given") }
            return v
        }, observing: &seen)
    }
}

/// What the registers of a graph evaluation saw: per register (by `Register.index`) the values
/// changed by narrowing and the extremes of what arrived, before narrowing.
public struct RegisterObservations: Sendable {
    /// Per register: values changed by narrowing, then the smallest, then the largest arrival.
    @usableFromInline var table = [Int](repeating: 0, count: registerCount)
        + [Int](repeating: .max, count: registerCount) + [Int](repeating: .min, count: registerCount)
    @usableFromInline static let registerCount = Register.all.count
    /// Values (inputs included) that fell outside their node's traced interval, and the first such
    /// node: nonzero means the inputs left the domain the graph was traced for, or the interval
    /// arithmetic is unsound.
    public private(set) var outsideTracedRange = 0
    public private(set) var firstNodeOutsideTracedRange: Int?

    public init() {}

    @usableFromInline
    mutating func noteOutsideTracedRange(_ count: Int, firstNode: Int) {
        outsideTracedRange += count
        if firstNodeOutsideTracedRange == nil { firstNodeOutsideTracedRange = firstNode }
    }

    /// Adds these observations into `report`, as the scalar and lane evaluators do theirs.
    public func accumulate(into report: inout OverflowReport) {
        let count = Self.registerCount
        for r in Register.all {
            let (overflows, minimum, maximum) = (table[r.index], table[count + r.index], table[2 * count + r.index])
            let reached = minimum <= maximum
            report.add(r, overflows: overflows, minimum: reached ? minimum : nil, maximum: reached ? maximum : nil)
        }
    }
}
