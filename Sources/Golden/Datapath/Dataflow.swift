/// A dataflow graph of one kernel, recorded by running the kernel's generic code with `DataflowTracer`.
/// Each node carries the exact interval of values it can take (interval arithmetic from the input
/// ranges), so its width is known: this is how every internal signal of the HLS C++ and the Verilog
/// gets its bit width, and how the golden model knows which registers can overflow at all.
public struct DataflowGraph: Sendable {
    public enum Op: Sendable, Hashable {
        case input(String)
        case add, subtract
        case addConstant(Int)
        case multiplyConstant(NamedConstant)
        case multiply
        case shiftLeft(Int), shiftRight(Int)
        case shiftRightVariable
        case magnitude
        case applySign
        case register(Register, RegisterSpec)
    }

    public struct Node: Sendable {
        public var op: Op
        public var inputs: [Int]
        /// Every value the node can take lies in this interval.
        public var range: ClosedRange<Int>
        /// For registers: whether a value outside the register's format can arrive.
        public var mayOverflow: Bool

        /// Bits of a signed (two's complement) word holding the range.
        public var signedWidth: Int { DataflowGraph.signedWidth(range) }
    }

    public var nodes: [Node] = []
    /// Output nodes, in order, with names.
    public var outputs: [(name: String, node: Int)] = []

    public static func signedWidth(_ r: ClosedRange<Int>) -> Int {
        var w = 1
        while !(r.lowerBound >= -(1 << (w - 1)) && r.upperBound <= (1 << (w - 1)) - 1) { w += 1 }
        return w
    }

    /// Registers that appear in the graph, with whether each can overflow.
    public var registers: [(Register, mayOverflow: Bool)] {
        var seen: [Register: Bool] = [:]
        for n in nodes { if case .register(let r, _) = n.op { seen[r] = (seen[r] ?? false) || n.mayOverflow } }
        return seen.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The widest node, in bits.
    public var maximumWidth: Int { nodes.map(\.signedWidth).max() ?? 0 }
}

public struct DataflowRangeError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Records a kernel as a `DataflowGraph`, propagating value intervals.
public struct DataflowTracer: DatapathArithmetic {
    public typealias Value = Int
    public private(set) var graph = DataflowGraph()
    public let config: DatapathConfig
    /// Set when an interval leaves the 62-bit range the evaluators can hold.
    public private(set) var rangeError: DataflowRangeError?

    public init(config: DatapathConfig) { self.config = config }

    public mutating func input(_ name: String, _ range: ClosedRange<Int>) -> Int {
        append(.input(name), [], range)
    }

    public mutating func output(_ name: String, _ node: Int) { graph.outputs.append((name, node)) }

    private mutating func append(_ op: DataflowGraph.Op, _ inputs: [Int], _ range: ClosedRange<Int>,
                                 mayOverflow: Bool = false) -> Int {
        if rangeError == nil && (range.lowerBound < -Self.limit || range.upperBound > Self.limit) {
            rangeError = DataflowRangeError(description: "a value of the datapath needs more than 62 bits (\(op)); "
                + "narrow a register or lower dct_constant_bits")
        }
        graph.nodes.append(.init(op: op, inputs: inputs, range: range, mayOverflow: mayOverflow))
        return graph.nodes.count - 1
    }

    private func r(_ n: Int) -> ClosedRange<Int> { graph.nodes[n].range }

    /// The largest magnitude the evaluators hold (2^62), and where interval ends saturate: one beyond
    /// it, so that a saturated interval is itself reported by `append` (saturating at the limit
    /// exactly would pass the check and leave a too-wide design with clamped widths).
    static let limit = 1 << 62
    static let saturated = limit + 1

    /// Interval product: the extremes are among the four corner products (saturating beyond ±2^62 so a
    /// too-wide design is reported, not trapped).
    private static func product(_ a: ClosedRange<Int>, _ b: ClosedRange<Int>) -> ClosedRange<Int> {
        func mul(_ x: Int, _ y: Int) -> Int {
            let (p, o) = x.multipliedReportingOverflow(by: y)
            return o ? ((x < 0) != (y < 0) ? -saturated : saturated) : max(min(p, saturated), -saturated)
        }
        let c = [mul(a.lowerBound, b.lowerBound), mul(a.lowerBound, b.upperBound),
                 mul(a.upperBound, b.lowerBound), mul(a.upperBound, b.upperBound)]
        return c.min()!...c.max()!
    }

    private static func clampedSum(_ x: Int, _ y: Int) -> Int {
        let (s, o) = x.addingReportingOverflow(y)
        return o ? (x < 0 ? -saturated : saturated) : max(min(s, saturated), -saturated)
    }

    public mutating func add(_ a: Int, _ b: Int) -> Int {
        append(.add, [a, b], Self.clampedSum(r(a).lowerBound, r(b).lowerBound)...Self.clampedSum(r(a).upperBound, r(b).upperBound))
    }
    public mutating func subtract(_ a: Int, _ b: Int) -> Int {
        append(.subtract, [a, b], Self.clampedSum(r(a).lowerBound, -r(b).upperBound)...Self.clampedSum(r(a).upperBound, -r(b).lowerBound))
    }
    public mutating func add(_ a: Int, constant k: Int) -> Int {
        append(.addConstant(k), [a], (r(a).lowerBound + k)...(r(a).upperBound + k))
    }
    public mutating func multiply(_ a: Int, by c: NamedConstant) -> Int {
        append(.multiplyConstant(c), [a], Self.product(r(a), c.value...c.value))
    }
    public mutating func multiply(_ a: Int, _ b: Int) -> Int {
        append(.multiply, [a, b], Self.product(r(a), r(b)))
    }
    public mutating func shiftLeft(_ a: Int, _ n: Int) -> Int {
        append(.shiftLeft(n), [a], Self.product(r(a), (1 << n)...(1 << n)))
    }
    public mutating func shiftRight(_ a: Int, _ n: Int) -> Int {
        append(.shiftRight(n), [a], (r(a).lowerBound >> n)...(r(a).upperBound >> n))
    }
    public mutating func shiftRight(_ a: Int, by s: Int) -> Int {
        // floor(x / 2^s) is monotone in x and moves toward 0 (or −1) as s grows: the extremes are at the ends.
        let x = r(a), sh = r(s)
        let c = [x.lowerBound >> sh.lowerBound, x.lowerBound >> sh.upperBound,
                 x.upperBound >> sh.lowerBound, x.upperBound >> sh.upperBound]
        return append(.shiftRightVariable, [a, s], c.min()!...c.max()!)
    }
    public mutating func magnitude(_ a: Int) -> Int {
        let x = r(a)
        let lo = x.contains(0) ? 0 : min(abs(x.lowerBound), abs(x.upperBound))
        return append(.magnitude, [a], lo...max(abs(x.lowerBound), abs(x.upperBound)))
    }
    public mutating func applySign(of s: Int, to m: Int) -> Int {
        let x = r(m)
        let canBeNegative = r(s).lowerBound < 0, canBePositive = r(s).upperBound >= 0
        let lo = canBeNegative ? min(-x.upperBound, canBePositive ? x.lowerBound : -x.upperBound) : x.lowerBound
        let hi = canBePositive ? max(x.upperBound, canBeNegative ? -x.lowerBound : x.upperBound) : -x.lowerBound
        return append(.applySign, [s, m], lo...hi)
    }
    public mutating func register(_ a: Int, _ reg: Register) -> Int {
        let spec = config.spec(reg)
        let x = r(a)
        guard let bounds = spec.bounds(unsigned: reg.isUnsigned) else {
            return append(.register(reg, spec), [a], x)
        }
        let fits = x.lowerBound >= bounds.lowerBound && x.upperBound <= bounds.upperBound
        let range: ClosedRange<Int>
        if fits {
            range = x
        } else if spec.overflow == .saturate {
            range = x.lowerBound.clamped(to: bounds)...x.upperBound.clamped(to: bounds)
        } else {
            range = bounds
        }
        return append(.register(reg, spec), [a], range, mayOverflow: !fits)
    }
}

extension Comparable {
    @inlinable func clamped(to r: ClosedRange<Self>) -> Self { min(max(self, r.lowerBound), r.upperBound) }
}
