import Golden

/// A kernel's pipeline folded for beats that arrive at most once every `period` clocks: multiplies
/// share multiplier units. A beat occupies one stage at a time, and two beats are at least `period`
/// stages apart, so multiplies whose operands are registered at distinct stages less than `period`
/// apart never run in the same clock: one registered multiplier (`MultiplierCell`) computes them all,
/// its operands picked by which of those stages holds a beat (the stages' valid bits are one-hot over
/// the window).
///
/// The stages come from `PipelinePlan` with every multiply a cell; as the plan reaches a multiply, it
/// is given to the unit that can take it soonest (at the first stage that unit does not use yet and
/// that keeps its stages within `period`), a new unit only when none can. A later stage than its
/// operands allow just holds them longer; nodes after it move with it. A unit is as wide as its
/// widest operands, and takes a multiply only when that does not change its latency or add blocks.
/// The arithmetic is the graph's, so the kernel's results are unchanged; only its latency grows.
struct FoldPlan {
    /// One shared multiplier: operand widths, and its multiplies with the stage of their operands.
    struct Unit {
        var a: Int, b: Int
        var members: [(node: Int, operandStage: Int)]

        var cell: MultiplierCell { MultiplierCell(a: a, b: b) }
        var stages: [Int] { members.map(\.operandStage) }
    }

    let period: Int
    let plan: PipelinePlan
    let units: [Unit]

    init(_ graph: DataflowGraph, target: ClockTarget, period: Int) {
        precondition(period >= 1)
        var units: [Unit] = []
        plan = PipelinePlan(graph, target: target) { node, earliest in
            let (a, b) = PipelinePlan.multiplyWidths(graph, node)!
            // The soonest stage at or after `earliest` a unit can take this multiply at, if any.
            func soonest(_ u: Unit) -> Int? {
                let (wa, wb) = (max(u.a, a), max(u.b, b))
                guard MultiplierCell.latency(wa, wb) == u.cell.latency,
                      MultiplierCell.blocks(wa, wb) == max(u.cell.blocks, MultiplierCell.blocks(a, b)) else { return nil }
                let low = u.stages.min()!, high = u.stages.max()!
                return (earliest...).prefix(while: { max(high, $0) - min(low, $0) < period })
                    .first { !u.stages.contains($0) }
            }
            let choices = units.indices.compactMap { k in soonest(units[k]).map { (k, $0) } }
            if let (k, s) = choices.min(by: { $0.1 < $1.1 }) {
                units[k].a = max(units[k].a, a)
                units[k].b = max(units[k].b, b)
                units[k].members.append((node, s))
                return (s, units[k].cell.latency)
            }
            units.append(Unit(a: a, b: b, members: [(node, earliest)]))
            return (earliest, MultiplierCell.latency(a, b))
        }
        self.units = units
        self.period = period
    }

    /// MULT18X18D blocks of all units.
    var blocks: Int { units.map(\.cell.blocks).reduce(0, +) }
}

extension DataflowGraph {
    /// `count` copies of a scalar kernel side by side, one per lane: copy k's nodes follow copy k − 1's,
    /// its ports and outputs named `<name>_<k>`. Folded, the lanes' multiplies share units.
    func lanes(_ count: Int) -> DataflowGraph {
        var g = self
        (g.nodes, g.outputs) = ([], [])
        for k in 0..<count {
            let offset = g.nodes.count
            for var node in nodes {
                node.inputs = node.inputs.map { $0 + offset }
                if case .input(let name) = node.op { node.op = .input("\(name)_\(k)") }
                g.nodes.append(node)
            }
            g.outputs += outputs.map { ("\($0.name)_\(k)", $0.node + offset) }
        }
        return g
    }
}
