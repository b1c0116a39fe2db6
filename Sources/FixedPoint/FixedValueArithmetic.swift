// ap_fixed's operators, full precision: each result has its operator's type (ResultFormats.swift) and
// holds the exact answer, except where the headers do otherwise (division, below). Rounding and
// overflow happen only when a result is converted into a narrower type.
//
// A result wider than the model's 128 bits stops the program with the reason, as Swift's own integer
// overflow does; ask `FixedFormat.sumFormat(with:)` etc. first to handle it as an error instead.

extension FixedValue {
    @inlinable
    public static func + (a: FixedValue, b: FixedValue) -> FixedValue {
        let format = fullPrecision { try a.format.sumFormat(with: b.format) }
        return FixedValue(bits: a.aligned(to: format) &+ b.aligned(to: format), format: format)
    }

    @inlinable
    public static func - (a: FixedValue, b: FixedValue) -> FixedValue {
        let format = fullPrecision { try a.format.differenceFormat(with: b.format) }
        return FixedValue(bits: a.aligned(to: format) &- b.aligned(to: format), format: format)
    }

    /// The product is exact: W1 + W2 ≤ 128 bits, so the 128-bit wrapping product is the true one.
    @inlinable
    public static func * (a: FixedValue, b: FixedValue) -> FixedValue {
        let format = fullPrecision { try a.format.productFormat(with: b.format) }
        return FixedValue(bits: a.extended &* b.extended, format: format)
    }

    @inlinable
    public static prefix func - (a: FixedValue) -> FixedValue {
        let format = fullPrecision { try a.format.negationFormat() }
        return FixedValue(bits: 0 &- a.extended, format: format)
    }

    /// The quotient rounded toward zero, keeping the dividend's F1 fraction bits:
    /// raw = trunc(a · 2^max(F2,0) / b).
    ///
    /// Follows the headers where they differ from the exact quotient, because generated C must agree
    /// with them: they divide in W1′ = max(W1 + max(F2,0) + (S2 && !S1), W2 + (S1 && !S2)) bits and
    /// then widen, so a quotient needing W1′ + 1 bits wraps. The known case: ap_fixed<8,4>(−8) /
    /// ap_fixed<6,2>(−0.0625) gives −128 in ap_fixed<13,9>, which could hold the true 128
    /// (ap_int and ac_fixed give 128). Division by zero stops the program, as in C.
    public static func / (a: FixedValue, b: FixedValue) -> FixedValue {
        let format = fullPrecision { try a.format.quotientFormat(dividingBy: b.format) }
        let (s1, s2) = (a.format.isSigned, b.format.isSigned)
        let shift = max(b.format.fractionBits, 0)
        let dividend = a.exact.shiftedLeft(by: shift), divisor = b.exact
        precondition(!b.isZero, "division by zero: \(a) / \(b)")
        let magnitude = dividend.magnitude / divisor.magnitude
        let quotient = dividend.isNegative != divisor.isNegative ? 0 &- magnitude : magnitude
        let workingWidth = max(a.format.width + shift + (s2 && !s1 ? 1 : 0), b.format.width + (s1 && !s2 ? 1 : 0))
        guard workingWidth < 128 else { return FixedValue(bits: quotient, format: format) }
        let working = Int129(pattern: quotient & (UInt128.max >> (128 - workingWidth)),
                             width: workingWidth, signed: s1 || s2)
        return FixedValue(bits: working.low, format: format)
    }

    /// Shifts keep the type: bits shifted out are lost, with no rounding or saturation. A negative
    /// count shifts the other way.
    public static func << (a: FixedValue, count: Int) -> FixedValue {
        if count < 0 { return a >> Int(clamping: count.magnitude) }
        return FixedValue(bits: count >= a.format.width ? 0 : a.bits << count, format: a.format)
    }

    /// Arithmetic for a signed type (the sign fills in), logical for an unsigned one.
    public static func >> (a: FixedValue, count: Int) -> FixedValue {
        if count < 0 { return a << Int(clamping: count.magnitude) }
        return FixedValue(bits: a.exact.shiftedRight(by: count).low, format: a.format)
    }

    /// The stored integer, sign- or zero-extended to 128 bits.
    @inlinable var extended: UInt128 { exact.low }

    /// The stored integer in `format`'s LSB units (format.fractionBits ≥ this one's), modulo 2^128.
    @inlinable func aligned(to format: FixedFormat) -> UInt128 { extended &<< (format.fractionBits - self.format.fractionBits) }

    @inlinable static func fullPrecision(_ resultFormat: () throws -> FixedFormat) -> FixedFormat {
        do { return try resultFormat() } catch { preconditionFailure("\(error)") }
    }
}

// Comparisons are by value, across formats, and exact. (The headers differ for mixed signedness once
// an operand is 32 bits or wider: they then compare as C does, a negative signed value counting as a
// large unsigned one. The cross-check test lists this; generated code should not compare so.)
extension FixedValue: Comparable, Hashable {
    public static func == (a: FixedValue, b: FixedValue) -> Bool { order(a, b) == 0 }
    public static func < (a: FixedValue, b: FixedValue) -> Bool { order(a, b) < 0 }

    /// −1, 0 or 1 as a <, =, > b: both brought to the finer LSB; a value that leaves the 129 bits on
    /// the way is larger in magnitude than any stored one.
    private static func order(_ a: FixedValue, _ b: FixedValue) -> Int {
        func finer(_ x: Int129, by k: Int) -> Int129? {
            let shifted = x.shiftedLeft(by: k)
            return shifted.shiftedRight(by: k) == x ? shifted : nil
        }
        let k = b.format.fractionBits - a.format.fractionBits
        var x = a.exact, y = b.exact
        if k > 0 {
            guard let shifted = finer(x, by: k) else { return x.isNegative ? -1 : 1 }
            x = shifted
        } else if k < 0 {
            guard let shifted = finer(y, by: -k) else { return y.isNegative ? 1 : -1 }
            y = shifted
        }
        return x < y ? -1 : x == y ? 0 : 1
    }

    /// Equal values hash equally whatever their formats: the stored integer without trailing zeros.
    public func hash(into hasher: inout Hasher) {
        let e = exact
        guard e.low != 0 else { return hasher.combine(0) }
        let zeros = e.low.trailingZeroBitCount
        hasher.combine(e.shiftedRight(by: zeros))
        hasher.combine(format.fractionBits - zeros)
    }
}

extension FixedValue: CustomStringConvertible {
    /// The exact value in decimal, every digit (e.g. "-3.140625").
    public var description: String { BinaryFraction(exact, fractionBits: format.fractionBits).decimalText }

    /// self − x exactly, in decimal: the quantization error when self was converted from x (finite).
    public func decimalDifference(from x: Double) -> String {
        precondition(x.isFinite, "decimalDifference(from:) needs a finite double, not \(x)")
        return BinaryFraction(exact, fractionBits: format.fractionBits).subtracting(BinaryFraction(x)).decimalText
    }

    /// The value as a double when it is one exactly, else nil.
    public var exactDouble: Double? {
        let (value, isExact) = nearestDouble()
        return isExact ? value : nil
    }

    /// The nearest double (ties to even); ±∞ beyond the double range.
    public var doubleValue: Double { nearestDouble().value }

    /// Rounds |raw| to a multiple of 2^p, p the lowest bit a double keeps (53 significant bits, none
    /// below 2^−1074), then scales by 2^(p − F), which is exact.
    private func nearestDouble() -> (value: Double, isExact: Bool) {
        let e = exact, m = e.magnitude
        guard m != 0 else { return (0, true) }
        let f = format.fractionBits
        let length = 128 - m.leadingZeroBitCount
        let p = max(length - 53, f - 1074, 0)
        var kept = m >> p
        let dropped = p == 0 ? 0 : m & ((1 << p) &- 1)
        let half: UInt128 = p == 0 ? 0 : 1 << (p - 1)
        if dropped > half || (dropped == half && dropped != 0 && kept & 1 == 1) { kept += 1 }
        let magnitude = Double(sign: .plus, exponent: p - f, significand: Double(kept))
        return (e.isNegative ? -magnitude : magnitude, dropped == 0 && magnitude.isFinite)
    }
}
