import Golden

/// The clock a generated core is pipelined for, and the delay model that decides where its registers
/// go. Delays are nanoseconds on an ECP5 of speed grade 6 (LFE5U-85F-6), calibrated on small designs
/// placed and routed with nextpnr-ecp5 (`../shared/reference/fpga-timing.md`):
///   - a stage costs 0.6 ns of clock-to-out and set-up, and 10 % of the period is kept for routing;
///   - an addition of w bits, with the routing into it: 2.3 + 0.035·w (a CCU2C carry chain, 2 bits a cell;
///     on the whole 8-lane core at 150 MHz, two 25-bit additions took 1.3 and 1.4 ns after 2.2 and 1.4 of
///     routing; in the whole encoder, two of 17 and 18 bits took 6.4 and 6.9 ns at two placements);
///   - a LUT level (a select, a clamp's multiplexer) 1.3; a variable shift one LUT level per 2 bits of distance;
///   - a multiply in MULT18X18D without its registers: 9 (3.9 in the block; the rest routing in and
///     out, from a 100 MHz core whose stage with such a multiply and its additions took 14 ns), and
///     an addition more when it takes several blocks; out of a multiplier cell's registers, 2.5 of
///     routing before the next cell (measured: 0.7 clock-to-out and 3.5 routing on the worst path).
/// A multiply that does not fit the period becomes a multiplier cell (`MultiplierCell`) with its own
/// registers: 2 clocks, 4 when it takes several blocks (its parts registered again, then summed).
public struct ClockTarget: Sendable, Hashable, CustomStringConvertible {
    public let mhz: Double

    public init(mhz: Double) throws {
        guard mhz.isFinite, mhz >= 10, mhz <= 1000 else {
            throw HLSGenError("--clock-mhz \(mhz): the clock target must be between 10 and 1000 MHz")
        }
        self.mhz = mhz
    }

    /// The clock the committed `rtl-sim/` and `fxcodec rtl` use unless told otherwise.
    public static let standard = try! ClockTarget(mhz: 200)

    public var description: String { String(format: "%g MHz", mhz) }

    /// Nanoseconds of logic and routing one stage may hold.
    var budget: Double { 0.9 * 1000 / mhz - 0.6 }

    static func add(_ width: Int) -> Double { 2.3 + 0.035 * Double(width) }
    static let lutLevel = 1.3
    static let outOfMultiplier = 2.5

    /// A multiply of operands `a` and `b` bits wide (signed) done in the fabric's stage, unregistered.
    static func multiply(_ a: Int, _ b: Int) -> Double {
        MultiplierCell.blocks(a, b) == 1 ? 9 : 9 + add(a + b)
    }
}

/// Where a kernel's pipeline registers go. Each node gets a stage: a node starts in the latest stage
/// among its inputs and moves to the next one when its delay would push that stage past the clock
/// target's budget. Every value that crosses from stage s to stage t is held by t − s registers; the
/// outputs leave through one more rank, so `latency` = last stage + 1 clocks. A multiply that does not
/// fit a stage is a multiplier cell: it reads its operands as registers at `operandStage`, registers
/// them inside (the end of that stage), registers the product (and a wide product's parts again
/// beside their blocks, summed a clock later); its `stage` is the clock of its last register, so its value is read from the next.
struct PipelinePlan {
    /// Nodes an output depends on; the tracer records every operation, only these are printed.
    let live: [Bool]
    let stage: [Int]
    /// For multiplier cells, the stage at whose end their operands are registered; else `stage`.
    let operandStage: [Int]
    /// Multiplies printed as multiplier cells.
    let cell: [Bool]
    let latency: Int
    let target: ClockTarget

    /// The width a multiply's operand reaches the multiplier with (signed; an unsigned register gains a bit).
    static func operandWidth(_ graph: DataflowGraph, _ node: Int) -> Int {
        let n = graph.nodes[node]
        if case .register(let r, let spec) = n.op, r.isUnsigned, let bits = spec.bits { return bits + 1 }
        return n.signedWidth
    }

    /// The widths of a multiply's operands: the input's, and the other input's or the constant's.
    static func multiplyWidths(_ graph: DataflowGraph, _ i: Int) -> (Int, Int)? {
        let node = graph.nodes[i]
        switch node.op {
        case .multiply: return (operandWidth(graph, node.inputs[0]), operandWidth(graph, node.inputs[1]))
        case .multiplyConstant(let c): return (operandWidth(graph, node.inputs[0]), DataflowGraph.signedWidth(c.value...c.value))
        default: return nil
        }
    }

    /// A node's delay in its stage (ns), multiplies counted unregistered.
    static func delay(_ graph: DataflowGraph, _ i: Int) -> Double {
        let node = graph.nodes[i]
        let w = node.signedWidth
        switch node.op {
        case .input, .shiftLeft, .shiftRight: return 0
        case .add, .subtract, .addConstant: return ClockTarget.add(w)
        case .magnitude, .applySign: return ClockTarget.add(w) + ClockTarget.lutLevel
        case .shiftRightVariable:
            let distance = graph.nodes[node.inputs[1]].signedWidth
            return ClockTarget.lutLevel * Double((distance + 1) / 2)
        case .multiply, .multiplyConstant:
            let (a, b) = multiplyWidths(graph, i)!
            return ClockTarget.multiply(a, b)
        case .register(_, let spec):
            return spec.overflow == .saturate && spec.bits != nil && node.mayOverflow
                ? ClockTarget.add(graph.nodes[node.inputs[0]].signedWidth) + ClockTarget.lutLevel : 0
        }
    }

    init(_ graph: DataflowGraph, target: ClockTarget) {
        self.init(graph, target: target, placeMultiply: nil)
    }

    /// Where a multiply's cell goes, decided as the plan is made (`FoldPlan`): given the multiply's
    /// node and the first stage at whose end its operands could be registered, the stage where they
    /// are and the cell's latency. With it, every multiply is a cell.
    typealias MultiplyPlacement = (_ node: Int, _ earliest: Int) -> (operandStage: Int, latency: Int)

    /// Nodes an output depends on.
    static func liveNodes(_ graph: DataflowGraph) -> [Bool] {
        var live = [Bool](repeating: false, count: graph.nodes.count)
        var work = graph.outputs.map(\.node)
        while let n = work.popLast() {
            if live[n] { continue }
            live[n] = true
            work.append(contentsOf: graph.nodes[n].inputs)
        }
        return live
    }

    init(_ graph: DataflowGraph, target: ClockTarget, placeMultiply: MultiplyPlacement?) {
        let live = Self.liveNodes(graph)
        let budget = target.budget
        let count = graph.nodes.count
        var stage = [Int](repeating: 0, count: count), operandStage = stage
        var time = [Double](repeating: 0, count: count)
        var cell = [Bool](repeating: false, count: count)
        // The first stage where a node's value can be read, and the time it is ready there: a cell's
        // value only from the stage after its last register, once it has left the block.
        func ready(_ j: Int) -> (Int, Double) { cell[j] ? (stage[j] + 1, ClockTarget.outOfMultiplier) : (stage[j], time[j]) }
        for (i, node) in graph.nodes.enumerated() where live[i] && !node.inputs.isEmpty {
            let arrivals = node.inputs.map(ready)
            let s = arrivals.map(\.0).max()!
            let begin = arrivals.filter { $0.0 == s }.map(\.1).max()!
            let d = Self.delay(graph, i)
            if let (a, b) = Self.multiplyWidths(graph, i), d > budget || placeMultiply != nil {
                // A cell registers its operands as they are at the end of a stage: a computed value
                // from the stage after it was computed, a port from stage 0.
                let first = node.inputs.map { j -> Int in
                    if case .input = graph.nodes[j].op { return 0 }
                    return ready(j).0 + (cell[j] ? 0 : 1)
                }.max()!
                let placed = placeMultiply?(i, first) ?? (operandStage: first, latency: MultiplierCell.latency(a, b))
                cell[i] = true
                operandStage[i] = placed.operandStage
                stage[i] = placed.operandStage + placed.latency - 1
                time[i] = 0
            } else if d > 0 && begin > 0 && begin + d > budget {
                (stage[i], time[i]) = (s + 1, d)
            } else {
                (stage[i], time[i]) = (s, begin + d)
            }
            if !cell[i] { operandStage[i] = stage[i] }
        }
        self.live = live
        self.stage = stage
        self.operandStage = operandStage
        self.cell = cell
        self.target = target
        latency = graph.outputs.map { cell[$0.node] ? stage[$0.node] + 1 : stage[$0.node] }.max()! + 1
    }
}

extension RTLDesign {
    /// What each printed node of a kernel costs before pipelining: its signed width, and for a
    /// multiply the MULT18X18D blocks of its product (0 otherwise).
    public static func nodeCosts(_ graph: DataflowGraph) -> [(width: Int, blocks: Int)] {
        let live = PipelinePlan.liveNodes(graph)
        return graph.nodes.indices.filter { live[$0] }.map { i in
            (graph.nodes[i].signedWidth, PipelinePlan.multiplyWidths(graph, i).map { MultiplierCell.blocks($0.0, $0.1) } ?? 0)
        }
    }
}
