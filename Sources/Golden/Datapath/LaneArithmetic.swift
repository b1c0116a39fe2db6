import CLanes

/// The vector the lane evaluator works on: lane i holds one signal of block i of a batch of eight.
public typealias LaneVector = SIMD8<Int32>

/// Evaluates the datapath on `LaneVector`s: lane i carries block i of a batch, so the generic kernels
/// run unchanged, eight blocks at a time, in 32-bit integer lanes (the width libjpeg-turbo's SIMD code
/// computes in). This is exact only where every signal fits in 32 bits: the batch drivers
/// (`BlockCodec`, BlockLanes.swift) check each batch against `LaneBounds`, derived from the traced
/// value ranges, and send a batch that could leave 32 bits to `ScalarArithmetic` instead. Results
/// are therefore those of `ScalarArithmetic`, bit for bit; the block tests hold it to that.
/// The vector operations live in the C target CLanes, where each stays one or two instructions.
public struct LaneArithmetic<T: RangeTracking>: DatapathArithmetic {
    public typealias Value = LaneVector
    /// Bits of a lane.
    public static var laneBits: Int { 32 }

    /// One slot per register, indexed by `Register.index`.
    @usableFromInline var slots: RegisterSlots<LaneRegister<T.LaneExtremes>>

    public init(config: DatapathConfig, mayOverflow: Set<Register>) {
        slots = RegisterSlots { i in
            let r = Register.all[i]
            return LaneRegister(spec: config.spec(r), unsigned: r.isUnsigned, mayOverflow: mayOverflow.contains(r))
        }
    }

    @inlinable @inline(__always) public func add(_ a: LaneVector, _ b: LaneVector) -> LaneVector { fx_add(a, b) }
    @inlinable @inline(__always) public func subtract(_ a: LaneVector, _ b: LaneVector) -> LaneVector { fx_sub(a, b) }
    @inlinable @inline(__always) public func add(_ a: LaneVector, constant k: Int) -> LaneVector {
        fx_add_scalar(a, Int32(truncatingIfNeeded: k))
    }
    @inlinable @inline(__always) public func multiply(_ a: LaneVector, by c: NamedConstant) -> LaneVector {
        fx_mul_scalar(a, Int32(truncatingIfNeeded: c.value))
    }
    @inlinable @inline(__always) public func multiply(_ a: LaneVector, _ b: LaneVector) -> LaneVector { fx_mul(a, b) }
    @inlinable @inline(__always) public func shiftLeft(_ a: LaneVector, _ n: Int) -> LaneVector {
        fx_shl(a, Int32(truncatingIfNeeded: n))
    }
    @inlinable @inline(__always) public func shiftRight(_ a: LaneVector, _ n: Int) -> LaneVector {
        fx_sra(a, Int32(truncatingIfNeeded: Swift.min(n, 31)))
    }
    @inlinable @inline(__always) public func shiftRight(_ a: LaneVector, by s: LaneVector) -> LaneVector {
        fx_sra_by(a, s)
    }
    @inlinable @inline(__always) public func magnitude(_ a: LaneVector) -> LaneVector { fx_abs(a) }
    @inlinable @inline(__always) public func applySign(of s: LaneVector, to m: LaneVector) -> LaneVector {
        fx_apply_sign(s, m)
    }

    @inlinable @inline(__always)
    public mutating func register(_ a: LaneVector, _ r: Register) -> LaneVector {
        slots[r.index].fit(a)
    }

    /// Adds this evaluation's observations, summed over the lanes, into `report`.
    public func accumulate(into report: inout OverflowReport) {
        for r in Register.all {
            let reg = slots[r.index]
            let lanes = 0..<LaneVector.scalarCount
            let extremes = reg.extremes.seen
            report.add(r, overflows: lanes.reduce(0) { $0 + Int(reg.overflows[$1]) },
                       minimum: extremes?.min, maximum: extremes?.max)
        }
    }
}

/// One register inside `LaneArithmetic`: its format and what its lanes have seen.
@usableFromInline
struct LaneRegister<Extremes: LaneExtremesStorage> {
    @usableFromInline enum Narrowing { case none, saturate, wrap }
    @usableFromInline var narrowing: Narrowing
    /// False when the value ranges prove nothing outside the format can arrive, or when the format is
    /// 32 bits or wider (a lane never holds more).
    @usableFromInline var mayOverflow: Bool
    @usableFromInline var lo: Int32, hi: Int32
    /// Wrapping to W bits is (x << s) >> s with s = 32 − W.
    @usableFromInline var wrapShift: Int32
    @usableFromInline var overflows = LaneVector.zero
    @usableFromInline var extremes = Extremes()

    init(spec: RegisterSpec, unsigned: Bool, mayOverflow: Bool) {
        let bounds = spec.bounds(unsigned: unsigned)
        narrowing = bounds == nil ? .none : (spec.overflow == .saturate ? .saturate : .wrap)
        let bits = spec.bits ?? 64
        // An unsigned register only saturates (the sample register); a wrap of 32 bits or more is the
        // identity on lanes whose values the batch guards keep within 32 bits.
        precondition(!(unsigned && narrowing == .wrap), "unsigned registers saturate")
        self.mayOverflow = mayOverflow && bounds != nil && (narrowing == .saturate || bits < 32)
        lo = Int32(clamping: bounds?.lowerBound ?? 0)
        hi = Int32(clamping: bounds?.upperBound ?? 0)
        wrapShift = Int32(32 - Swift.min(bits, 32))
    }

    @inlinable @inline(__always)
    mutating func fit(_ a: LaneVector) -> LaneVector {
        extremes.include(a)
        guard mayOverflow else { return a }
        let y = narrowing == .saturate ? fx_clamp(a, lo, hi) : fx_wrap(a, wrapShift)
        overflows = fx_count_changed(overflows, y, a)
        return y
    }
}

/// The extremes a lane evaluation keeps per register (see `RangeTracking.LaneExtremes`).
public protocol LaneExtremesStorage {
    init()
    /// Note the values of one evaluation, lane by lane.
    mutating func include(_ v: LaneVector)
    /// The smallest and largest value seen over all lanes; nil when none arrived or none are kept.
    var seen: (min: Int, max: Int)? { get }
}

/// Keeps nothing: the evaluation only counts overflows.
public struct NoLaneExtremes: LaneExtremesStorage {
    public init() {}
    @inlinable @inline(__always) public mutating func include(_ v: LaneVector) {}
    public var seen: (min: Int, max: Int)? { nil }
}

/// The smallest and largest value per lane.
public struct LaneMinMax: LaneExtremesStorage {
    @usableFromInline var minSeen = LaneVector(repeating: .max), maxSeen = LaneVector(repeating: .min)
    public init() {}
    @inlinable @inline(__always) public mutating func include(_ v: LaneVector) {
        minSeen = fx_min(minSeen, v)
        maxSeen = fx_max(maxSeen, v)
    }
    public var seen: (min: Int, max: Int)? {
        let lanes = 0..<LaneVector.scalarCount
        guard lanes.contains(where: { minSeen[$0] <= maxSeen[$0] }) else { return nil }
        return (Int(lanes.map { minSeen[$0] }.min()!), Int(lanes.map { maxSeen[$0] }.max()!))
    }
}
