import Golden
import LibJPEGReference
import Testing

/// The golden model's block datapath against libjpeg-turbo's exported C kernels, block for block.
@Suite struct BlockKernelTests {
    let codec = try! BlockCodec(.libjpeg)

    /// Edge-case sample blocks: flat 0 / 128 / 255, checkerboards, stripes, ramps, a single hot pixel.
    static func edgeSampleBlocks() -> [[UInt8]] {
        var blocks: [[UInt8]] = [0, 1, 127, 128, 254, 255].map { [UInt8](repeating: $0, count: 64) }
        blocks.append((0..<64).map { ($0 / 8 + $0 % 8) % 2 == 0 ? 0 : 255 })
        blocks.append((0..<64).map { ($0 / 8 + $0 % 8) % 2 == 0 ? 255 : 0 })
        blocks.append((0..<64).map { $0 % 2 == 0 ? 0 : 255 })
        blocks.append((0..<64).map { ($0 / 8) % 2 == 0 ? 0 : 255 })
        blocks.append((0..<64).map { UInt8($0 * 4) })
        blocks.append((0..<64).map { $0 == 27 ? 255 : 0 })
        blocks.append((0..<64).map { ($0 % 8 < 4) != ($0 / 8 < 4) ? 255 : 0 })
        return blocks
    }

    /// Mismatch text naming the block, index, expected and actual values.
    static func describe<T: Equatable>(_ what: String, expected: [T], actual: [T]) -> (count: Int, first: String?) {
        var count = 0
        var first: String?
        for i in 0..<expected.count where expected[i] != actual[i] {
            count += 1
            if first == nil {
                first = "\(what): block \(i / 64), index \(i % 64) (row \(i % 64 / 8), column \(i % 8)): "
                    + "expected \(expected[i]), got \(actual[i])"
            }
        }
        return (count, first)
    }

    @Test func forwardDCTMatchesJpegFdctIslowOnOneMillionBlocks() {
        var rng = SeededGenerator(seed: 0xF0C0DEC)
        let randomBlocks = 1_000_000
        var samples = [UInt8](repeating: 0, count: randomBlocks * 64)
        for i in stride(from: 0, to: samples.count, by: 8) {
            withUnsafeBytes(of: rng.next()) { for k in 0..<8 { samples[i + k] = $0[k] } }
        }
        samples += Self.edgeSampleBlocks().flatMap { $0 }
        var reference = samples.map { Int16($0) - 128 }
        LibJPEG.fdctBlocks(&reference)
        let (golden, _) = codec.forwardTransform(samples: samples)
        let result = Self.describe("fdct", expected: reference.map(Int32.init), actual: golden)
        #expect(result.count == 0, "\(result.count) mismatches; first: \(result.first ?? "")")
        #expect(samples.count / 64 >= 1_000_000)
    }

    @Test func inverseDCTMatchesJpegIdctIslowOnOneMillionBlocks() {
        var rng = SeededGenerator(seed: 0x1DC7)
        // Tables: IJG qualities 1...100 for luma and chroma, plus random baseline tables.
        var tables = (1...100).flatMap { QuantTable.ijg(quality: $0) }
        for _ in 0..<20 { tables.append(QuantTable((0..<64).map { _ in Int.random(in: 1...255, using: &rng) })) }
        var mismatches = 0
        var first: String?
        var blocksChecked = 0
        for (t, table) in tables.enumerated() {
            // Per table: random blocks in the baseline coefficient range (|c| ≤ 1023, sparse like real
            // data and dense), then the quantized edge blocks.
            let n = 1_000_000 / tables.count + 1
            var coefficients = [Int32](repeating: 0, count: n * 64)
            for b in 0..<n {
                let density = b % 4 == 0 ? 64 : Int(rng.next() % 12)
                for _ in 0..<density {
                    let pos = Int(rng.next() % 64)
                    let magnitude = b % 3 == 0 ? 1023 : 64 >> Int(rng.next() % 6)
                    coefficients[b * 64 + pos] = Int32(Int(rng.next() % UInt64(2 * magnitude + 1)) - magnitude)
                }
            }
            let edges = Self.edgeSampleBlocks().flatMap { $0 }
            coefficients += codec.encode(samples: edges, table: table).coefficients
            // Maximum coefficients: every entry at ±1023 (baseline AC limit) and the DC extremes.
            coefficients += [Int32](repeating: 1023, count: 64) + [Int32](repeating: -1024, count: 64)
            coefficients += (0..<64).map { $0 % 2 == 0 ? 1023 : -1024 }
            coefficients += [-1024] + [Int32](repeating: 0, count: 63)
            let reference = LibJPEG.idctBlocks(coefficients: coefficients.map { Int16($0) },
                                               quant: table.values.map { UInt16($0) })
            let golden = codec.decode(coefficients: coefficients, table: table).samples
            let r = Self.describe("idct (table \(t))", expected: reference, actual: golden)
            mismatches += r.count
            if first == nil { first = r.first }
            blocksChecked += coefficients.count / 64
        }
        #expect(mismatches == 0, "\(mismatches) mismatches; first: \(first ?? "")")
        #expect(blocksChecked >= 1_000_000)
    }

    @Test func quantizerEqualsRoundHalfAwayDivision() {
        // The reciprocal form equals sign(x)·((|x| + 4q) / 8q) for every 16-bit x and every baseline q.
        for q in 1...255 {
            let e = QuantizerEntry(q: q, reciprocalBits: 16)
            for x in stride(from: -32768, through: 32767, by: q < 16 ? 1 : 3) {
                let expected = (x < 0 ? -1 : 1) * ((abs(x) + 4 * q) / (8 * q))
                let m = ((abs(x) + e.correction) * e.reciprocal) >> e.shift
                #expect((x < 0 ? -m : m) == expected, "q=\(q) x=\(x)")
                if (x < 0 ? -m : m) != expected { return }
            }
        }
    }
}
