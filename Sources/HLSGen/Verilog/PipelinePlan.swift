import Golden

/// Where a kernel's pipeline registers go. Each node gets a stage: a node starts in the latest stage
/// among its inputs and moves to the next one when its delay would push that stage past the budget.
/// Delays are in rough adder units: a carry chain 1, a constant multiply 2, a run-time multiply 3,
/// wiring (shifts, slices, identities) 0. Every value that crosses from stage s to stage t is held by
/// t − s registers; the outputs leave through one more rank, so `latency` = last stage + 1 clocks.
struct PipelinePlan {
    /// Nodes an output depends on; the tracer records every operation, only these are printed.
    let live: [Bool]
    let stage: [Int]
    let latency: Int

    static let defaultBudget = 3

    static func delay(_ op: DataflowGraph.Op) -> Int {
        switch op {
        case .input, .shiftLeft, .shiftRight: return 0
        case .add, .subtract, .addConstant, .magnitude, .applySign, .shiftRightVariable: return 1
        case .multiplyConstant: return 2
        case .multiply: return 3
        case .register(_, let spec): return spec.overflow == .saturate && spec.bits != nil ? 1 : 0
        }
    }

    init(_ graph: DataflowGraph, budget: Int = PipelinePlan.defaultBudget) {
        var live = [Bool](repeating: false, count: graph.nodes.count)
        var work = graph.outputs.map(\.node)
        while let n = work.popLast() {
            if live[n] { continue }
            live[n] = true
            work.append(contentsOf: graph.nodes[n].inputs)
        }
        var stage = [Int](repeating: 0, count: graph.nodes.count)
        var time = [Int](repeating: 0, count: graph.nodes.count)
        for (i, node) in graph.nodes.enumerated() where live[i] && !node.inputs.isEmpty {
            let s = node.inputs.map { stage[$0] }.max()!
            let begin = node.inputs.filter { stage[$0] == s }.map { time[$0] }.max()!
            let d = Self.delay(node.op)
            if d > 0 && begin > 0 && begin + d > budget {
                (stage[i], time[i]) = (s + 1, d)
            } else {
                (stage[i], time[i]) = (s, begin + d)
            }
        }
        self.live = live
        self.stage = stage
        latency = graph.outputs.map { stage[$0.node] }.max()! + 1
    }
}
