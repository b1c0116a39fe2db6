/// A number of a `FixedFormat`: the format and its W stored bits, bit for bit what the C++ object holds.
///
/// Arithmetic is full precision with ap_fixed's result types (see `FixedValue+Arithmetic`); rounding
/// and overflow happen only in the conversions below, as in C++ construction and assignment.
public struct FixedValue: Sendable {
    public let format: FixedFormat
    /// The W stored bits (two's complement when signed); the bits above W are 0.
    public let bits: UInt128

    /// The value whose stored bits are the low W bits of `bits` (a reinterpretation, like setting `.V`).
    @inlinable
    public init(bits: UInt128, format: FixedFormat) {
        self.format = format
        self.bits = bits & (UInt128.max &>> (128 - format.width))
    }

    /// The value whose stored integer is `raw` wrapped to W bits: `raw · 2^-F` when it fits.
    @inlinable
    public init(raw: Int128, format: FixedFormat) {
        self.init(bits: UInt128(bitPattern: raw), format: format)
    }

    /// `format`'s conversion of a double, as `ap_fixed<...> v = x;` does it.
    @inlinable
    public init(_ x: Double, as format: FixedFormat) {
        self = Self.converting(x, to: format).value
    }

    /// `format`'s conversion of another value, as `ap_fixed<...> v = other;` does it.
    public init(_ other: FixedValue, as format: FixedFormat) {
        self = Self.converting(other, to: format).value
    }

    /// `format`'s conversion of an integer, as `ap_fixed<...> v = n;` does it.
    public init(_ n: Int, as format: FixedFormat) {
        self = Self.converting(exact: Int129(n), fractionBits: 0, to: format).value
    }

    /// The conversion of a double, and whether overflow handling changed the rounded value.
    ///
    /// The double's exact value is rounded once. Following the headers, the exponent field is always
    /// read with the hidden bit set: a subnormal d counts as (2^52 + mantissa) · 2^−1075 (not
    /// mantissa · 2^−1074), and ±∞ as ±2^1024 (NaN likewise from its payload). Zero of either sign is 0.
    @inlinable
    public static func converting(_ x: Double, to format: FixedFormat) -> (value: FixedValue, overflowed: Bool) {
        guard x != 0 else { return (FixedValue(bits: 0, format: format), false) }
        let significand = Int(x.significandBitPattern | 1 << 52)
        let a = x.sign == .minus ? -significand : significand
        let fractionBits = 1075 - Int(x.exponentBitPattern)
        if format.fitsInt {
            let (raw, overflowed) = format.fit(raw: a, fractionBits: fractionBits)
            return (FixedValue(raw: Int128(raw), format: format), overflowed)
        }
        return converting(exact: Int129(a), fractionBits: fractionBits, to: format)
    }

    /// The conversion of another value, and whether overflow handling changed the rounded value.
    public static func converting(_ other: FixedValue, to format: FixedFormat) -> (value: FixedValue, overflowed: Bool) {
        if other.format.fitsInt && format.fitsInt {
            let raw = Int(pattern: UInt(truncatingIfNeeded: other.bits), width: other.format.width,
                          signed: other.format.isSigned)
            let (placed, overflowed) = format.fit(raw: raw, fractionBits: other.format.fractionBits)
            return (FixedValue(raw: Int128(placed), format: format), overflowed)
        }
        return converting(exact: other.exact, fractionBits: other.format.fractionBits, to: format)
    }

    @usableFromInline
    static func converting(exact a: Int129, fractionBits: Int, to format: FixedFormat) -> (value: FixedValue, overflowed: Bool) {
        let (placed, overflowed) = format.place(a, fractionBits: fractionBits, min: format.exactMin, max: format.exactMax)
        return (FixedValue(bits: placed.low, format: format), overflowed)
    }

    /// The stored integer, `value · 2^F`, exactly.
    @inlinable var exact: Int129 { Int129(pattern: bits, width: format.width, signed: format.isSigned) }

    /// The stored integer (value · 2^F), sign-extended; nil only for an ap_ufixed<128> of 2^127 or more.
    public var raw: Int128? {
        let e = exact
        return e.low >> 127 == 0 || e.isNegative ? Int128(bitPattern: e.low) : nil
    }

    public var isNegative: Bool { format.isSigned && bits >> (format.width - 1) != 0 }
    public var isZero: Bool { bits == 0 }

    /// The stored bits as W binary digits, most significant first.
    public var binaryText: String { digits(radix: 2, count: format.width) }
    /// The stored bits as ⌈W/4⌉ hexadecimal digits (lower case), most significant first.
    public var hexText: String { digits(radix: 16, count: (format.width + 3) / 4) }

    private func digits(radix: Int, count: Int) -> String {
        let text = String(bits, radix: radix)
        return String(repeating: "0", count: max(0, count - text.count)) + text
    }
}

extension FixedFormat {
    /// The bounds of the stored integer, for any width.
    var exactMin: Int129 { isSigned ? Int129(pattern: 1 << (width - 1), width: width, signed: true) : .zero }
    var exactMax: Int129 { Int129(UInt128.max >> (128 - width + (isSigned ? 1 : 0))) }
}
