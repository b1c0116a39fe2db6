/// The vocabulary every stage of the codec is written in.
///
/// A stage (the 1-D DCTs, the quantizer, the range limit) is written once, as a generic function over a
/// `DatapathArithmetic`. Evaluated with `ScalarArithmetic` (one block at a time, Int) or `LaneArithmetic`
/// (eight blocks per vector, 32-bit lanes where the traced ranges allow) it *is* the golden model;
/// traced with `DataflowTracer` it becomes a dataflow graph with exact value ranges, which the HLS and
/// Verilog emitters print. Every operation is exact (full precision) except `register`, the only place
/// where a value is narrowed to a configured width, with that width's overflow rule.
public protocol DatapathArithmetic {
    associatedtype Value

    /// a + b, a − b
    mutating func add(_ a: Value, _ b: Value) -> Value
    mutating func subtract(_ a: Value, _ b: Value) -> Value
    /// a + k for a constant integer k
    mutating func add(_ a: Value, constant k: Int) -> Value
    /// a · c for a named constant (a DCT or colour coefficient)
    mutating func multiply(_ a: Value, by c: NamedConstant) -> Value
    /// a · b, both run-time values (quantizer reciprocal, dequantization)
    mutating func multiply(_ a: Value, _ b: Value) -> Value
    /// a · 2^n
    mutating func shiftLeft(_ a: Value, _ n: Int) -> Value
    /// floor(a / 2^n)  (arithmetic shift)
    mutating func shiftRight(_ a: Value, _ n: Int) -> Value
    /// floor(a / 2^s) for a run-time shift s ≥ 0
    mutating func shiftRight(_ a: Value, by s: Value) -> Value
    /// |a|
    mutating func magnitude(_ a: Value) -> Value
    /// s < 0 ? −m : m
    mutating func applySign(of s: Value, to m: Value) -> Value
    /// Narrow to the named register's format (saturate or wrap), and count what did not fit.
    mutating func register(_ a: Value, _ r: Register) -> Value
}

extension DatapathArithmetic {
    /// DESCALE(x, n) = (x + 2^(n−1)) >> n: round half up. n ≤ 0 scales up by 2^−n exactly.
    @inlinable @inline(__always)
    public mutating func descale(_ a: Value, _ n: Int) -> Value {
        if n > 0 { return shiftRight(add(a, constant: 1 &<< (n - 1)), n) }
        if n < 0 { return shiftLeft(a, -n) }
        return a
    }
}

/// A constant multiplier: its value and its name in the maths (e.g. FIX_0_541196100), kept as plain
/// data so that passing one around costs nothing in the golden model's inner loops.
public struct NamedConstant: Hashable, Sendable {
    public var value: Int
    public var symbol: Symbol
    public var negated: Bool

    /// The libjpeg islow constants, FIX(x) for the x in the name.
    public enum Symbol: String, Sendable, CaseIterable {
        case FIX_0_298631336, FIX_0_390180644, FIX_0_541196100, FIX_0_765366865, FIX_0_899976223
        case FIX_1_175875602, FIX_1_501321110, FIX_1_847759065, FIX_1_961570560, FIX_2_053119869
        case FIX_2_562915447, FIX_3_072711026
    }

    public init(_ symbol: Symbol, _ value: Int, negated: Bool = false) {
        self.symbol = symbol
        self.value = negated ? -value : value
        self.negated = negated
    }

    /// −c, named as such.
    public var negative: NamedConstant { NamedConstant(symbol, negated ? -value : value, negated: !negated) }
    /// "FIX_0_541196100" or "-FIX_0_899976223".
    public var name: String { (negated ? "-" : "") + symbol.rawValue }
}

/// Eight values: one row or column of an 8×8 block, or the eight outputs of a 1-D transform.
public struct Octet<Value> {
    public var v0, v1, v2, v3, v4, v5, v6, v7: Value

    @inlinable
    public init(_ v0: Value, _ v1: Value, _ v2: Value, _ v3: Value,
                _ v4: Value, _ v5: Value, _ v6: Value, _ v7: Value) {
        (self.v0, self.v1, self.v2, self.v3, self.v4, self.v5, self.v6, self.v7) = (v0, v1, v2, v3, v4, v5, v6, v7)
    }

    @inlinable @inline(__always)
    public init(_ make: (Int) throws -> Value) rethrows {
        self.init(try make(0), try make(1), try make(2), try make(3), try make(4), try make(5), try make(6), try make(7))
    }

    @inlinable
    public subscript(i: Int) -> Value {
        @inline(__always)
        get {
            switch i {
            case 0: return v0
            case 1: return v1
            case 2: return v2
            case 3: return v3
            case 4: return v4
            case 5: return v5
            case 6: return v6
            default: return v7
            }
        }
        @inline(__always)
        set {
            switch i {
            case 0: v0 = newValue
            case 1: v1 = newValue
            case 2: v2 = newValue
            case 3: v3 = newValue
            case 4: v4 = newValue
            case 5: v5 = newValue
            case 6: v6 = newValue
            default: v7 = newValue
            }
        }
    }

    @inlinable
    public var array: [Value] { [v0, v1, v2, v3, v4, v5, v6, v7] }
}
