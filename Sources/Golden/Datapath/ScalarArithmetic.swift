/// Whether an evaluation records the min and max seen at every register (the overflow report a
/// designer reads), or only counts overflows where the value ranges say one can happen.
public protocol RangeTracking {
    static var tracksRanges: Bool { get }
    /// What `LaneArithmetic` keeps per register besides its overflow count: nothing, or the extremes
    /// per lane. A type, not a flag, so that an evaluation that does not track carries no storage
    /// for it (the lane evaluator's state is copied in and out of every pass).
    associatedtype LaneExtremes: LaneExtremesStorage
}
public enum TrackRanges: RangeTracking {
    public static let tracksRanges = true
    public typealias LaneExtremes = LaneMinMax
}
public enum CountOverflowsOnly: RangeTracking {
    public static let tracksRanges = false
    public typealias LaneExtremes = NoLaneExtremes
}

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

/// One register inside `ScalarArithmetic`: its format and what it has seen.
@usableFromInline
struct RegisterState {
    @usableFromInline enum Narrowing { case none, saturate, wrap }
    @usableFromInline var narrowing: Narrowing
    /// False when the value ranges prove nothing outside the format can arrive.
    @usableFromInline var mayOverflow: Bool
    @usableFromInline var lo: Int, hi: Int
    /// Wrapping to W bits is (x << s) >> s with s = 64 − W.
    @usableFromInline var wrapShift: Int
    @usableFromInline var minSeen = Int.max, maxSeen = Int.min, overflows = 0

    init(spec: RegisterSpec, unsigned: Bool, mayOverflow: Bool) {
        let bounds = spec.bounds(unsigned: unsigned)
        narrowing = bounds == nil ? .none : (spec.overflow == .saturate ? .saturate : .wrap)
        self.mayOverflow = mayOverflow && bounds != nil
        lo = bounds?.lowerBound ?? .min
        hi = bounds?.upperBound ?? .max
        wrapShift = 64 - (spec.bits ?? 64)
    }

    @inlinable @inline(__always)
    mutating func fit<T: RangeTracking>(_ a: Int, _: T.Type) -> Int {
        if T.tracksRanges {
            minSeen = Swift.min(minSeen, a)
            maxSeen = Swift.max(maxSeen, a)
        }
        guard mayOverflow else { return a }
        let y = narrowing == .saturate ? Swift.min(Swift.max(a, lo), hi) : (a &<< wrapShift) &>> wrapShift
        if y != a { overflows &+= 1 }
        return y
    }
}

/// Evaluates the datapath on integers: the generic kernels specialize to straight-line integer code
/// (what libjpeg's C compiles to). Every operation is exact in 64 bits — `KernelGraphs` proves each
/// value fits in 62 — and only `register` narrows.
public struct ScalarArithmetic<T: RangeTracking>: DatapathArithmetic {
    public typealias Value = Int
    /// One slot per register, indexed by `Register.index`.
    @usableFromInline var slots: RegisterSlots<RegisterState>

    public init(config: DatapathConfig, mayOverflow: Set<Register>) {
        slots = RegisterSlots { i in
            let r = Register.all[i]
            return RegisterState(spec: config.spec(r), unsigned: r.isUnsigned, mayOverflow: mayOverflow.contains(r))
        }
    }

    @inlinable @inline(__always) public func add(_ a: Int, _ b: Int) -> Int { a &+ b }
    @inlinable @inline(__always) public func subtract(_ a: Int, _ b: Int) -> Int { a &- b }
    @inlinable @inline(__always) public func add(_ a: Int, constant k: Int) -> Int { a &+ k }
    @inlinable @inline(__always) public func multiply(_ a: Int, by c: NamedConstant) -> Int { a &* c.value }
    @inlinable @inline(__always) public func multiply(_ a: Int, _ b: Int) -> Int { a &* b }
    @inlinable @inline(__always) public func shiftLeft(_ a: Int, _ n: Int) -> Int { a &<< n }
    @inlinable @inline(__always) public func shiftRight(_ a: Int, _ n: Int) -> Int { a &>> n }
    @inlinable @inline(__always) public func shiftRight(_ a: Int, by s: Int) -> Int { a &>> s }
    @inlinable @inline(__always) public func magnitude(_ a: Int) -> Int { a < 0 ? 0 &- a : a }
    @inlinable @inline(__always) public func applySign(of s: Int, to m: Int) -> Int { s < 0 ? 0 &- m : m }

    @inlinable @inline(__always)
    public mutating func register(_ a: Int, _ r: Register) -> Int {
        slots[r.index].fit(a, T.self)
    }

    /// Adds this evaluation's observations into `report`.
    public func accumulate(into report: inout OverflowReport) {
        for r in Register.all {
            let reg = slots[r.index]
            let reached = reg.minSeen <= reg.maxSeen
            report.add(r, overflows: reg.overflows,
                       minimum: reached ? reg.minSeen : nil, maximum: reached ? reg.maxSeen : nil)
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
        for r in Register.all {
            add(r, overflows: other.overflows[r] ?? 0, minimum: other.minimum[r], maximum: other.maximum[r])
        }
    }

    public var totalOverflows: Int { overflows.values.reduce(0, +) }

    /// One row per register that the run used.
    public func statistics(config: DatapathConfig, graphs: KernelGraphs) -> [RegisterStatistics] {
        let risky = graphs.registersThatMayOverflow
        return Register.all.compactMap { r in
            if r == .rangeIndex && config.rangeLimit != .libjpegTable { return nil }
            guard (overflows[r] ?? 0) > 0 || minimum[r] != nil else { return nil }
            let spec = config.spec(r)
            let format = spec.bits.map { "\($0)-bit \(r.isUnsigned ? "unsigned " : "")\(spec.overflow.rawValue)" }
                ?? "full precision"
            return RegisterStatistics(register: r.description, overflows: overflows[r] ?? 0,
                                      minimum: minimum[r], maximum: maximum[r],
                                      canOverflow: risky.contains(r), format: format)
        }
    }
}
