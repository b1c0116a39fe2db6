/// Whether an evaluation records the min and max seen at every register (the overflow report a
/// designer reads), or only counts overflows where the value ranges say one can happen.
public protocol RangeTracking { static var tracksRanges: Bool { get } }
public enum TrackRanges: RangeTracking { public static let tracksRanges = true }
public enum CountOverflowsOnly: RangeTracking { public static let tracksRanges = false }

/// What one register saw during an evaluation.
public struct RegisterStatistics: Sendable, Codable, Hashable {
    public var register: String
    /// Values that did not fit the register's format (saturated or wrapped).
    public var overflows: Int
    /// Smallest and largest value that arrived, before narrowing (nil when not tracked or never reached).
    public var minimum: Int?
    public var maximum: Int?
    /// Whether the value ranges allow an overflow at all (if false, `overflows` is 0 by proof).
    public var canOverflow: Bool
    /// The register's format, e.g. "16-bit wrap", "full precision".
    public var format: String
}

/// The narrowing state of one register inside `LaneArithmetic`.
@usableFromInline
struct LaneRegister<V: SIMD> where V.Scalar: FixedWidthInteger & SignedInteger {
    @usableFromInline enum Narrowing { case none, saturate, wrap }
    @usableFromInline var narrowing: Narrowing
    @usableFromInline var mayOverflow: Bool
    @usableFromInline var lo: V, hi: V
    /// Wrapping to W bits is (x << s) >> s with s = lane bits − W.
    @usableFromInline var wrapShift: V
    @usableFromInline var minSeen: V, maxSeen: V, overflows: V
    @usableFromInline var reached: Bool

    init(spec: RegisterSpec, unsigned: Bool, mayOverflow: Bool) {
        let bounds = spec.bounds(unsigned: unsigned)
        narrowing = bounds == nil ? .none : (spec.overflow == .saturate ? .saturate : .wrap)
        self.mayOverflow = mayOverflow && bounds != nil
        lo = V(repeating: V.Scalar(truncatingIfNeeded: bounds?.lowerBound ?? 0))
        hi = V(repeating: V.Scalar(truncatingIfNeeded: bounds?.upperBound ?? 0))
        wrapShift = V(repeating: V.Scalar(truncatingIfNeeded: V.Scalar.bitWidth - (spec.bits ?? V.Scalar.bitWidth)))
        minSeen = V(repeating: V.Scalar.max)
        maxSeen = V(repeating: V.Scalar.min)
        overflows = .zero
        reached = false
    }

    @inlinable @inline(__always)
    mutating func fit<T: RangeTracking>(_ a: V, valid: V, _: T.Type) -> V {
        if T.tracksRanges {
            minSeen = pointwiseMin(minSeen, a)
            maxSeen = pointwiseMax(maxSeen, a)
            reached = true
        }
        guard mayOverflow else { return a }
        let y: V
        switch narrowing {
        case .none: return a
        case .saturate: y = pointwiseMin(pointwiseMax(a, lo), hi)
        case .wrap: y = (a &<< wrapShift) &>> wrapShift
        }
        overflows &+= V.zero.replacing(with: valid, where: a .!= y)
        return y
    }
}

/// Evaluates the datapath on SIMD vectors: lane i holds the same signal of block i of a batch, so the
/// generic kernels run unchanged, eight blocks at a time, with no transposes. The lane type is chosen
/// from the dataflow ranges (Int32 when every value fits, else Int64), so results are exact.
public struct LaneArithmetic<V: SIMD, T: RangeTracking>: DatapathArithmetic
where V.Scalar: FixedWidthInteger & SignedInteger {
    public typealias Value = V
    @usableFromInline var r0, r1, r2, r3, r4, r5, r6, r7: LaneRegister<V>
    /// 1 in lanes holding a real block, 0 in padding lanes (which copy a real block).
    public var valid: V = V(repeating: 1)

    public init(config: DatapathConfig, mayOverflow: Set<Register>) {
        func make(_ r: Register) -> LaneRegister<V> {
            LaneRegister(spec: config.spec(r), unsigned: r.isUnsigned, mayOverflow: mayOverflow.contains(r))
        }
        precondition(Register.allCases.count == 8)
        (r0, r1, r2, r3) = (make(.fdctWorkspace), make(.fdctOutput), make(.quantized), make(.dequantized))
        (r4, r5, r6, r7) = (make(.idctWorkspace), make(.idctOutput), make(.rangeIndex), make(.sample))
    }

    @inlinable @inline(__always) public func add(_ a: V, _ b: V) -> V { a &+ b }
    @inlinable @inline(__always) public func subtract(_ a: V, _ b: V) -> V { a &- b }
    @inlinable @inline(__always) public func add(_ a: V, constant k: Int) -> V {
        a &+ V(repeating: V.Scalar(truncatingIfNeeded: k))
    }
    @inlinable @inline(__always) public func multiply(_ a: V, by c: NamedConstant) -> V {
        a &* V(repeating: V.Scalar(truncatingIfNeeded: c.value))
    }
    @inlinable @inline(__always) public func multiply(_ a: V, _ b: V) -> V { a &* b }
    @inlinable @inline(__always) public func shiftLeft(_ a: V, _ n: Int) -> V { a &<< V.Scalar(truncatingIfNeeded: n) }
    @inlinable @inline(__always) public func shiftRight(_ a: V, _ n: Int) -> V { a &>> V.Scalar(truncatingIfNeeded: n) }
    @inlinable @inline(__always) public func shiftRight(_ a: V, by s: V) -> V { a &>> s }
    @inlinable @inline(__always) public func magnitude(_ a: V) -> V { a.replacing(with: .zero &- a, where: a .< .zero) }
    @inlinable @inline(__always) public func applySign(of s: V, to m: V) -> V {
        m.replacing(with: .zero &- m, where: s .< .zero)
    }

    @inlinable @inline(__always)
    public mutating func register(_ a: V, _ r: Register) -> V {
        switch r {
        case .fdctWorkspace: return r0.fit(a, valid: valid, T.self)
        case .fdctOutput: return r1.fit(a, valid: valid, T.self)
        case .quantized: return r2.fit(a, valid: valid, T.self)
        case .dequantized: return r3.fit(a, valid: valid, T.self)
        case .idctWorkspace: return r4.fit(a, valid: valid, T.self)
        case .idctOutput: return r5.fit(a, valid: valid, T.self)
        case .rangeIndex: return r6.fit(a, valid: valid, T.self)
        case .sample: return r7.fit(a, valid: valid, T.self)
        }
    }

    /// Adds this evaluation's observations into `report`.
    public func accumulate(into report: inout OverflowReport) {
        let all = [r0, r1, r2, r3, r4, r5, r6, r7]
        for (i, reg) in all.enumerated() {
            let r = Register(rawValue: i)!
            var overflowCount = 0
            for lane in 0..<V.scalarCount { overflowCount += Int(reg.overflows[lane]) }
            var mn: Int? = nil, mx: Int? = nil
            if reg.reached {
                mn = (0..<V.scalarCount).map { Int(reg.minSeen[$0]) }.min()
                mx = (0..<V.scalarCount).map { Int(reg.maxSeen[$0]) }.max()
            }
            report.add(r, overflows: overflowCount, minimum: mn, maximum: mx)
        }
    }
}

/// Per-register overflow counts and value ranges over a whole run.
public struct OverflowReport: Sendable {
    public private(set) var overflows: [Register: Int] = [:]
    public private(set) var minimum: [Register: Int] = [:]
    public private(set) var maximum: [Register: Int] = [:]

    public init() {}

    public mutating func add(_ r: Register, overflows n: Int, minimum mn: Int?, maximum mx: Int?) {
        overflows[r, default: 0] += n
        if let mn { minimum[r] = Swift.min(minimum[r] ?? mn, mn) }
        if let mx { maximum[r] = Swift.max(maximum[r] ?? mx, mx) }
    }

    public mutating func merge(_ other: OverflowReport) {
        for r in Register.allCases {
            add(r, overflows: other.overflows[r] ?? 0, minimum: other.minimum[r], maximum: other.maximum[r])
        }
    }

    public var totalOverflows: Int { overflows.values.reduce(0, +) }

    /// One row per register that the run used.
    public func statistics(config: DatapathConfig, graphs: KernelGraphs) -> [RegisterStatistics] {
        let risky = graphs.registersThatMayOverflow
        return Register.allCases.compactMap { r in
            if r == .rangeIndex && config.rangeLimit != .libjpegTable { return nil }
            guard overflows[r] != nil || minimum[r] != nil else { return nil }
            let spec = config.spec(r)
            let format = spec.bits.map { "\($0)-bit \(r.isUnsigned ? "unsigned " : "")\(spec.overflow.rawValue)" }
                ?? "full precision"
            return RegisterStatistics(register: r.description, overflows: overflows[r] ?? 0,
                                      minimum: minimum[r], maximum: maximum[r],
                                      canOverflow: risky.contains(r), format: format)
        }
    }
}
