/// What a core does with a block: encode (samples → quantized coefficients), decode (coefficients →
/// samples), or both in a row (samples → samples). One name for the model, the HLS tops, the Verilog
/// cores and the stimulus files.
public enum CodecMode: String, CaseIterable, Sendable, Codable {
    case encode, decode, roundtrip

    /// The number the stimulus files and the cores' `mode` port use for the mode.
    public var code: UInt8 {
        switch self {
        case .encode: 0
        case .decode: 1
        case .roundtrip: 2
        }
    }
    public var takesSamples: Bool { self != .decode }
    public var givesSamples: Bool { self != .encode }
    public var quantizes: Bool { self != .decode }
    public var dequantizes: Bool { self != .encode }
}
