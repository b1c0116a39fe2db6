import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// What the writer does beyond matching libjpeg byte for byte: files from other datapath
/// configurations, threads, bit counts, and clear errors for what a JPEG cannot hold.
@Suite struct WriterBehaviourTests {
    /// A configuration that is not libjpeg's still gives a file libjpeg reads, with the model's coefficients.
    static func expectReadBack(_ encoded: EncodedImage, _ file: [UInt8], _ label: String) throws {
        let read = try LibJPEG.readCoefficients(jpeg: file)
        try #require(read.count == encoded.components.count, "\(label): component count")
        for (c, (theirs, mine)) in zip(read, encoded.components).enumerated() {
            #expect(theirs.widthInBlocks == mine.blocksWide && theirs.heightInBlocks == mine.blocksHigh, "\(label) component \(c)")
            #expect(theirs.quant.map(Int.init) == mine.table.values, "\(label) component \(c): quantization table")
            if let i = theirs.coefficients.indices.first(where: { Int32(theirs.coefficients[$0]) != mine.coefficients[$0] }) {
                Issue.record("\(label) component \(c): block \(i / 64), index \(i % 64): read \(theirs.coefficients[i]), wrote \(mine.coefficients[i])")
            }
        }
        let decoded = try LibJPEG.decode(jpeg: file, fancyUpsampling: true)
        #expect(decoded.width == encoded.width && decoded.height == encoded.height, "\(label): decoded size")
    }

    @Test func narrowPresetWritesAFileLibjpegReads() throws {
        let config = try #require(DatapathConfig.preset(named: "narrow"))
        let codec = try ImageCodec(config: config, threads: 2, trackRanges: false)
        let image = try Fixtures.load("astronaut.png")
        for (quality, chroma) in [(90, ChromaSubsampling.s420), (50, .s444)] {
            let (encoded, _) = codec.encode(image, settings: EncodeSettings(quality: quality, chroma: chroma))
            for options in [JPEGWriteOptions(), JPEGWriteOptions(optimizeHuffman: true, restart: .rows(2))] {
                try Self.expectReadBack(encoded, try JPEGWriter.write(encoded, options: options),
                                        "narrow q\(quality) \(chroma.rawValue) \(options)")
            }
        }
    }

    /// quant_table_bits 12 with steps over 255: 16-bit DQT entries and SOF1 (extended sequential).
    @Test func twelveBitTablesWriteAnExtendedSequentialFile() throws {
        var config = DatapathConfig.libjpeg
        config.name = "q12"
        config.quantTableBits = 12
        let codec = try ImageCodec(config: config, threads: 2, trackRanges: false)
        let tables = [QuantTable.annexKLuminance, .annexKChrominance].map { QuantTable($0.values.map { min($0 * 20, 4095) }) }
        #expect(tables.allSatisfy { $0.values.contains { $0 > 255 } })
        for name in ["coffee.png", "camera.png"] {
            let image = try Fixtures.load(name)
            let (encoded, _) = codec.encode(image, settings: EncodeSettings(chroma: .s420, tables: tables))
            let file = try JPEGWriter.write(encoded, options: JPEGWriteOptions(optimizeHuffman: true))
            let markers = MarkerList(file).segments.map(\.marker)
            #expect(markers.contains(Marker.sof1) && !markers.contains(Marker.sof0), "\(name)")
            try Self.expectReadBack(encoded, file, "q12 \(name)")
        }
    }

    /// Coding on several threads gives the bytes of one thread: whole restart segments in parallel, or
    /// segments cut into parts that start from the DC predictors before them (no restarts, or few long
    /// ones), with odd sizes whose MCUs end in dummy blocks, on a grey image and every chroma mode.
    @Test func threadsDoNotChangeTheBytes() throws {
        let codec = try ImageCodec(config: .libjpeg, threads: 2, trackRanges: false)
        let coffee = try Fixtures.load("coffee.png")
        let cases: [(String, Image, ChromaSubsampling)] = [
            ("coffee 4:2:0", coffee, .s420),
            ("coffee 200×131 4:2:0", coffee.window(x: 3, y: 5, width: 200, height: 131), .s420),
            ("coffee 333×97 4:2:2", coffee.window(x: 0, y: 1, width: 333, height: 97), .s422),
            ("coffee 4:4:4", coffee, .s444),
            ("camera grey", try Fixtures.load("camera.png"), .gray),
        ]
        for (name, image, chroma) in cases {
            let (encoded, _) = codec.encode(image, settings: EncodeSettings(quality: 75, chroma: chroma))
            for restart in [nil, RestartInterval.rows(1), .rows(7), .mcus(7), .mcus(1), .mcus(500)] {
                for optimize in [false, true] {
                    let one = try JPEGWriter.write(encoded, options: JPEGWriteOptions(optimizeHuffman: optimize, restart: restart))
                    for threads in [2, 3, 8, 64] {
                        let many = try JPEGWriter.write(encoded, options: JPEGWriteOptions(optimizeHuffman: optimize,
                                                                                           restart: restart, threads: threads))
                        let same = one == many   // compared outside #expect: a failure names the case, not every byte
                        #expect(same, "\(name), restart \(String(describing: restart)), optimize \(optimize), \(threads) threads")
                    }
                }
            }
        }
    }

    /// The bit counts add up to the scan: its bytes without the stuffed zeros are the bits rounded up.
    @Test func entropyCodedBitsMatchTheScan() throws {
        let codec = try ImageCodec(config: .libjpeg, threads: 2, trackRanges: false)
        for name in ["camera.png", "horse.png"] {
            let (encoded, _) = codec.encode(try Fixtures.load(name), settings: EncodeSettings(quality: 90, chroma: .s422))
            for optimize in [false, true] {
                let options = JPEGWriteOptions(optimizeHuffman: optimize)
                let file = try JPEGWriter.write(encoded, options: options)
                let bits = try JPEGWriter.entropyCodedBits(encoded, options: options)
                #expect(bits.count == encoded.components.count && bits.allSatisfy { $0 > 0 })
                let sos = try #require(MarkerList(file).segments.last)
                let scan = file[(sos.offset + 4 + sos.body.count)..<(file.count - 2)]
                let stuffed = zip(scan, scan.dropFirst()).filter { $0 == 0xFF && $1 == 0 }.count
                #expect(scan.count - stuffed == (bits.reduce(0, +) + 7) / 8, "\(name) optimize \(optimize)")
            }
        }
    }

    static func flat(_ chroma: ChromaSubsampling = .gray, width: Int = 16, height: Int = 8) -> EncodedImage {
        let (w, h) = (width, height)
        let count = chroma == .gray ? 1 : 3
        let (hMax, vMax) = chroma.factors
        let components = (0..<count).map { c -> EncodedComponent in
            let (cw, ch) = c == 0 ? (w, h) : ((w + hMax - 1) / hMax, (h + vMax - 1) / vMax)
            let blocks = ((cw + 7) / 8) * ((ch + 7) / 8)
            return EncodedComponent(width: cw, height: ch, blocksWide: (cw + 7) / 8, blocksHigh: (ch + 7) / 8,
                                    table: .annexKLuminance, coefficients: [Int32](repeating: 0, count: 64 * blocks))
        }
        return EncodedImage(width: w, height: h, chroma: chroma, components: components)
    }

    @Test func coefficientsOutOfRangeAreNamed() throws {
        var image = Self.flat()
        image.components[0].coefficients[64 + 9] = 1024   // block (1, 0), row 1 column 1: 11 bits
        #expect(throws: JPEGWriteError.coefficientOutOfRange(component: 0, blockX: 1, blockY: 0, index: 9, value: 1024)) {
            try JPEGWriter.write(image)
        }
        #expect(throws: JPEGWriteError.coefficientOutOfRange(component: 0, blockX: 1, blockY: 0, index: 9, value: 1024)) {
            try JPEGWriter.write(image, options: JPEGWriteOptions(optimizeHuffman: true))
        }
        image.components[0].coefficients[64 + 9] = -1023  // 10 bits: fine
        _ = try JPEGWriter.write(image)

        image.components[0].coefficients[0] = -1100
        image.components[0].coefficients[64] = 1000        // DC difference 2100: 12 bits
        let error = #expect(throws: JPEGWriteError.self) { try JPEGWriter.write(image) }
        #expect(error == .coefficientOutOfRange(component: 0, blockX: 1, blockY: 0, index: 0, value: 1000))
        #expect(error.map { "\($0)" }?.contains("component 0, block (1, 0): DC 1000") == true)
    }

    @Test func inconsistentImagesAndOptionsAreRefused() throws {
        var wrongCount = Self.flat(.s420)
        wrongCount.components.removeLast()
        var wrongSize = Self.flat(.s420)
        wrongSize.components[1].width = 9
        var missing = Self.flat()
        missing.components[0].coefficients.removeLast(64)
        var zeroStep = Self.flat()
        zeroStep.components[0].table.values[5] = 0
        var tooWide = Self.flat()
        tooWide.width = 70000
        for (image, words) in [(wrongCount, "2 components"), (wrongSize, "is 9 x 4, expected 8 x 4"),
                               (missing, "64 coefficients for 2 x 1 blocks"), (zeroStep, "step 0"), (tooWide, "70000 x 8")] {
            let error = #expect(throws: JPEGWriteError.self) { try JPEGWriter.write(image) }
            #expect(error.map { "\($0)" }?.contains(words) == true, "\(String(describing: error)) should say \(words)")
        }
        for restart in [RestartInterval.mcus(0), .rows(-1), .mcus(65536)] {
            #expect(throws: JPEGWriteError.self) { try JPEGWriter.write(Self.flat(), options: JPEGWriteOptions(restart: restart)) }
        }
    }

    /// DRI holds 16 bits: restarts in rows are capped at 65535 MCUs, as libjpeg caps them.
    @Test func restartRowsAreCappedAt65535MCUs() throws {
        let image = Self.flat(.gray, width: 8 * 300, height: 8 * 3)
        let file = try JPEGWriter.write(image, options: JPEGWriteOptions(restart: .rows(300)))
        let dri = try #require(MarkerList(file).segments.first { $0.marker == Marker.dri })
        #expect(dri.body == [0xFF, 0xFF])
        let pixels = [UInt8](repeating: 128, count: 8 * 300 * 8 * 3)
        let reference = try LibJPEG.encode(samples: pixels, width: 8 * 300, height: 24, components: 1, quality: 75,
                                           chroma: .gray, options: .init(restart: .rows(300)))
        let theirs = try #require(MarkerList(reference).segments.first { $0.marker == Marker.dri })
        #expect(theirs.body == dri.body)
    }
}
