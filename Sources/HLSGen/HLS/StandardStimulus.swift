import Foundation
import Golden

/// The vectors a generated project carries in `tb/vectors.bin` (for `make csim` and the vendor's
/// csim/cosim): fixed patterns that drive the transforms to their extremes, seeded noise, and for
/// decoding also random coefficients over the quantized register's whole format, which reach the
/// wrapping and saturating registers. Deterministic: the same configuration gives the same bytes.
public enum StandardStimulus {
    /// Tags of the sections: 10 × table index (0 luminance, 1 chrominance) + kind.
    public enum Kind: UInt32 {
        /// The sample blocks (encode, roundtrip).
        case samples = 0
        /// The sample blocks encoded by the golden model (decode).
        case encodedSamples = 1
        /// Random coefficients over the quantized register's format (decode).
        case randomCoefficients = 2
    }

    /// Golden's SplitMix64, with the two draws the stimulus uses.
    struct Generator {
        var base: SplitMix64
        init(state: UInt64) { base = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { base.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func within(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.upperBound - r.lowerBound + 1)) }
    }

    /// 64 blocks of samples: 23 patterns, then noise, binary noise and smooth blocks.
    public static func sampleBlocks() -> [Int32] {
        var blocks: [[Int]] = []
        func add(_ f: (Int, Int) -> Int) { blocks.append((0..<64).map { f($0 / 8, $0 % 8) }) }
        add { _, _ in 0 }
        add { _, _ in 255 }
        add { _, _ in 128 }
        add { r, c in (r + c) % 2 == 0 ? 255 : 0 }
        add { r, c in (r + c) % 2 == 0 ? 0 : 255 }
        add { _, c in c % 2 == 0 ? 255 : 0 }
        add { r, _ in r % 2 == 0 ? 255 : 0 }
        add { _, c in c * 255 / 7 }
        add { r, _ in r * 255 / 7 }
        add { r, c in (r + c) * 255 / 14 }
        add { r, c in r == 0 && c == 0 ? 255 : 0 }
        add { r, c in r == 3 && c == 4 ? 0 : 255 }
        add { r, c in (r / 2 + c / 2) % 2 == 0 ? 255 : 0 }
        add { _, c in c < 4 ? 255 : 0 }
        add { r, _ in r < 4 ? 255 : 0 }
        // Blocks shaped like one DCT basis function (0 or 255 by its sign): the largest coefficient there.
        for (u, v) in [(1, 0), (0, 1), (1, 1), (7, 7), (7, 0), (0, 7), (3, 5), (5, 3)] {
            add { r, c in
                let b = cos(Double((2 * r + 1) * u) * .pi / 16) * cos(Double((2 * c + 1) * v) * .pi / 16)
                return b >= 0 ? 255 : 0
            }
        }
        var g = Generator(state: 0x6678_636F_6465_6321)
        while blocks.count < 64 {
            switch blocks.count % 3 {
            case 0: blocks.append((0..<64).map { _ in g.below(256) })
            case 1: blocks.append((0..<64).map { _ in g.below(2) * 255 })
            default:
                let corners = (0..<4).map { _ in g.below(256) }
                blocks.append((0..<64).map { i in
                    let (y, x) = (Double(i / 8) / 7, Double(i % 8) / 7)
                    let v = Double(corners[0]) * (1 - x) * (1 - y) + Double(corners[1]) * x * (1 - y)
                        + Double(corners[2]) * (1 - x) * y + Double(corners[3]) * x * y
                    return min(255, max(0, Int(v.rounded()) + g.within(-3...3)))
                })
            }
        }
        return blocks.flatMap { $0.map { Int32($0) } }
    }

    /// 32 blocks of coefficients in `range`: DC only at the extremes, then dense and sparse random blocks.
    public static func coefficientBlocks(_ range: ClosedRange<Int>) -> [Int32] {
        var blocks: [[Int]] = []
        for dc in [range.lowerBound, range.upperBound, 0, -1] {
            blocks.append([dc] + [Int](repeating: 0, count: 63))
        }
        blocks.append([Int](repeating: range.upperBound, count: 64))
        blocks.append([Int](repeating: range.lowerBound, count: 64))
        blocks.append((0..<64).map { ($0 / 8 + $0 % 8) % 2 == 0 ? range.upperBound : range.lowerBound })
        var g = Generator(state: 0x636F_6566_6669_6369)
        while blocks.count < 32 {
            if blocks.count % 2 == 0 {
                blocks.append((0..<64).map { _ in g.within(range) })
            } else {
                blocks.append((0..<64).map { _ in g.below(8) == 0 ? (g.below(2) == 0 ? range.lowerBound : range.upperBound) : 0 })
            }
        }
        return blocks.flatMap { $0.map { Int32($0) } }
    }

    /// The vectors for `modes`, with the golden model's expected outputs, for each table.
    public static func file(design: HLSDesign, tables: [QuantTable], modes: [CodecMode], note: String) throws -> GoldenVectorFile {
        let codec = try BlockCodec(design.config)
        var file = GoldenVectorFile(note: note, design: design)
        let samples = sampleBlocks()
        let coefficientRange = design.graphs.dequantize.nodes.first { node in
            if case .input("quantized") = node.op { return true }
            return false
        }?.range ?? -1024...1023
        for mode in CodecMode.allCases where modes.contains(mode) {
            for (t, table) in tables.enumerated() {
                let tag = { (kind: Kind) in UInt32(10 * t) + kind.rawValue }
                switch mode {
                case .encode, .roundtrip:
                    file.sections.append(.golden(codec, mode: mode, tag: tag(.samples), table: table, input: samples))
                case .decode:
                    let encoded = codec.encode(samples: samples.map { UInt8($0) }, table: table).coefficients
                    file.sections.append(.golden(codec, mode: .decode, tag: tag(.encodedSamples), table: table, input: encoded))
                    file.sections.append(.golden(codec, mode: .decode, tag: tag(.randomCoefficients), table: table,
                                                 input: coefficientBlocks(coefficientRange)))
                }
            }
        }
        return file
    }
}
