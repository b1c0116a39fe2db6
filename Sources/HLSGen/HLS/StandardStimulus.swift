import Foundation
import Golden

/// The stimulus a generated project carries in `tb/stimulus.fxcs` (for `make csim` and the vendor's
/// csim): fixed patterns that drive the transforms to their extremes, seeded noise, and for decoding
/// also random coefficients over the quantized register's whole format, which reach the wrapping and
/// saturating registers. Deterministic: the same configuration gives the same bytes.
public enum StandardStimulus {
    /// The stall settings every job runs with: none, then 30 % of the clocks on each side.
    public static let runs = [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2026)]

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

    /// One job per mode, on the tables the core resets to: the blocks through table 0 (luminance), then
    /// table 1 (chrominance), each block's tuser naming its table; the golden model's outputs expected.
    public static func jobs(rtl: RTLDesign, modes: [CodecMode]) throws -> [CosimJob] {
        let codec = try BlockCodec(rtl.config)
        let samples = sampleBlocks()
        let coefficientRange = rtl.graphs.dequantize.nodes.first { node in
            if case .input("quantized") = node.op { return true }
            return false
        }?.range ?? -1024...1023
        return CodecMode.allCases.filter(modes.contains).map { mode in
            var users: [UInt8] = [], inputs: [Int32] = [], expected: [Int32] = []
            var parts: [(name: String, blocks: Range<Int>)] = []
            func add(_ name: String, table t: Int, _ input: [Int32], _ output: [Int32]) {
                let first = users.count
                users += (0..<(input.count / 64)).map { UInt8(t << 1) | (first == 0 && $0 == 0 ? 1 : 0) }
                inputs += input
                expected += output
                parts.append((name, first..<users.count))
            }
            for (t, table) in rtl.tables.enumerated() {
                let encoded = codec.encode(samples: samples.map { UInt8($0) }, table: table).coefficients
                let decode = { (c: [Int32]) in codec.decode(coefficients: c, table: table).samples.map { Int32($0) } }
                switch mode {
                case .encode: add("samples, table \(t)", table: t, samples, encoded)
                case .roundtrip: add("samples, table \(t)", table: t, samples, decode(encoded))
                case .decode:
                    add("encoded samples, table \(t)", table: t, encoded, decode(encoded))
                    let random = coefficientBlocks(coefficientRange)
                    add("random coefficients, table \(t)", table: t, random, decode(random))
                }
            }
            return CosimJob(mode: mode, tableWords: nil, runs: runs, users: users, inputs: inputs, expected: expected,
                            label: "standard stimulus, \(mode.rawValue)", parts: parts)
        }
    }
}
