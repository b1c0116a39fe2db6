import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// A corpus of damaged files made from a few real ones: every outcome is an image or a thrown
/// `JPEGDecodeError` whose text names the problem; nothing crashes or hangs. Where libjpeg recovers
/// (truncated data, bad restart markers, flipped entropy bytes in a sequential file), the pixels equal
/// those of the djpeg binary, which writes its image despite the warnings.
@Suite(.timeLimit(.minutes(2))) struct MalformedFileTests {
    /// Small real files: baseline 4:2:0, baseline with restarts, progressive, grey optimized.
    static func sources() throws -> [(name: String, jpeg: [UInt8])] {
        let scratch = try ScratchFolder()
        let colour = try Fixtures.load("coffee.png").window(x: 200, y: 100, width: 61, height: 45)
        let grey = try Fixtures.load("camera.png").window(x: 150, y: 150, width: 40, height: 33)
        func cjpeg(_ image: Image, _ options: [String]) throws -> [UInt8] {
            try CjpegFileTests.cjpeg(image, options, in: scratch)
        }
        return [
            ("baseline 4:2:0", try LibJPEG.encode(samples: colour.samples, width: colour.width, height: colour.height,
                                                  components: 3, quality: 80, chroma: .s420)),
            ("restart every 2 MCUs", try cjpeg(colour, ["-restart", "2B", "-sample", "2x1"])),
            ("progressive", try cjpeg(colour, ["-progressive"])),
            ("grey optimized", try cjpeg(grey, ["-optimize", "-quality", "90"])),
        ]
    }

    /// Marker segments before the first scan: (code, offset of FF, length field).
    static func segments(_ jpeg: [UInt8]) -> [(code: UInt8, offset: Int, length: Int)] {
        var list: [(UInt8, Int, Int)] = []
        var i = 2
        while i + 3 < jpeg.count && jpeg[i] == 0xFF {
            let code = jpeg[i + 1], length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            list.append((code, i, length))
            if code == 0xDA { break }
            i += 2 + length
        }
        return list
    }

    /// Reads, and on success decodes to pixels; an error must say something. Returns the image or nil.
    @discardableResult
    /// `read` then `pixels`; and `JPEGReader.decode` on one and two threads (in bands, for a sequential
    /// file), which must give the same image, warnings and error.
    static func attempt(_ jpeg: [UInt8], _ label: String, codec: ImageCodec,
                        budget: MemoryBudget = .standard) -> (image: Image?, error: JPEGDecodeError?, warnings: [String]) {
        let direct = [1, 2].map { threads in
            var banded = codec
            banded.threads = threads
            return Result { () throws(JPEGDecodeError) in
                try JPEGReader.decode(jpeg, codec: banded, upsampling: .fancy, budget: budget)
            }
        }
        do {
            let decoded = try JPEGReader.read(jpeg, budget: budget)
            let picture = try decoded.pixels(codec: codec, upsampling: .fancy, budget: budget)
            #expect(picture.image.width == decoded.width && picture.image.height == decoded.height, "\(label)")
            for (threads, result) in zip([1, 2], direct) {
                let same = (try? result.get()).map { $0.image == picture.image && $0.warnings == picture.warnings } ?? false
                #expect(same, "\(label): JPEGReader.decode on \(threads) thread(s) differs from read + pixels")
            }
            return (picture.image, nil, picture.warnings)
        } catch {
            #expect(error.message.count > 10 && error.message.contains(where: \.isLetter), "\(label): '\(error.message)'")
            for (threads, result) in zip([1, 2], direct) {
                if case .failure(let other) = result {
                    #expect(other.message == error.message, "\(label): decode on \(threads) thread(s) fails with '\(other.message)'")
                } else {
                    Issue.record("\(label): JPEGReader.decode on \(threads) thread(s) gives an image, read + pixels '\(error.message)'")
                }
            }
            return (nil, error, [])
        }
    }

    @Test func truncationAtEveryOffset() throws {
        let codec = try ImageCodec(config: .libjpeg)
        var images = 0, errors = 0
        for (name, jpeg) in try Self.sources() {
            let dataStart = Self.segments(jpeg).last { $0.code == 0xDA }.map { $0.offset + 2 + $0.length }!
            for length in 0..<jpeg.count {
                let result = Self.attempt(Array(jpeg.prefix(length)), "\(name) cut at \(length)", codec: codec)
                if result.image != nil { images += 1 } else { errors += 1 }
                // Before the scan data there is no image; from there on always one (grey where data is missing).
                #expect((result.image != nil) == (length >= dataStart), "\(name) cut at \(length): \(String(describing: result.error))")
            }
        }
        #expect(images > 0 && errors > 0)
    }

    @Test func seededByteChanges() throws {
        let codec = try ImageCodec(config: .libjpeg)
        var generator = SplitMix64(seed: 0x5EED_F11E)
        var outcomes = [0, 0], bothRead = 0
        var problems: [String] = []
        for (name, jpeg) in try Self.sources() {
            for trial in 0..<400 {
                var damaged = jpeg
                let changes = 1 + Int(generator.next() % 4)
                for _ in 0..<changes {
                    let index = Int(generator.next() % UInt64(damaged.count))
                    damaged[index] = trial % 3 == 0 ? damaged[index] ^ UInt8(1 << (generator.next() % 8))
                                                    : UInt8(truncatingIfNeeded: generator.next())
                }
                let result = Self.attempt(damaged, "\(name) trial \(trial)", codec: codec)
                outcomes[result.image == nil ? 1 : 0] += 1
                // Where libjpeg (recovering as djpeg does) and the decoder both read the file, they agree.
                if let reference = try? LibJPEG.readCoefficients(jpeg: damaged, toleratingWarnings: true),
                   let decoded = try? JPEGReader.read(damaged) {
                    problems += Reference.compareCoefficients(reference.components, decoded, "\(name) trial \(trial)")
                    bothRead += 1
                }
            }
        }
        #expect(outcomes[0] > 0 && outcomes[1] > 0, "images and errors: \(outcomes)")
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        #expect(bothRead > 100, "\(bothRead) files read by both")
    }

    @Test func badMarkerLengths() throws {
        let codec = try ImageCodec(config: .libjpeg)
        var refused = 0
        for (name, jpeg) in try Self.sources() {
            for segment in Self.segments(jpeg) {
                for length in Set([0, 1, 2, segment.length - 1, segment.length + 1, 0xFFFF]) {
                    var damaged = jpeg
                    damaged[segment.offset + 2] = UInt8(length >> 8)
                    damaged[segment.offset + 3] = UInt8(length & 0xFF)
                    let label = "\(name) \(String(segment.code, radix: 16)) length \(length)"
                    if Self.attempt(damaged, label, codec: codec).error != nil { refused += 1 }
                }
            }
        }
        #expect(refused > 0)
    }

    /// A 65535 × 65535 frame over a few hundred bytes: refused by the memory budget before anything is
    /// allocated from the claim; a small budget refuses a frame that fits the standard one.
    @Test func hugeClaimedSizesAreRefusedByTheBudget() throws {
        let (_, jpeg) = try Self.sources()[0]
        let sof = Self.segments(jpeg).first { $0.code == 0xC0 }!
        var huge = jpeg
        huge.replaceSubrange((sof.offset + 5)..<(sof.offset + 9), with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect {
            _ = try JPEGReader.read(huge)
        } throws: { error in
            let e = error as? JPEGDecodeError
            return e?.kind == .memoryBudget && e?.message.contains("65535 x 65535") == true
        }
        #expect(throws: JPEGDecodeError.self) { _ = try JPEGReader.read(jpeg, budget: MemoryBudget(bytes: 4096)) }
        let decoded = try JPEGReader.read(jpeg)
        let codec = try ImageCodec(config: .libjpeg)
        #expect(throws: JPEGDecodeError.self) {
            _ = try decoded.pixels(codec: codec, upsampling: .fancy, budget: MemoryBudget(bytes: 16 * 1024))
        }
    }

    /// Without its DHT markers a sequential file is read with the Annex K tables (as libjpeg does for
    /// Motion-JPEG); LibJPEG.encode uses exactly those, so nothing changes but a warning. A progressive
    /// file without them, or any file without its DQT, is refused naming the table.
    @Test func missingTables() throws {
        let sources = try Self.sources()
        func removing(_ code: UInt8, from jpeg: [UInt8]) -> [UInt8] {
            var out = jpeg
            for segment in Self.segments(jpeg).filter({ $0.code == code }).reversed() {
                out.removeSubrange(segment.offset..<(segment.offset + 2 + segment.length))
            }
            return out
        }
        let baseline = sources[0].jpeg
        let original = try JPEGReader.read(baseline)
        let withoutDHT = try JPEGReader.read(removing(0xC4, from: baseline))
        #expect(withoutDHT.encoded == original.encoded)
        #expect(withoutDHT.warnings.contains { $0.contains("Annex K") })
        for (name, jpeg, code, word) in [("progressive", sources[2].jpeg, UInt8(0xC4), "Huffman table"),
                                         ("baseline", baseline, UInt8(0xDB), "quantization table 0")] {
            #expect("\(name) without marker \(String(code, radix: 16)) names \(word)") {
                _ = try JPEGReader.read(removing(code, from: jpeg))
            } throws: { error in
                (error as? JPEGDecodeError)?.message.contains(word) == true
            }
        }
    }

    /// Damage libjpeg recovers from, compared with libjpeg itself:
    /// - coefficients: `jpeg_read_coefficients` letting libjpeg recover (as djpeg does) must give
    ///   exactly the decoder's, for truncated data (progressive too), renumbered and missing restart
    ///   markers, and changed bytes in the entropy-coded data;
    /// - pixels: for the truncated and restart-damaged sequential files, the djpeg binary's image.
    ///   Changed data bytes can drive the IDCT out of range, where djpeg's AVX2 IDCT (16-bit lanes
    ///   inside the passes) is not the C arithmetic the golden model follows, so those are compared
    ///   at the coefficient level only. djpeg saturates samples instead of indexing the C range-limit
    ///   table, so the pixel comparison uses the saturating range limit.
    @Test func recoveryMatchesLibjpeg() throws {
        var saturating = DatapathConfig.libjpeg
        saturating.rangeLimit = .saturate
        let codec = try ImageCodec(config: saturating)
        let scratch = try ScratchFolder()
        var generator = SplitMix64(seed: 42)
        var cases: [(label: String, jpeg: [UInt8], comparePixels: Bool)] = []
        for (name, jpeg) in try Self.sources() {
            let dataStart = Self.segments(jpeg).last { $0.code == 0xDA }.map { $0.offset + 2 + $0.length }!
            // A progressive file cut short misses scans, and djpeg smooths such blocks.
            let sequential = name != "progressive"
            for cut in stride(from: dataStart, to: jpeg.count, by: max(1, (jpeg.count - dataStart) / 16)) {
                cases.append(("\(name) cut at \(cut)", Array(jpeg.prefix(cut)), sequential))
            }
            for trial in 0..<60 {
                var damaged = jpeg
                let index = dataStart + Int(generator.next() % UInt64(jpeg.count - dataStart - 2))
                damaged[index] = trial % 2 == 0 ? damaged[index] ^ UInt8(1 << (generator.next() % 8))
                                                : UInt8(truncatingIfNeeded: generator.next())
                cases.append(("\(name) data change \(trial) at \(index)", damaged, false))
            }
            let restarts = (dataStart..<(jpeg.count - 1)).filter { jpeg[$0] == 0xFF && (0xD0...0xD7).contains(jpeg[$0 + 1]) }
            for (n, at) in restarts.prefix(6).enumerated() {
                var renumbered = jpeg
                renumbered[at + 1] = 0xD0 + UInt8((Int(jpeg[at + 1]) - 0xD0 + 1 + n % 4) & 7)
                cases.append(("\(name) RST at \(at) renumbered", renumbered, true))
                var removed = jpeg
                removed.removeSubrange(at..<(at + 2))
                cases.append(("\(name) RST at \(at) removed", removed, true))
                // An invalid marker code inside the segment: libjpeg's resynchronisation looks past it to
                // the next restart marker and carries on from there.
                var invalid = jpeg
                invalid.replaceSubrange((at - 6)..<(at - 4), with: [0xFF, 0x01])
                cases.append(("\(name) TEM before RST at \(at)", invalid, true))
            }
        }
        var problems: [String] = [], coefficientsCompared = 0, pixelsCompared = 0
        for (label, jpeg, comparePixels) in cases {
            let mine = Self.attempt(jpeg, label, codec: codec)
            guard let reference = try? LibJPEG.readCoefficients(jpeg: jpeg, toleratingWarnings: true) else {
                // The decoder keeps the image when the file ends inside a marker segment after the first
                // scan (libjpeg reads its inserted EOI as the segment's parameters and fails).
                if mine.image != nil && !mine.warnings.contains(where: { $0.contains("the file ends inside") }) {
                    problems.append("\(label): libjpeg fails, the decoder gives an image")
                }
                continue
            }
            guard let decoded = try? JPEGReader.read(jpeg) else {
                problems.append("\(label): libjpeg reads it, the decoder: \(String(describing: mine.error))")
                continue
            }
            problems += Reference.compareCoefficients(reference.components, decoded, label)
            coefficientsCompared += 1
            guard comparePixels, let image = mine.image else { continue }
            let input = scratch.file("case.jpg"), output = scratch.file("case.pnm")
            try Data(jpeg).write(to: input)
            try run("djpeg", ["-dct", "int", "-outfile", output.path, input.path], acceptStatus: [0, 2])
            let expected = try NetPBM.read(output)
            problems += Reference.differences(expected: expected.samples, width: expected.width, height: expected.height,
                                              components: expected.components, actual: image, label)
            pixelsCompared += 1
        }
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        #expect(coefficientsCompared > cases.count * 3 / 4 && pixelsCompared > 40,
                "\(coefficientsCompared) coefficient and \(pixelsCompared) pixel comparisons of \(cases.count) cases")
    }
}

/// Reads the binary PNM djpeg writes (P5 grey, P6 RGB, maxval 255).
enum NetPBM {
    static func read(_ url: URL) throws -> Image {
        let data = [UInt8](try Data(contentsOf: url))
        var fields: [String] = [], i = 0
        while fields.count < 4 && i < data.count {
            while i < data.count && (data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09) { i += 1 }
            var field = ""
            while i < data.count && !(data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09) {
                field.append(Character(UnicodeScalar(data[i])))
                i += 1
            }
            fields.append(field)
        }
        i += 1
        guard fields.count == 4, let width = Int(fields[1]), let height = Int(fields[2]), fields[3] == "255",
              fields[0] == "P5" || fields[0] == "P6" else { throw ToolFailure(description: "not a PNM djpeg writes: \(fields)") }
        let components = fields[0] == "P6" ? 3 : 1
        guard data.count - i == width * height * components else { throw ToolFailure(description: "PNM size mismatch") }
        return Image(width: width, height: height, components: components, samples: Array(data[i...]))
    }
}
