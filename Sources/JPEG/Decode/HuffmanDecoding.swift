/// A Huffman table as the file defined it: BITS and HUFFVAL (the shared `HuffmanSpec`) and where.
struct DefinedHuffmanTable: Equatable {
    var spec: HuffmanSpec
    /// Offset of the DHT marker that defined it; nil for the default tables.
    var offset: Int?

    var counts: [UInt8] { spec.counts }
    var symbols: [UInt8] { spec.symbols }

    /// The tables of T.81 Annex K.3 (index 0 luminance, 1 chrominance). A sequential file that uses
    /// table 0 or 1 without defining it gets these, as libjpeg does for Motion-JPEG streams; a
    /// progressive file does not.
    static func annexK(ac: Bool, index: Int) -> DefinedHuffmanTable {
        switch (ac, index) {
        case (false, 0): DefinedHuffmanTable(spec: .luminanceDC, offset: nil)
        case (false, _): DefinedHuffmanTable(spec: .chrominanceDC, offset: nil)
        case (true, 0): DefinedHuffmanTable(spec: .luminanceAC, offset: nil)
        case (true, _): DefinedHuffmanTable(spec: .chrominanceAC, offset: nil)
        }
    }
}

/// A Huffman table in the form the entropy decoder reads (T.81 F.2.2.3, with a lookahead):
///   lookup[next 9 bits] = (length << 8) | symbol for a code of at most 9 bits, 0 when the code is longer;
///   a longer code is the first length l in 10…16 with code(l) ≤ maxCode[l]; its symbol is
///   HUFFVAL[code(l) + valueOffset[l]]. No length matching means a corrupt code (symbol 0, 17 bits
///   consumed, as libjpeg does).
/// The storage is allocated once and read through `HuffmanLookup`'s pointers in the hot loops.
final class HuffmanDecoder {
    static let lookaheadBits = 9

    let tables: HuffmanLookup
    private let storage: UnsafeMutableRawPointer

    /// Derives the decoding form, checking what libjpeg's jpeg_make_d_derived_tbl checks: the counts
    /// describe a prefix code with no all-ones code (Annex C), and DC symbols are size categories 0…15.
    init(_ spec: DefinedHuffmanTable, isDC: Bool, name: String) throws(JPEGDecodeError) {
        func refuse(_ problem: String) -> JPEGDecodeError {
            if let offset = spec.offset { return .bad("DHT", at: offset, "table \(name) \(problem)") }
            return JPEGDecodeError(.malformed, at: nil, "default table \(name) \(problem)")
        }
        // Annex C: codes of each length are consecutive; after the codes of length l the next code,
        // shifted left, starts length l + 1. Every code must fit in its length.
        var code = 0
        var codes: [Int] = []
        var lengths: [Int] = []
        for l in 1...16 {
            for _ in 0..<Int(spec.counts[l - 1]) {
                codes.append(code)
                lengths.append(l)
                code += 1
            }
            if spec.counts[l - 1] > 0 && code >= 1 << l {
                throw refuse("is not a prefix code: its \(l)-bit codes run out (\(code) ≥ 2^\(l))")
            }
            code <<= 1
        }
        if isDC, let bad = spec.symbols.first(where: { $0 > 15 }) {
            throw refuse("has DC symbol \(bad); a DC size category is 0…15")
        }

        let entries = 1 << Self.lookaheadBits
        storage = UnsafeMutableRawPointer.allocate(byteCount: entries * 4 + entries * 2 + 17 * 4 * 2 + 256, alignment: 16)
        let combined = storage.bindMemory(to: Int32.self, capacity: entries)
        let lookup = (storage + entries * 4).bindMemory(to: UInt16.self, capacity: entries)
        let maxCode = (storage + entries * 6).bindMemory(to: Int32.self, capacity: 17)
        let valueOffset = (storage + entries * 6 + 17 * 4).bindMemory(to: Int32.self, capacity: 17)
        let values = (storage + entries * 6 + 17 * 8).bindMemory(to: UInt8.self, capacity: 256)
        combined.initialize(repeating: 0, count: entries)
        lookup.initialize(repeating: 0, count: entries)
        maxCode.initialize(repeating: -1, count: 17)
        valueOffset.initialize(repeating: 0, count: 17)
        values.initialize(repeating: 0, count: 256)
        for (i, symbol) in spec.symbols.prefix(256).enumerated() { values[i] = symbol }

        var p = 0
        for l in 1...16 where spec.counts[l - 1] > 0 {
            valueOffset[l] = Int32(p - codes[p])
            p += Int(spec.counts[l - 1])
            maxCode[l] = Int32(codes[p - 1])
        }
        for (i, (c, l)) in zip(codes, lengths).enumerated() where l <= Self.lookaheadBits {
            let first = c << (Self.lookaheadBits - l)
            let symbol = Int(spec.symbols[i])
            let entry = UInt16(l << 8) | UInt16(symbol)
            let (run, size) = (symbol >> 4, symbol & 15)
            for j in first..<(first + (1 << (Self.lookaheadBits - l))) {
                lookup[j] = entry
                // The value bits follow the code inside the lookahead: decode both at once.
                if !isDC && size != 0 && l + size <= Self.lookaheadBits {
                    let raw = (j >> (Self.lookaheadBits - l - size)) & ((1 << size) - 1)
                    let value = raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw
                    combined[j] = Int32(value << 16 | run << 8 | (l + size))
                }
            }
        }
        tables = HuffmanLookup(lookup: lookup, maxCode: maxCode, valueOffset: valueOffset, values: values,
                               combined: combined)
    }

    deinit { storage.deallocate() }
}

/// The decoding arrays of one table (owned by a `HuffmanDecoder` that outlives every use).
struct HuffmanLookup {
    /// 512 entries: (length << 8) | symbol, 0 for longer codes.
    let lookup: UnsafePointer<UInt16>
    /// Indexed by code length 0…16; -1 where no code has that length.
    let maxCode: UnsafePointer<Int32>
    let valueOffset: UnsafePointer<Int32>
    /// HUFFVAL padded with zeros to 256 entries, so an index masked to 8 bits is always in range.
    let values: UnsafePointer<UInt8>
    /// AC tables: for a code whose value bits also fit in the lookahead, (value << 16) | (run << 8) |
    /// (code length + size); 0 otherwise (EOB, ZRL, longer codes, DC tables).
    let combined: UnsafePointer<Int32>

    init(lookup: UnsafeMutablePointer<UInt16>, maxCode: UnsafeMutablePointer<Int32>,
         valueOffset: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<UInt8>,
         combined: UnsafeMutablePointer<Int32>) {
        self.lookup = UnsafePointer(lookup)
        self.maxCode = UnsafePointer(maxCode)
        self.valueOffset = UnsafePointer(valueOffset)
        self.values = UnsafePointer(values)
        self.combined = UnsafePointer(combined)
    }
}
