import Foundation
import Golden

/// The testbench's input: blocks with the golden model's expected outputs, in a small binary format
/// the generated C++ reads without any library. Sections share one quantization table and one mode.
public struct GoldenVectorFile {
    public static let version: UInt32 = 1

    public static let formatDescription = [
        "Vector file, little-endian:",
        "  \"FXCV\", u32 version = \(version), u32 n, n bytes of UTF-8 text (where the vectors came from),",
        "  u32 sections, then per section:",
        "    u8 mode (0 encode, 1 decode, 2 roundtrip), u8 input width, u8 expected width",
        "      (1 = u8 sample, 2 = i16 or 4 = i32 coefficient), u8 0, u32 tag (the writer's label), u32 blocks,",
        "    i32 divisor[64], reciprocal[64], correction[64], shift[64]  (QuantizerEntry fields, raster order),",
        "    input values [blocks x 64], expected values [blocks x 64]  (block after block, raster order within).",
    ]

    /// One section: blocks of one mode through one table.
    public struct Section {
        public var mode: CodecMode
        public var tag: UInt32
        public var table: QuantTable
        /// 64 values per block: samples (0...255) for encode and roundtrip, coefficients for decode.
        public var input: [Int32]
        /// The golden model's output for each block.
        public var expected: [Int32]

        public init(mode: CodecMode, tag: UInt32, table: QuantTable, input: [Int32], expected: [Int32]) {
            precondition(input.count % 64 == 0 && input.count == expected.count)
            self.mode = mode
            self.tag = tag
            self.table = table
            self.input = input
            self.expected = expected
        }

        public var blocks: Int { input.count / 64 }
    }

    public var note: String
    public var sections: [Section] = []
    /// Bytes of one coefficient in the file (2 when the design's coefficient lanes are 16 bits).
    public var coefficientBytes: Int
    public var reciprocalBits: Int

    public init(note: String, design: HLSDesign) {
        self.note = note
        coefficientBytes = design.coefficientFileBytes
        reciprocalBits = design.config.quantizerReciprocalBits
    }

    public var blockCount: Int { sections.reduce(0) { $0 + $1.blocks } }

    public func encoded() -> [UInt8] {
        var out = Self.header(note: note, sections: sections.count)
        for s in sections { out += sectionBytes(s) }
        return out
    }

    static func u32(_ v: UInt32, into out: inout [UInt8]) {
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    /// Magic, version, note, section count (the count is the last 4 bytes).
    static func header(note: String, sections: Int) -> [UInt8] {
        var out: [UInt8] = Array("FXCV".utf8)
        u32(version, into: &out)
        let text = Array(note.utf8)
        u32(UInt32(text.count), into: &out)
        out += text
        u32(UInt32(sections), into: &out)
        return out
    }

    func sectionBytes(_ s: Section) -> [UInt8] {
        let inWidth = s.mode.takesSamples ? 1 : coefficientBytes
        let outWidth = s.mode.givesSamples ? 1 : coefficientBytes
        var out: [UInt8] = [s.mode.code, UInt8(inWidth), UInt8(outWidth), 0]
        out.reserveCapacity(12 + 4 * 256 + s.input.count * (inWidth + outWidth))
        Self.u32(s.tag, into: &out)
        Self.u32(UInt32(s.blocks), into: &out)
        let entries = s.table.values.map { QuantizerEntry(q: $0, reciprocalBits: reciprocalBits) }
        for field in [\QuantizerEntry.divisor, \.reciprocal, \.correction, \.shift] {
            for e in entries { Self.u32(UInt32(truncatingIfNeeded: e[keyPath: field]), into: &out) }
        }
        for (values, width) in [(s.input, inWidth), (s.expected, outWidth)] {
            for v in values {
                let u = UInt32(bitPattern: v)
                for i in 0..<width { out.append(UInt8(truncatingIfNeeded: u >> (8 * UInt32(i)))) }
            }
        }
        return out
    }

    /// Writes sections to a file as they are made, so that large runs never hold them all in memory.
    public final class Writer {
        private let handle: FileHandle
        private let format: GoldenVectorFile
        private let countOffset: UInt64
        public private(set) var sections = 0
        public private(set) var blocks = 0

        public init(url: URL, note: String, design: HLSDesign) throws {
            format = GoldenVectorFile(note: note, design: design)
            let head = GoldenVectorFile.header(note: note, sections: 0)
            countOffset = UInt64(head.count - 4)
            try Data(head).write(to: url)
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        }

        public func append(_ section: Section) throws {
            try handle.write(contentsOf: format.sectionBytes(section))
            sections += 1
            blocks += section.blocks
        }

        /// Patches the section count and closes the file.
        public func close() throws {
            try handle.seek(toOffset: countOffset)
            var count: [UInt8] = []
            GoldenVectorFile.u32(UInt32(sections), into: &count)
            try handle.write(contentsOf: count)
            try handle.close()
        }
    }
}

extension GoldenVectorFile.Section {
    /// A section whose expected outputs come from the golden model (`BlockCodec`).
    /// `input` is samples for encode and roundtrip, quantized coefficients for decode.
    public static func golden(_ codec: BlockCodec, mode: CodecMode, tag: UInt32, table: QuantTable,
                              input: [Int32]) -> Self {
        let expected: [Int32]
        switch mode {
        case .encode:
            expected = codec.encode(samples: input.map { UInt8($0) }, table: table).coefficients
        case .decode:
            expected = codec.decode(coefficients: input, table: table).samples.map { Int32($0) }
        case .roundtrip:
            let coefficients = codec.encode(samples: input.map { UInt8($0) }, table: table).coefficients
            expected = codec.decode(coefficients: coefficients, table: table).samples.map { Int32($0) }
        }
        return .init(mode: mode, tag: tag, table: table, input: input, expected: expected)
    }
}
