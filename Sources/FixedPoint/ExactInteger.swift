/// A two's-complement integer, read as if its sign bit went on forever, that can carry an exact
/// source value through rounding and overflow handling. `Int` serves the fast path; `Int129`
/// holds any stored value of the model (up to an unsigned 128-bit one). Widths are 1...bit width, so
/// the masking shifts (&<<, &>>) below never meet an out-of-range count.
@usableFromInline
protocol ExactInteger: Comparable {
    /// The bit pattern the overflow modes rewrite: at least as wide as any target width used with it.
    associatedtype Pattern: FixedWidthInteger & UnsignedInteger
    static var zero: Self { get }
    var isNegative: Bool { get }
    /// self · 2^k, keeping the low bits when it does not fit (k ≥ 0).
    func shiftedLeft(by k: Int) -> Self
    /// floor(self / 2^k) (k ≥ 0).
    func shiftedRight(by k: Int) -> Self
    /// self + 1, for a value below the type's maximum.
    func incremented() -> Self
    /// Bit `index`; below 0 it is 0, beyond the storage it is the sign.
    func bit(_ index: Int) -> Bool
    /// Whether any of bits 0..<index is 1.
    func hasBits(below index: Int) -> Bool
    /// The low `width` bits.
    func lowBits(_ width: Int) -> Pattern
    /// The integer whose low `width` bits are `pattern`, sign- or zero-extended.
    init(pattern: Pattern, width: Int, signed: Bool)
}

extension Int: ExactInteger {
    @usableFromInline typealias Pattern = UInt

    // Swift's smart shifts give the infinite-precision answer for any k, so no case is special.
    @inlinable var isNegative: Bool { self < 0 }
    @inlinable func shiftedLeft(by k: Int) -> Int { self << k }
    @inlinable func shiftedRight(by k: Int) -> Int { self >> k }
    @inlinable func incremented() -> Int { self &+ 1 }
    @inlinable func bit(_ index: Int) -> Bool { index >= 0 && (self >> index) & 1 != 0 }
    @inlinable func hasBits(below index: Int) -> Bool { index > 0 && self & ((1 << index) &- 1) != 0 }
    @inlinable func lowBits(_ width: Int) -> UInt { UInt(bitPattern: self) & (UInt.max &>> (64 - width)) }
    @inlinable init(pattern: UInt, width: Int, signed: Bool) {
        let unused = 64 - width
        self = signed ? Int(bitPattern: pattern &<< unused) &>> unused : Int(bitPattern: pattern)
    }
}

/// A 129-bit two's-complement integer: the low 128 bits, and one sign bit standing for all the
/// bits above. It holds every stored value the model allows, signed or unsigned, exactly.
@usableFromInline
struct Int129: ExactInteger, Hashable, Sendable {
    @usableFromInline typealias Pattern = UInt128
    @usableFromInline var low: UInt128
    @usableFromInline var isNegative: Bool

    @inlinable init(low: UInt128, isNegative: Bool) {
        self.low = low
        self.isNegative = isNegative
    }

    @inlinable init(_ value: Int128) { self.init(low: UInt128(bitPattern: value), isNegative: value < 0) }
    @inlinable init(_ value: UInt128) { self.init(low: value, isNegative: false) }
    @usableFromInline init(_ value: Int) { self.init(Int128(value)) }

    @usableFromInline static var zero: Int129 { Int129(low: 0, isNegative: false) }

    @usableFromInline static func < (a: Int129, b: Int129) -> Bool {
        a.isNegative != b.isNegative ? a.isNegative : a.low < b.low
    }

    @usableFromInline func shiftedLeft(by k: Int) -> Int129 {
        Int129(low: low << k, isNegative: bit(128 - k))
    }

    @usableFromInline func shiftedRight(by k: Int) -> Int129 {
        let fill: UInt128 = isNegative ? ~(UInt128.max >> k) : 0   // the sign bits that move in
        return Int129(low: (low >> k) | fill, isNegative: isNegative)
    }

    @usableFromInline func incremented() -> Int129 {
        let sum = low &+ 1
        return Int129(low: sum, isNegative: sum == 0 ? !isNegative : isNegative)
    }

    @usableFromInline func bit(_ index: Int) -> Bool {
        if index < 0 { return false }
        return index >= 128 ? isNegative : (low >> index) & 1 != 0
    }

    @usableFromInline func hasBits(below index: Int) -> Bool {
        if index <= 0 { return false }
        if index > 128 { return low != 0 || isNegative }
        return low & ((1 << index) &- 1) != 0
    }

    @usableFromInline func lowBits(_ width: Int) -> UInt128 { low & (UInt128.max &>> (128 - width)) }

    @inlinable init(pattern: UInt128, width: Int, signed: Bool) {
        let unused = 128 - width
        if signed {
            self.init(Int128(bitPattern: pattern &<< unused) &>> unused)
        } else {
            self.init(pattern)
        }
    }

    /// self − other, for a difference that fits.
    func subtracting(_ other: Int129) -> Int129 {
        let (difference, borrow) = low.subtractingReportingOverflow(other.low)
        // The sign bit: isNegative − other.isNegative − borrow, modulo 2.
        return Int129(low: difference, isNegative: (isNegative != other.isNegative) != borrow)
    }

    /// |self| for a value whose magnitude fits 128 bits.
    var magnitude: UInt128 { isNegative ? 0 &- low : low }
}
