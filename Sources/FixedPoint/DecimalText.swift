/// Exact decimal text of binary fractions m · 2^-F, every digit: m · 2^-F = m · 5^F / 10^F, so the
/// digits of m · 5^F with the point F places from the right (or of m · 2^-F when F ≤ 0).
struct BinaryFraction {
    var isNegative: Bool
    var magnitude: BigNatural
    var fractionBits: Int

    init(_ value: Int129, fractionBits: Int) {
        isNegative = value.isNegative
        magnitude = BigNatural(value.isNegative ? 0 &- value.low : value.low)
        self.fractionBits = fractionBits
    }

    /// The exact value of a finite double.
    init(_ x: Double) {
        isNegative = x.sign == .minus
        let subnormal = x.exponentBitPattern == 0
        magnitude = BigNatural(UInt128(x.significandBitPattern | (subnormal ? 0 : 1 << 52)))
        fractionBits = 1074 - max(Int(x.exponentBitPattern), 1) + 1
    }

    /// self − other, exactly.
    func subtracting(_ other: BinaryFraction) -> BinaryFraction {
        let f = max(fractionBits, other.fractionBits)
        let a = magnitude.shiftedLeft(by: f - fractionBits)
        let b = other.magnitude.shiftedLeft(by: f - other.fractionBits)
        if isNegative != other.isNegative {       // |a| + |b|, with a's sign
            return BinaryFraction(isNegative: isNegative, magnitude: a.adding(b), fractionBits: f)
        }
        let aIsLarger = !(a < b)
        return BinaryFraction(isNegative: aIsLarger ? isNegative : !isNegative,
                              magnitude: aIsLarger ? a.subtracting(b) : b.subtracting(a), fractionBits: f)
    }

    private init(isNegative: Bool, magnitude: BigNatural, fractionBits: Int) {
        self.isNegative = isNegative
        self.magnitude = magnitude
        self.fractionBits = fractionBits
    }

    var decimalText: String {
        if magnitude.isZero { return "0" }
        let sign = isNegative ? "-" : ""
        if fractionBits <= 0 { return sign + magnitude.shiftedLeft(by: -fractionBits).decimalDigits }
        var digits = magnitude.multiplied(byPowerOfFive: fractionBits).decimalDigits
        if digits.count <= fractionBits {
            digits = String(repeating: "0", count: fractionBits + 1 - digits.count) + digits
        }
        let point = digits.index(digits.endIndex, offsetBy: -fractionBits)
        let fraction = digits[point...].reversed().drop(while: { $0 == "0" }).reversed()
        return sign + digits[..<point] + (fraction.isEmpty ? "" : "." + String(fraction))
    }
}

/// A natural number of any size, little-endian base-2^32 limbs, for decimal text only.
struct BigNatural: Comparable {
    private var limbs: [UInt32]      // no high zero limbs; empty for 0

    init(_ value: UInt128) {
        limbs = []
        var v = value
        while v != 0 {
            limbs.append(UInt32(truncatingIfNeeded: v))
            v >>= 32
        }
    }

    private init(limbs: [UInt32]) {
        self.limbs = limbs
        while self.limbs.last == 0 { self.limbs.removeLast() }
    }

    var isZero: Bool { limbs.isEmpty }

    static func < (a: BigNatural, b: BigNatural) -> Bool {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
        for i in a.limbs.indices.reversed() where a.limbs[i] != b.limbs[i] { return a.limbs[i] < b.limbs[i] }
        return false
    }

    func shiftedLeft(by k: Int) -> BigNatural {
        if k == 0 || isZero { return self }
        var out = [UInt32](repeating: 0, count: k / 32)
        var carry: UInt64 = 0
        for limb in limbs {
            let v = UInt64(limb) << (k % 32) | carry
            out.append(UInt32(truncatingIfNeeded: v))
            carry = v >> 32
        }
        out.append(UInt32(carry))
        return BigNatural(limbs: out)
    }

    func adding(_ other: BigNatural) -> BigNatural {
        var out: [UInt32] = []
        var carry: UInt64 = 0
        for i in 0..<max(limbs.count, other.limbs.count) {
            let v = UInt64(i < limbs.count ? limbs[i] : 0) + UInt64(i < other.limbs.count ? other.limbs[i] : 0) + carry
            out.append(UInt32(truncatingIfNeeded: v))
            carry = v >> 32
        }
        out.append(UInt32(carry))
        return BigNatural(limbs: out)
    }

    /// self − other, for other ≤ self.
    func subtracting(_ other: BigNatural) -> BigNatural {
        var out: [UInt32] = []
        var borrow: Int64 = 0
        for i in limbs.indices {
            var v = Int64(limbs[i]) - Int64(i < other.limbs.count ? other.limbs[i] : 0) - borrow
            borrow = v < 0 ? 1 : 0
            if v < 0 { v += 1 << 32 }
            out.append(UInt32(v))
        }
        return BigNatural(limbs: out)
    }

    func multiplied(by factor: UInt32) -> BigNatural {
        var out: [UInt32] = []
        var carry: UInt64 = 0
        for limb in limbs {
            let v = UInt64(limb) * UInt64(factor) + carry
            out.append(UInt32(truncatingIfNeeded: v))
            carry = v >> 32
        }
        out.append(UInt32(carry))
        return BigNatural(limbs: out)
    }

    /// self · 5^k, thirteen factors of 5 at a time (5^13 < 2^32).
    func multiplied(byPowerOfFive k: Int) -> BigNatural {
        var result = self
        for _ in 0..<(k / 13) { result = result.multiplied(by: 1_220_703_125) }
        var rest: UInt32 = 1
        for _ in 0..<(k % 13) { rest *= 5 }
        return result.multiplied(by: rest)
    }

    /// Base-10 digits, most significant first ("0" for zero).
    var decimalDigits: String {
        var chunks: [UInt32] = []        // base 10^9, least significant first
        var rest = limbs
        while !rest.isEmpty {
            var remainder: UInt64 = 0
            for i in rest.indices.reversed() {
                let v = remainder << 32 | UInt64(rest[i])
                rest[i] = UInt32(v / 1_000_000_000)
                remainder = v % 1_000_000_000
            }
            while rest.last == 0 { rest.removeLast() }
            chunks.append(UInt32(remainder))
        }
        guard let top = chunks.last else { return "0" }
        return String(top) + chunks.dropLast().reversed().map { chunk in
            let s = String(chunk)
            return String(repeating: "0", count: 9 - s.count) + s
        }.joined()
    }
}
