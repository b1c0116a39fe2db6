/// The type of an `ap_fixed<W,I,Q,O,N>` or `ap_ufixed<W,I,Q,O,N>` number.
///
/// A stored integer `raw` of `width` bits means the value `raw · 2^-F`, with `F = W − I` fraction
/// bits. `I` may be negative (every bit is below the binary point) or larger than `W` (the LSB
/// weighs more than 1). Rounding (`quantization`) and overflow handling (`overflow`, with
/// `saturationBits` = N) happen only when a value is placed into this type.
public struct FixedFormat: Hashable, Sendable {
    /// W: stored bits, 1...`FixedFormat.maximumWidth`.
    public let width: Int
    /// I: bits above the binary point, the sign bit included; any value in `integerBitsRange`.
    public let integerBits: Int
    public let isSigned: Bool
    public let quantization: Quantization
    public let overflow: Overflow
    /// N: the saturation bits of AP_WRAP and AP_WRAP_SM, 0...W (ignored by the other modes).
    public let saturationBits: Int

    /// The smallest and largest stored integer, in LSB units.
    public let minRaw: Int
    public let maxRaw: Int

    /// The model stores values in 128 bits, enough for the product of two 64-bit numbers. The
    /// headers go to 1024; a wider format is refused with an error, never computed wrongly.
    public static let maximumWidth = 128
    /// Where the binary point may sit: far enough for every double's exact value, and any real design.
    public static let integerBitsRange = -4096...4096

    /// The seven AP_ quantization modes. With t = floor(x·2^F), qb the first dropped bit, r "any
    /// lower dropped bit is 1" and s "x is negative", a mode adds one LSB to t when:
    public enum Quantization: String, CaseIterable, Codable, Sendable {
        case truncate = "AP_TRN"                   // never: floor
        case truncateToZero = "AP_TRN_ZERO"        // s && (qb || r): toward zero
        case round = "AP_RND"                      // qb: nearest, ties to +inf
        case roundToZero = "AP_RND_ZERO"           // qb && (s || r): nearest, ties toward zero
        case roundToMinusInfinity = "AP_RND_MIN_INF" // qb && r: nearest, ties to -inf
        case roundToInfinity = "AP_RND_INF"        // qb && (!s || r): nearest, ties away from zero
        case convergent = "AP_RND_CONV"            // qb && (lsb(t) || r): nearest, ties to even
    }

    /// The five AP_ overflow modes (see `FixedFormat.place` for what each does to the bits).
    public enum Overflow: String, CaseIterable, Codable, Sendable {
        case saturate = "AP_SAT"
        case saturateToZero = "AP_SAT_ZERO"
        case saturateSymmetric = "AP_SAT_SYM"
        case wrap = "AP_WRAP"
        case wrapSignMagnitude = "AP_WRAP_SM"
    }

    @inlinable
    public init(width: Int, integerBits: Int, isSigned: Bool = true,
                quantization: Quantization = .truncate, overflow: Overflow = .wrap,
                saturationBits: Int = 0) throws {
        guard (1...Self.maximumWidth).contains(width) else { throw FixedPointError.widthOutOfRange(width) }
        guard Self.integerBitsRange.contains(integerBits) else {
            throw FixedPointError.integerBitsOutOfRange(integerBits)
        }
        guard (0...width).contains(saturationBits) else {
            throw FixedPointError.saturationBitsOutOfRange(saturationBits, width: width)
        }
        // The headers stop the program for this combination (ap_fixed_base::report).
        guard isSigned || overflow != .wrapSignMagnitude else { throw FixedPointError.unsignedWrapSignMagnitude }
        self.width = width
        self.integerBits = integerBits
        self.isSigned = isSigned
        self.quantization = quantization
        self.overflow = overflow
        self.saturationBits = saturationBits
        // Clamped to Int for widths beyond 64; exact wherever `fit` may be used.
        let w = min(width, 64)
        minRaw = isSigned ? -1 << (w - 1) : 0
        maxRaw = isSigned || width >= 64 ? Int.max >> (64 - w) : (1 << w) - 1
    }

    /// The type of an integer: `ap_int<W>` / `ap_uint<W>` is `ap_[u]fixed<W,W>`.
    public static func integer(width: Int, isSigned: Bool = true) throws -> FixedFormat {
        try FixedFormat(width: width, integerBits: width, isSigned: isSigned)
    }

    /// F = W − I.
    @inlinable public var fractionBits: Int { width - integerBits }

    /// Whether stored values, and `minRaw`/`maxRaw`, fit an Int (the `fit` fast path).
    @inlinable public var fitsInt: Bool { isSigned ? width <= 64 : width <= 63 }
}

extension FixedFormat: CustomStringConvertible {
    /// The C++ spelling, with trailing default parameters left out: `ap_fixed<8,3,AP_RND_CONV,AP_SAT>`.
    public var description: String {
        var parameters = ["\(width)", "\(integerBits)", quantization.rawValue, overflow.rawValue, "\(saturationBits)"]
        let defaults = ["", "", Quantization.truncate.rawValue, Overflow.wrap.rawValue, "0"]
        while parameters.count > 2 && parameters.last == defaults[parameters.count - 1] {
            parameters.removeLast()
        }
        return "\(isSigned ? "ap_fixed" : "ap_ufixed")<\(parameters.joined(separator: ","))>"
    }
}

extension FixedFormat: Codable {
    private enum CodingKeys: String, CodingKey {
        case width, integerBits, isSigned, quantization, overflow, saturationBits
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(width: c.decode(Int.self, forKey: .width),
                      integerBits: c.decode(Int.self, forKey: .integerBits),
                      isSigned: c.decode(Bool.self, forKey: .isSigned),
                      quantization: c.decode(Quantization.self, forKey: .quantization),
                      overflow: c.decode(Overflow.self, forKey: .overflow),
                      saturationBits: c.decode(Int.self, forKey: .saturationBits))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(width, forKey: .width)
        try c.encode(integerBits, forKey: .integerBits)
        try c.encode(isSigned, forKey: .isSigned)
        try c.encode(quantization, forKey: .quantization)
        try c.encode(overflow, forKey: .overflow)
        try c.encode(saturationBits, forKey: .saturationBits)
    }
}
