import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// Coefficients no photograph gives (extremes, dense blocks, long zero runs, symbol statistics that
/// need the 16-bit length limit, 16-bit quantization tables) written by JPEGWriter and by libjpeg's
/// own coefficient writer (`jpeg_write_coefficients`, jpegtran's path): the bytes must agree.
@Suite struct CraftedCoefficientTests {
    /// Builds an image of `width` × `height` whose every real block `fill` writes (component, block
    /// index, the block's 64 values in natural order).
    static func image(width: Int, height: Int, chroma: ChromaSubsampling, tables: [QuantTable],
                      fill: (Int, Int, inout ArraySlice<Int32>) -> Void) -> EncodedImage {
        let (hMax, vMax) = chroma.factors
        let count = chroma == .gray ? 1 : 3
        let components = (0..<count).map { c -> EncodedComponent in
            let (h, v) = c == 0 ? (hMax, vMax) : (1, 1)
            let (w, ht) = ((width * h + hMax - 1) / hMax, (height * v + vMax - 1) / vMax)
            let (bw, bh) = ((w + 7) / 8, (ht + 7) / 8)
            var coefficients = [Int32](repeating: 0, count: bw * bh * 64)
            for b in 0..<(bw * bh) { fill(c, b, &coefficients[(64 * b)..<(64 * b + 64)]) }
            return EncodedComponent(width: w, height: ht, blocksWide: bw, blocksHigh: bh,
                                    table: tables[min(c, tables.count - 1)], coefficients: coefficients)
        }
        return EncodedImage(width: width, height: height, chroma: chroma, components: components)
    }

    /// libjpeg's bytes for the same coefficients and options.
    static func reference(_ encoded: EncodedImage, options: JPEGWriteOptions) throws -> [UInt8] {
        let tables = encoded.components.prefix(2).map { $0.table.values.map { UInt16($0) } }
        return try LibJPEG.writeCoefficients(
            width: encoded.width, height: encoded.height, chroma: Fixtures.subsampling(encoded.chroma),
            coefficients: encoded.components.map { $0.coefficients.map { Int16($0) } }, tables: tables,
            options: .init(optimizeCoding: options.optimizeHuffman, restart: Fixtures.restart(options.restart)))
    }

    /// Random size category 1…max and a value of that size, either sign.
    static func value(maxSize: Int, _ rng: inout SplitMix64) -> Int32 {
        let size = Int.random(in: 1...maxSize, using: &rng)
        let magnitude = Int32(1 << (size - 1)) + Int32.random(in: 0..<Int32(1 << (size - 1)), using: &rng)
        return Bool.random(using: &rng) ? magnitude : -magnitude
    }

    enum Content: String, CaseIterable {
        /// A tenth of the AC non-zero, sizes 1…10; DC anywhere in −1024…1023.
        case sparse
        /// All 64 non-zero, many at the extremes ±1023 (AC) and −1024 / 1023 (DC): every code is long,
        /// bytes FF are frequent.
        case dense
        /// One AC per block at a random position (runs up to 62: ZRLs), a quarter of the blocks empty.
        case runs
    }

    static func fill(_ content: Content, seed: UInt64) -> (Int, Int, inout ArraySlice<Int32>) -> Void {
        var rng = SplitMix64(seed: seed)
        return { _, _, block in
            let base = block.startIndex
            switch content {
            case .sparse:
                block[base] = Int32.random(in: -1024...1023, using: &rng)
                for n in 1..<64 where Int.random(in: 0..<10, using: &rng) == 0 { block[base + n] = value(maxSize: 10, &rng) }
            case .dense:
                block[base] = Bool.random(using: &rng) ? -1024 : 1023
                for n in 1..<64 {
                    block[base + n] = Bool.random(using: &rng) ? (Bool.random(using: &rng) ? 1023 : -1023) : value(maxSize: 10, &rng)
                }
            case .runs:
                block[base] = Int32.random(in: -40...40, using: &rng)
                if Int.random(in: 0..<4, using: &rng) > 0 {
                    block[base + Zigzag.natural[Int.random(in: 1...63, using: &rng)]] = value(maxSize: 4, &rng)
                }
            }
        }
    }

    @Test(arguments: Content.allCases)
    func craftedBlocksMatchLibjpeg(content: Content) throws {
        let optionSets = [JPEGWriteOptions(), JPEGWriteOptions(optimizeHuffman: true),
                          JPEGWriteOptions(restart: .mcus(5)), JPEGWriteOptions(optimizeHuffman: true, restart: .rows(1), threads: 2)]
        var files = 0, identical = 0
        for (w, h) in [(1, 1), (17, 9), (33, 17), (250, 131)] {
            for chroma in ChromaSubsampling.allCases {
                let tables = QuantTable.ijg(quality: 75)
                let encoded = Self.image(width: w, height: h, chroma: chroma, tables: tables,
                                         fill: Self.fill(content, seed: UInt64(w * 1000 + h)))
                for options in optionSets {
                    let mine = try JPEGWriter.write(encoded, options: options)
                    let reference = try Self.reference(encoded, options: options)
                    files += 1
                    if let diff = ByteDiff.describe(expected: reference, actual: mine) {
                        Issue.record("\(content) \(w)×\(h) \(chroma.rawValue) \(options): \(diff)")
                    } else {
                        identical += 1
                    }
                }
            }
        }
        print("JPEGWriter vs jpeg_write_coefficients, \(content): \(identical) of \(files) files identical")
        #expect(files == 4 * ChromaSubsampling.allCases.count * optionSets.count)
    }

    /// Symbol counts growing like the Fibonacci numbers make Huffman's procedure give codes longer than
    /// 16 bits; the optimized table must fold them to 16 exactly as libjpeg does.
    @Test func lengthLimitFoldsAsLibjpeg() throws {
        // 20 AC symbols (run r, size s) occurring 1, 2, 3, 5, 8 … times: with the pseudo-symbol's count
        // of 1 every merge takes the tree so far and the next symbol, so the rarest get ~19 bits.
        // Packed into blocks in zigzag order.
        let symbols = (0..<20).map { i in (run: i % 11, size: 1 + i % 10) }
        var fib = [1, 2]
        while fib.count < symbols.count { fib.append(fib[fib.count - 1] + fib[fib.count - 2]) }
        var sequence: [(run: Int, size: Int)] = []
        for (i, s) in symbols.enumerated() { sequence += Array(repeating: s, count: fib[i]) }
        var rng = SplitMix64(seed: 16)
        sequence.shuffle(using: &rng)
        var blocks: [[Int32]] = []
        var block = [Int32](repeating: 0, count: 64)
        var position = 0
        for s in sequence {
            if position + s.run + 1 > 63 {
                blocks.append(block)
                block = [Int32](repeating: 0, count: 64)
                position = 0
            }
            position += s.run + 1
            block[Zigzag.natural[position]] = Int32(1 << (s.size - 1))
        }
        blocks.append(block)
        let side = Int(Double(blocks.count).squareRoot().rounded(.up)) * 8
        let encoded = Self.image(width: side, height: side, chroma: .gray, tables: QuantTable.ijg(quality: 50)) { _, b, out in
            if b < blocks.count { out.replaceSubrange(out.indices, with: blocks[b]) }
        }
        let options = JPEGWriteOptions(optimizeHuffman: true)
        let mine = try JPEGWriter.write(encoded, options: options)
        #expect(ByteDiff.describe(expected: try Self.reference(encoded, options: options), actual: mine) == nil)
        // The AC table (the second DHT) uses codes of 16 bits.
        let dht = try #require(MarkerList(mine).segments.filter { $0.marker == Marker.dht }.last)
        #expect(dht.body[0] == 0x10 && dht.body[16] > 0, "AC table BITS: \(Array(dht.body[1...16]))")
    }

    /// Tables with entries over 255 are written with 16-bit DQT entries and SOF1, as libjpeg does.
    @Test func wideQuantizationTablesGiveSOF1() throws {
        var rng = SplitMix64(seed: 12)
        let tables = (0..<2).map { t in QuantTable((0..<64).map { n in n == 0 && t == 0 ? 4095 : Int.random(in: 1...4095, using: &rng) }) }
        for chroma in [ChromaSubsampling.gray, .s420] {
            let encoded = Self.image(width: 40, height: 24, chroma: chroma, tables: tables, fill: Self.fill(.sparse, seed: 40))
            for options in [JPEGWriteOptions(), JPEGWriteOptions(optimizeHuffman: true)] {
                let mine = try JPEGWriter.write(encoded, options: options)
                #expect(ByteDiff.describe(expected: try Self.reference(encoded, options: options), actual: mine) == nil,
                        "\(chroma.rawValue) \(options)")
                let markers = MarkerList(mine).segments
                #expect(markers.contains { $0.marker == Marker.sof1 } && !markers.contains { $0.marker == Marker.sof0 })
                #expect(markers.filter { $0.marker == Marker.dqt }.allSatisfy { $0.body[0] >> 4 == 1 && $0.body.count == 129 })
            }
        }
    }

    /// Precision is per table: an 8-bit luma table beside a 16-bit chroma table (and SOF1 for the frame).
    @Test func eightBitAndSixteenBitTablesMix() throws {
        var rng = SplitMix64(seed: 3)
        let tables = [QuantTable((0..<64).map { _ in Int.random(in: 1...255, using: &rng) }),
                      QuantTable((0..<64).map { _ in Int.random(in: 200...300, using: &rng) })]
        let encoded = Self.image(width: 24, height: 16, chroma: .s422, tables: tables, fill: Self.fill(.runs, seed: 24))
        let mine = try JPEGWriter.write(encoded)
        #expect(ByteDiff.describe(expected: try Self.reference(encoded, options: JPEGWriteOptions()), actual: mine) == nil)
        let dqt = MarkerList(mine).segments.filter { $0.marker == Marker.dqt }
        #expect(dqt.map { $0.body[0] } == [0x00, 0x11])
    }
}

/// The marker segments of a JPEG file up to SOS (for tests that look at headers).
struct MarkerList {
    struct Segment {
        var marker: UInt8
        var offset: Int
        var body: [UInt8]
    }
    var segments: [Segment] = []

    init(_ file: [UInt8]) {
        var i = 2
        while i + 3 < file.count, file[i] == 0xFF {
            let length = Int(file[i + 2]) << 8 | Int(file[i + 3])
            guard i + 2 + length <= file.count else { break }
            segments.append(Segment(marker: file[i + 1], offset: i, body: Array(file[(i + 4)..<(i + 2 + length)])))
            if file[i + 1] == Marker.sos { break }
            i += 2 + length
        }
    }
}
