import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// What the reader reports about a file, what it refuses (by name), and the pixel path under another
/// datapath configuration.
@Suite struct ReaderBehaviourTests {
    /// SOI, the given segments (marker code and parameters), EOI.
    static func file(_ segments: [(UInt8, [UInt8])]) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8]
        for (code, parameters) in segments {
            bytes += [0xFF, code, UInt8((parameters.count + 2) >> 8), UInt8((parameters.count + 2) & 0xFF)] + parameters
        }
        return bytes + [0xFF, 0xD9]
    }

    /// An SOF's parameters: precision 8 unless given, 16 × 16, components (id, factors, table).
    static func frame(precision: UInt8 = 8, _ components: [(UInt8, UInt8, UInt8)]) -> [UInt8] {
        [precision, 0, 16, 0, 16, UInt8(components.count)] + components.flatMap { [$0.0, $0.1, $0.2] }
    }

    static let ycc: [(UInt8, UInt8, UInt8)] = [(1, 0x22, 0), (2, 0x11, 1), (3, 0x11, 1)]

    @Test(arguments: [
        (UInt8(0xC3), "SOF3 (lossless, Huffman)"),
        (0xC5, "SOF5 (hierarchical"), (0xC6, "SOF6 (hierarchical"), (0xC7, "SOF7 (hierarchical"),
        (0xC9, "SOF9 (extended sequential, arithmetic coding)"), (0xCA, "SOF10 (progressive, arithmetic coding)"),
        (0xCB, "SOF11 (lossless, arithmetic coding)"), (0xCD, "SOF13"), (0xCE, "SOF14"), (0xCF, "SOF15"),
        (0xCC, "DAC (arithmetic coding conditioning)"), (0xDE, "DHP (hierarchical progression)"),
        (0xDF, "EXP (hierarchical expansion)"),
    ])
    func otherProcessesAreRefusedByName(marker: UInt8, name: String) {
        let bytes = Self.file([(marker, Self.frame(Self.ycc))])
        #expect {
            _ = try JPEGReader.read(bytes)
        } throws: { error in
            let e = error as? JPEGDecodeError
            return e?.kind == .unsupported && e?.message.contains(name) == true && e?.message.contains("not supported") == true
        }
    }

    @Test func unsupportedFramesSayWhy() {
        let cases: [([UInt8], String)] = [
            (Self.file([(0xC1, Self.frame(precision: 12, Self.ycc))]), "12-bit precision"),
            (Self.file([(0xC0, Self.frame(Self.ycc + [(4, 0x11, 0)]))]), "4-component CMYK"),
            (Self.file([(0xEE, Array("Adobe".utf8) + [0, 100, 0, 0, 0, 0, 2]),
                        (0xC0, Self.frame(Self.ycc + [(4, 0x11, 0)]))]), "YCCK (Adobe transform 2)"),
            (Self.file([(0xC0, Self.frame([(1, 0x11, 0), (2, 0x11, 0)]))]), "2-component"),
            (Self.file([(0xC0, [8, 0, 0, 0, 16, 1, 1, 0x11, 0])]), "height 0"),
            (Self.file([(0xC0, Self.frame([(1, 0x51, 0)]))]), "sampling factors 5×1"),
            (Self.file([(0xC0, Self.frame(Self.ycc)), (0xC0, Self.frame(Self.ycc))]), "a second frame header"),
            (Self.file([(0xDB, [0x04] + [UInt8](repeating: 1, count: 64))]), "table index 4"),
            (Self.file([(0xC4, [0x00] + [UInt8](repeating: 20, count: 16))]), "claims 320 symbols"),
            (Self.file([(0xDD, [0, 4, 0])]), "a DRI marker is 4 bytes long"),
            (Self.file([(0xC0, Self.frame(Self.ycc)), (0xDA, [1, 9, 0, 0, 63, 0])]), "component id 9 is not in the frame"),
            ([0x89, 0x50, 0x4E, 0x47], "not a JPEG file"),
            ([], "not a JPEG file"),
            ([0xFF, 0xD8, 0xFF, 0xD9], "no image"),
        ]
        for (bytes, phrase) in cases {
            #expect("refuses with '\(phrase)'") {
                _ = try JPEGReader.read(bytes)
            } throws: { error in
                (error as? JPEGDecodeError)?.message.contains(phrase) == true
            }
        }
    }

    @Test func framePropertiesAreReported() throws {
        let scratch = try ScratchFolder()
        let image = try Fixtures.load("coffee.png").window(x: 0, y: 0, width: 90, height: 70)
        let expectations: [([String], JPEGFrameType, JPEGColourSpace, ChromaSubsampling?, [(Int, Int)], Int)] = [
            (["-sample", "2x2"], .baseline, .yCbCr, .s420, [(2, 2), (1, 1), (1, 1)], 0),
            (["-sample", "4x1,2x1,2x1"], .baseline, .yCbCr, .s422, [(4, 1), (2, 1), (2, 1)], 0),
            (["-sample", "1x2", "-restart", "3B"], .baseline, .yCbCr, nil, [(1, 2), (1, 1), (1, 1)], 3),
            (["-progressive", "-sample", "2x1"], .progressive, .yCbCr, .s422, [(2, 1), (1, 1), (1, 1)], 0),
            (["-quality", "3"], .extendedSequential, .yCbCr, .s420, [(2, 2), (1, 1), (1, 1)], 0),
            (["-rgb"], .baseline, .rgb, nil, [(1, 1), (1, 1), (1, 1)], 0),
            (["-grayscale"], .baseline, .grey, .gray, [(1, 1)], 0),
        ]
        for (options, type, colour, chroma, factors, interval) in expectations {
            let decoded = try JPEGReader.read(try CjpegFileTests.cjpeg(image, options, in: scratch))
            let label = options.joined(separator: " ")
            #expect(decoded.frameType == type && decoded.colourSpace == colour && decoded.chroma == chroma, "\(label)")
            #expect(decoded.frameComponents.map { [$0.h, $0.v] } == factors.map { [$0.0, $0.1] }, "\(label)")
            #expect(decoded.restartInterval == interval && decoded.width == 90 && decoded.height == 70, "\(label)")
            #expect(decoded.encoded.chroma == (chroma ?? .s444), "\(label)")
        }
    }

    /// A component whose factors do not divide the largest: the coefficients read, the pixels are
    /// refused (libjpeg: "Fractional sampling not implemented yet").
    @Test func fractionalSamplingIsRefusedForPixels() throws {
        let image = try Fixtures.load("coffee.png").window(x: 0, y: 0, width: 48, height: 32)
        var jpeg = try LibJPEG.encode(samples: image.samples, width: 48, height: 32, components: 3, quality: 80, chroma: .s422)
        let sof = MalformedFileTests.segments(jpeg).first { $0.code == 0xC0 }!
        jpeg[sof.offset + 11] = 0x31   // luma 3×1 …
        jpeg[sof.offset + 14] = 0x21   // … and Cb 2×1
        let decoded = try JPEGReader.read(jpeg)
        #expect(decoded.upsamplingRatios[1] == nil && decoded.chroma == nil)
        #expect {
            _ = try decoded.pixels(codec: try ImageCodec(config: .libjpeg), upsampling: .fancy)
        } throws: { error in
            (error as? JPEGDecodeError)?.message.contains("fractional upsampling") == true
        }
    }

    /// The narrow preset (saturating 8- to 16-bit registers) decodes real files through the same path;
    /// the report of its registers comes back, the image stays close to libjpeg's (on these files its
    /// registers are wide enough to give the same one), and a file whose steps are far larger than
    /// its coefficients expect overflows the 12-bit dequantized register.
    @Test func narrowConfigurationDecodesRealFiles() throws {
        let config = try #require(DatapathConfig.preset(named: "narrow"))
        let narrow = try ImageCodec(config: config, threads: 2)
        let scratch = try ScratchFolder()
        let coffee = try Fixtures.load("coffee.png")
        let files: [(String, [UInt8])] = [
            ("baseline 4:2:0 q75", try LibJPEG.encode(samples: coffee.samples, width: coffee.width, height: coffee.height,
                                                      components: 3, quality: 75, chroma: .s420)),
            ("progressive", try CjpegFileTests.cjpeg(coffee, ["-progressive"], in: scratch)),
            ("4:1:1", try CjpegFileTests.cjpeg(coffee, ["-sample", "4x1"], in: scratch)),
            ("grey q90", try CjpegFileTests.cjpeg(try Fixtures.load("camera.png"), ["-quality", "90"], in: scratch)),
        ]
        for (name, jpeg) in files {
            let decoded = try JPEGReader.read(jpeg)
            let picture = try decoded.pixels(codec: narrow, upsampling: .fancy)
            let reference = try LibJPEG.decode(jpeg: jpeg, fancyUpsampling: true)
            #expect(picture.image.width == reference.width && picture.image.samples.count == reference.samples.count, "\(name)")
            #expect(picture.report.maximum[.dequantized] != nil && picture.report.maximum[.idctWorkspace] != nil, "\(name)")
            let worst = zip(picture.image.samples, reference.samples).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(worst < 64, "\(name): largest difference from libjpeg \(worst)")
            if let chroma = decoded.chroma {
                var layout = decoded.encoded
                layout.chroma = chroma
                #expect(narrow.decode(layout, upsampling: .fancy).0 == picture.image, "\(name): not ImageCodec.decode's image")
            }
        }
        // The grey file with every step of its table set to 200.
        var jpeg = files[3].1
        let dqt = MalformedFileTests.segments(jpeg).first { $0.code == 0xDB }!
        for i in (dqt.offset + 5)..<(dqt.offset + 69) { jpeg[i] = 200 }
        let picture = try JPEGReader.decode(jpeg, codec: narrow)
        #expect(picture.report.overflows[.dequantized, default: 0] > 0)
    }
}
