import Golden

/// One top function: the core with its mode tied, at a stream width (1 value per beat, or a row of 8).
public struct HLSTop: Hashable, Sendable, CustomStringConvertible {
    public var mode: CodecMode
    public var lanes: Int

    public init(mode: CodecMode, lanes: Int) {
        precondition(lanes == 1 || lanes == 8, "a core streams 1 or 8 values per beat")
        self.mode = mode
        self.lanes = lanes
    }

    /// The function's name, the Verilog top's too.
    public var name: String { RTLDesign.topName(mode: mode, lanes: lanes) }
    public var description: String { name }

    /// Both stream widths: the cores the C-simulation build prints (every mode at run time).
    public static let allLanes = [1, 8]
}

/// How one register of the datapath is spelled in C++, chosen by its `RegisterSpec` so that the C++
/// narrowing is the model's: `ap_fixed<W,W,AP_TRN,AP_SAT>` clamps on assignment, `ap_int<W>` keeps the
/// low W bits (wraps), and a full-precision register is an `ap_int` as wide as its value range.
struct RegisterFormat {
    let register: Register
    let spec: RegisterSpec
    /// Bits of the C++ type.
    let width: Int

    var typeName: String { "\(register.description)_t" }
    var octetName: String { "\(register.description)_octet" }

    var spelling: String {
        let unsigned = register.isUnsigned
        guard let bits = spec.bits else { return "ap_int<\(width)>" }
        switch spec.overflow {
        case .saturate: return unsigned ? "ap_ufixed<\(bits), \(bits), AP_TRN, AP_SAT>" : "ap_fixed<\(bits), \(bits), AP_TRN, AP_SAT>"
        case .wrap: return unsigned ? "ap_uint<\(bits)>" : "ap_int<\(bits)>"
        }
    }

    var rule: String {
        guard let bits = spec.bits else { return "full precision (\(width) bits from the value ranges)" }
        let sign = register.isUnsigned ? "unsigned" : "signed"
        return spec.overflow == .saturate ? "\(bits)-bit \(sign), saturates" : "\(bits)-bit \(sign), wraps"
    }
}

/// The golden model's datapath, ready to print: its traced kernels, the C++ type of every register,
/// the quantizer-table field types and the stream formats. Everything here is read from
/// `KernelGraphs`; nothing about the arithmetic is restated.
public struct HLSDesign: Sendable {
    public let config: DatapathConfig
    public let graphs: KernelGraphs
    let formats: [Register: RegisterFormat]

    public init(_ config: DatapathConfig) throws {
        self.config = config
        graphs = try KernelGraphs(config)
        var found: [Register: RegisterFormat] = [:]
        for (_, graph) in graphs.all {
            for node in graph.nodes {
                guard case .register(let r, let spec) = node.op else { continue }
                let width = max(found[r]?.width ?? 0, spec.bits ?? node.signedWidth)
                if let earlier = found[r], earlier.spec != spec {
                    throw HLSGenError("register \(r) appears with two formats in the traced kernels")
                }
                found[r] = RegisterFormat(register: r, spec: spec, width: width)
            }
        }
        formats = found
    }

    func format(_ r: Register) -> RegisterFormat {
        guard let f = formats[r] else { preconditionFailure("register \(r) is not in the traced kernels") }
        return f
    }

    /// Bits of an unsigned word holding 0...max.
    static func unsignedBits(_ r: ClosedRange<Int>) -> Int {
        precondition(r.lowerBound >= 0)
        return max(1, Int.bitWidth - r.upperBound.leadingZeroBitCount)
    }

    /// The four quantizer-table fields, as the hardware holds them.
    struct TableField {
        let name: String, symbol: String, meaning: String
        let range: ClosedRange<Int>
        let value: (QuantizerEntry) -> Int
        var typeName: String { "\(name)_t" }
        var spelling: String { "ap_uint<\(HLSDesign.unsignedBits(range))>" }
    }

    var tableFields: [TableField] {
        [TableField(name: "divisor", symbol: "q", meaning: "the table entry itself", range: graphs.divisorRange,
                    value: { $0.divisor }),
         TableField(name: "reciprocal", symbol: "f", meaning: "floor(2^r / 8q), rounded as libjpeg's compute_reciprocal",
                    range: graphs.reciprocalRange, value: { $0.reciprocal }),
         TableField(name: "correction", symbol: "c", meaning: "8q/2, +1 when the reciprocal was rounded down",
                    range: graphs.correctionRange, value: { $0.correction }),
         TableField(name: "shift", symbol: "r", meaning: "reciprocal bits + bitlen(8q) - 1", range: graphs.shiftRange,
                    value: { $0.shift })]
    }

    /// The fields a mode's top needs: the quantizer's three, the dequantizer's divisor, or all four.
    func tableFields(for mode: CodecMode) -> [TableField] {
        tableFields.filter { f in
            f.name == "divisor" ? mode.dequantizes : mode.quantizes
        }
    }
}

public struct HLSGenError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
