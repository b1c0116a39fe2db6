/// The named points where the datapath narrows a value to a configured width.
/// Everything between two registers is computed at full precision (its width follows from the value
/// ranges, see `DataflowGraph`); a register is where a designer chooses bits and an overflow rule.
///
/// The registers are a list, `Register.definitions`: a new narrowing point is one more entry there
/// (and a name below), used by the stage that narrows. Configuration files, overflow reports, the
/// explorer and both emitters go through the list. A `Register` is its position in the list, so the
/// evaluators keep per-register state in arrays indexed by it.
public struct Register: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Position in `Register.definitions`.
    public let index: Int
    init(_ index: Int) { self.index = index }

    /// One register: its name in configuration files and generated code, and whether the
    /// configuration may change it.
    public struct Definition: Sendable {
        public let name: String
        public let isUnsigned: Bool
        /// The format of a register the configuration cannot change; nil for a configurable one.
        public let fixed: RegisterSpec?
    }

    /// In stream order; `Register(i)` below is entry i.
    public static let definitions: [Definition] = [
        .init(name: "fdct_workspace", isUnsigned: false, fixed: nil),
        .init(name: "fdct_output", isUnsigned: false, fixed: nil),
        .init(name: "quantized", isUnsigned: false, fixed: nil),
        .init(name: "dequantized", isUnsigned: false, fixed: nil),
        .init(name: "idct_workspace", isUnsigned: false, fixed: nil),
        .init(name: "idct_output", isUnsigned: false, fixed: nil),
        .init(name: "range_index", isUnsigned: false, fixed: .wrap(10)),
        .init(name: "sample", isUnsigned: true, fixed: .saturate(8)),
    ]

    /// FDCT pass-1 (row) outputs, the 8×8 workspace between the passes.
    public static let fdctWorkspace = Register(0)
    /// FDCT outputs: 8 × the orthonormal DCT coefficients, before quantization.
    public static let fdctOutput = Register(1)
    /// Quantized coefficients (what an entropy coder sees).
    public static let quantized = Register(2)
    /// Dequantized coefficients: quantized × q.
    public static let dequantized = Register(3)
    /// IDCT pass-1 (column) outputs, the workspace between the passes.
    public static let idctWorkspace = Register(4)
    /// IDCT outputs before the level shift (libjpeg indexes its range-limit table with these mod 1024).
    public static let idctOutput = Register(5)
    /// libjpeg's range-limit table index: the IDCT output mod 1024 as a signed 10-bit value (used
    /// only with `RangeLimit.libjpegTable`; always 10 bits, wrapping).
    public static let rangeIndex = Register(6)
    /// Output samples, 0...255 (unsigned, saturating).
    public static let sample = Register(7)

    /// Every register, in the order of `definitions`.
    public static let all: [Register] = {
        precondition(definitions.count == RegisterSlots<Int>.count, "RegisterSlots must hold one slot per register")
        return definitions.indices.map(Register.init)
    }()
    /// The registers a configuration sets.
    public static let configurable: [Register] = all.filter { $0.definition.fixed == nil }

    public static func named(_ name: String) -> Register? { all.first { $0.description == name } }

    public var definition: Definition { Self.definitions[index] }
    public var isUnsigned: Bool { definition.isUnsigned }
    public var description: String { definition.name }
    public static func < (a: Register, b: Register) -> Bool { a.index < b.index }
}

/// How one register narrows: `bits == nil` keeps full precision (no narrowing, width inferred).
/// In a configuration file: `{ "bits": 9, "overflow": "wrap" }`; `bits` missing or null keeps full
/// precision, and `overflow` missing is `saturate` (a value out of range clamps to the nearest bound).
public struct RegisterSpec: Hashable, Codable, Sendable {
    public enum Overflow: String, Codable, CaseIterable, Sendable { case saturate, wrap }
    public var bits: Int?
    public var overflow: Overflow

    public init(bits: Int?, overflow: Overflow) { self.bits = bits; self.overflow = overflow }
    public static func wrap(_ bits: Int) -> RegisterSpec { .init(bits: bits, overflow: .wrap) }
    public static func saturate(_ bits: Int) -> RegisterSpec { .init(bits: bits, overflow: .saturate) }
    public static let fullPrecision = RegisterSpec(bits: nil, overflow: .saturate)

    /// Decoded strictly, as in a configuration file (DatapathConfigJSON.swift).
    public init(from decoder: Decoder) throws {
        try self.init(strict: JSONValue(from: decoder), at: decoder.codingPath.map(\.stringValue))
    }
}

/// Every word length and constant precision of the block datapath, in one place.
/// The golden model evaluates it; the HLS and Verilog emitters render it. The default reproduces
/// libjpeg-turbo's islow path (jfdctint.c, jcdctmgr.c, jidctint.c) bit for bit, including its C types:
/// DCTELEM and JCOEF are 16-bit, the IDCT workspace is `int`, and the output range limit indexes a
/// table with the value mod 1024.
public struct DatapathConfig: Hashable, Codable, Sendable {
    /// A short name, printed in generated file headers.
    public var name: String
    /// CONST_BITS: DCT constants are round(c · 2^bits).
    public var dctConstantBits: Int
    /// PASS1_BITS of the forward DCT: extra precision kept between the passes.
    public var fdctPass1Bits: Int
    /// PASS1_BITS of the inverse DCT.
    public var idctPass1Bits: Int
    /// The quantizer's reciprocal precision: f = floor(2^(bits + b) / d), with b = bitlen(d) − 1.
    public var quantizerReciprocalBits: Int
    /// Bits of the quantization table entries (unsigned; 8 = baseline JPEG).
    public var quantTableBits: Int
    /// SCALEBITS of the colour conversions.
    public var colorBits: Int
    /// Width and overflow rule of each register.
    public var registers: [Register: RegisterSpec]
    /// How IDCT outputs become samples.
    public var rangeLimit: RangeLimit

    public enum RangeLimit: String, Codable, CaseIterable, Sendable {
        /// libjpeg's C table: clamp(((v mod 1024) as a signed 10-bit value) + 128, 0, 255).
        case libjpegTable = "libjpeg-table"
        /// clamp(v + 128, 0, 255), as libjpeg-turbo's SIMD code.
        case saturate
    }

    public init(name: String, dctConstantBits: Int, fdctPass1Bits: Int, idctPass1Bits: Int,
                quantizerReciprocalBits: Int, quantTableBits: Int, colorBits: Int,
                registers: [Register: RegisterSpec], rangeLimit: RangeLimit) {
        self.name = name
        self.dctConstantBits = dctConstantBits
        self.fdctPass1Bits = fdctPass1Bits
        self.idctPass1Bits = idctPass1Bits
        self.quantizerReciprocalBits = quantizerReciprocalBits
        self.quantTableBits = quantTableBits
        self.colorBits = colorBits
        self.registers = registers
        self.rangeLimit = rangeLimit
    }

    /// libjpeg-turbo's islow arithmetic.
    public static let libjpeg = DatapathConfig(
        name: "libjpeg-islow",
        dctConstantBits: 13, fdctPass1Bits: 2, idctPass1Bits: 2,
        quantizerReciprocalBits: 16, quantTableBits: 8, colorBits: 16,
        registers: [
            .fdctWorkspace: .wrap(16),   // DCTELEM (short)
            .fdctOutput: .wrap(16),      // DCTELEM
            .quantized: .wrap(16),       // JCOEF (short)
            .dequantized: .fullPrecision,// int arithmetic in jidctint.c
            .idctWorkspace: .wrap(32),   // int workspace[64]
            .idctOutput: .fullPrecision,
        ],
        rangeLimit: .libjpegTable)

    public func spec(_ r: Register) -> RegisterSpec {
        r.definition.fixed ?? registers[r] ?? .fullPrecision
    }

    /// Checks the configuration is one the model and emitters can render; throws a message naming the field.
    public func validate() throws(ConfigError) {
        func check(_ ok: Bool, _ field: String, _ why: String) throws(ConfigError) {
            if !ok { throw ConfigError(field: field, problem: why) }
        }
        // The name becomes part of generated file headers and of folder names (rtl-sim/obj_<name>_…).
        try check((1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) },
                  "name", "must be 1...64 letters, digits, '-', '_' or '.', is \"\(name.prefix(64))\"")
        try check((4...20).contains(dctConstantBits), "dct_constant_bits", "must be 4...20, is \(dctConstantBits)")
        try check((0...8).contains(fdctPass1Bits), "fdct_pass1_bits", "must be 0...8, is \(fdctPass1Bits)")
        try check((0...8).contains(idctPass1Bits), "idct_pass1_bits", "must be 0...8, is \(idctPass1Bits)")
        try check(fdctPass1Bits <= dctConstantBits && idctPass1Bits <= dctConstantBits, "pass1_bits",
                  "must not exceed dct_constant_bits")
        try check((8...24).contains(quantizerReciprocalBits), "quantizer_reciprocal_bits",
                  "must be 8...24, is \(quantizerReciprocalBits)")
        try check((1...16).contains(quantTableBits), "quant_table_bits", "must be 1...16, is \(quantTableBits)")
        try check((8...24).contains(colorBits), "color_bits", "must be 8...24, is \(colorBits)")
        for r in Register.all {
            if let bits = spec(r).bits {
                try check((2...48).contains(bits), "registers.\(r).bits", "must be 2...48, is \(bits)")
            }
        }
        for fixed in Register.all where fixed.definition.fixed != nil && registers[fixed] != nil && registers[fixed] != spec(fixed) {
            throw ConfigError(field: "registers.\(fixed)", problem: "is fixed at \(spec(fixed).bits ?? 0) bits")
        }
    }

    // MARK: JSON spelling (snake_case keys, registers by name)

    enum CodingKeys: String, CodingKey {
        case name, rangeLimit = "range_limit", registers
        case dctConstantBits = "dct_constant_bits", fdctPass1Bits = "fdct_pass1_bits"
        case idctPass1Bits = "idct_pass1_bits", quantizerReciprocalBits = "quantizer_reciprocal_bits"
        case quantTableBits = "quant_table_bits", colorBits = "color_bits"
    }

    /// Decoded strictly (DatapathConfigJSON.swift): unknown keys and mistyped values throw
    /// `ConfigError`; missing keys take the libjpeg defaults. `parse(_:source:)` also validates.
    public init(from decoder: Decoder) throws {
        self = try DatapathConfig(strict: JSONValue(from: decoder), at: decoder.codingPath.map(\.stringValue))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(dctConstantBits, forKey: .dctConstantBits)
        try c.encode(fdctPass1Bits, forKey: .fdctPass1Bits)
        try c.encode(idctPass1Bits, forKey: .idctPass1Bits)
        try c.encode(quantizerReciprocalBits, forKey: .quantizerReciprocalBits)
        try c.encode(quantTableBits, forKey: .quantTableBits)
        try c.encode(colorBits, forKey: .colorBits)
        try c.encode(rangeLimit, forKey: .rangeLimit)
        var named: [String: RegisterSpec] = [:]
        for r in Register.configurable { named[r.description] = spec(r) }
        try c.encode(named, forKey: .registers)
    }
}

/// A configuration refused: `<file>: <key path>: <problem>` (the key path is empty for a file that
/// is not JSON at all; without a file name the message starts with "datapath configuration").
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file, when the configuration came from one.
    public var source: String?
    /// The key path, e.g. "registers.quantized.bits".
    public var field: String
    public var problem: String

    public init(field: String, problem: String, source: String? = nil) {
        (self.field, self.problem, self.source) = (field, problem, source)
    }
    init(_ path: [String], _ problem: String) { self.init(field: path.joined(separator: "."), problem: problem) }

    public var description: String {
        [source ?? "datapath configuration", field, problem].filter { !$0.isEmpty }.joined(separator: ": ")
    }
}

extension RegisterSpec {
    /// The representable range of this register, or nil for full precision.
    public func bounds(unsigned: Bool) -> ClosedRange<Int>? {
        guard let bits else { return nil }
        return unsigned ? 0...((1 << bits) - 1) : -(1 << (bits - 1))...((1 << (bits - 1)) - 1)
    }
}

/// Per-register state kept inline (no array to copy on write), one slot per entry of
/// `Register.definitions`: a new register adds one to the count here.
public typealias RegisterSlots<Element> = InlineArray<8, Element>
