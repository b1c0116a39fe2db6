import Golden

/// Quantization table files: `QuantTable.parse`. What it accepts must be one or two tables of 64
/// entries within the limit, each of which has a quantizer reciprocal.
enum QuantTableTarget: FuzzTarget {
    static let name = "qtable"

    static func run(_ input: [UInt8]) {
        guard let tables = try? QuantTable.parse(String(decoding: input, as: UTF8.self), source: "input") else { return }
        precondition(tables.count == 1 || tables.count == 2)
        for table in tables {
            precondition(table.values.count == 64 && table.values.allSatisfy { (1...255).contains($0) })
            _ = table.values.map { QuantizerEntry(q: $0, reciprocalBits: 16) }
        }
    }
}
