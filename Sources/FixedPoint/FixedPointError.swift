/// What can be wrong with a fixed-point type, written so that the message alone says how to mend it.
public enum FixedPointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not `ap_fixed<...>`, `ap_ufixed<...>`, `ap_int<W>` or `ap_uint<W>`.
    case malformedType(String, problem: String)
    case unknownQuantization(String)
    case unknownOverflow(String)
    case widthOutOfRange(Int)
    case integerBitsOutOfRange(Int)
    case saturationBitsOutOfRange(Int, width: Int)
    case unsignedWrapSignMagnitude
    /// A full-precision result (e.g. the sum's `<W,I>`) that does not fit the model's 128 bits.
    case resultTooWide(operation: String, width: Int, integerBits: Int)

    public var description: String {
        switch self {
        case let .malformedType(text, problem):
            return "malformed fixed-point type '\(text)': \(problem)"
        case let .unknownQuantization(name):
            let known = FixedFormat.Quantization.allCases.map(\.rawValue).joined(separator: ", ")
            if FixedFormat.Overflow(rawValue: name) != nil {
                return "\(name) is an overflow mode, but the third parameter is the quantization mode (\(known))"
            }
            return "unknown quantization mode '\(name)' (expected one of \(known))"
        case let .unknownOverflow(name):
            let known = FixedFormat.Overflow.allCases.map(\.rawValue).joined(separator: ", ")
            if FixedFormat.Quantization(rawValue: name) != nil {
                return "\(name) is a quantization mode, but the fourth parameter is the overflow mode (\(known))"
            }
            return "unknown overflow mode '\(name)' (expected one of \(known))"
        case let .widthOutOfRange(w):
            return "width W = \(w) is out of range: this model supports 1...\(FixedFormat.maximumWidth) bits"
        case let .integerBitsOutOfRange(i):
            let r = FixedFormat.integerBitsRange
            return "integer bits I = \(i) is out of range \(r.lowerBound)...\(r.upperBound)"
        case let .saturationBitsOutOfRange(n, w):
            return "saturation bits N = \(n) is out of range 0...\(w) (N may not exceed W)"
        case .unsignedWrapSignMagnitude:
            return "AP_WRAP_SM needs a signed type: ap_ufixed cannot use it (the headers stop the program)"
        case let .resultTooWide(operation, w, i):
            return "\(operation) has the full-precision type <\(w),\(i)>, wider than the model's "
                + "\(FixedFormat.maximumWidth) bits (or its binary point is out of range)"
        }
    }
}
