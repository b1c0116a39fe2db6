import Golden

/// How the core holds one quantizer entry, and how the table port's `qt_data` packs it: the fields of
/// `QuantizerEntry`, least significant first — divisor q, reciprocal f, correction c, shift r — each as
/// wide as its range over every q the table can hold (`KernelGraphs`).
public struct QuantTableLayout: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public let name: String
        public let lsb: Int
        public let width: Int
        public var msb: Int { lsb + width - 1 }
    }

    public let fields: [Field]
    public let reciprocalBits: Int
    public var entryBits: Int { fields.last!.msb + 1 }

    public init(_ graphs: KernelGraphs) {
        let ranges = [("divisor", graphs.divisorRange), ("reciprocal", graphs.reciprocalRange),
                      ("correction", graphs.correctionRange), ("shift", graphs.shiftRange)]
        var lsb = 0
        fields = ranges.map { name, range in
            defer { lsb += Verilog.unsignedWidth(range.upperBound) }
            return Field(name: name, lsb: lsb, width: Verilog.unsignedWidth(range.upperBound))
        }
        reciprocalBits = graphs.config.quantizerReciprocalBits
    }

    public func field(_ name: String) -> Field { fields.first { $0.name == name }! }

    /// One entry as `qt_data` carries it.
    public func pack(q: Int) -> UInt64 {
        let e = QuantizerEntry(q: q, reciprocalBits: reciprocalBits)
        let values = [e.divisor, e.reciprocal, e.correction, e.shift]
        return zip(fields, values).reduce(UInt64(0)) { $0 | UInt64($1.1) << UInt64($1.0.lsb) }
    }

    /// A table's 64 entries, in natural (row-major) order: the word for address a is `pack(table[a])`.
    public func pack(_ table: QuantTable) -> [UInt64] { table.values.map { pack(q: $0) } }

    /// The field list as the generated files and README describe it.
    public var description: String {
        fields.reversed().map { "\($0.name) [\(Verilog.bitRange($0.msb, $0.lsb).dropFirst().dropLast())]" }
            .joined(separator: ", ")
    }
}
