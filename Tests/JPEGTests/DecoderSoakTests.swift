import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// A longer mutation run than MalformedFileTests, over more layouts and more kinds of damage (inserted,
/// deleted, duplicated and spliced ranges, extreme header fields). Opt-in, for a debug build (overflow
/// and bounds traps on): JPEG_DECODER_SOAK=<mutations per file> swift test --filter DecoderSoakTests
/// SOAK_DUMP="file F trial T" (with the same count) writes that case to /tmp/soak.jpg.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["JPEG_DECODER_SOAK"] != nil))
struct DecoderSoakTests {
    @Test func mutations() throws {
        let perFile = Int(ProcessInfo.processInfo.environment["JPEG_DECODER_SOAK"] ?? "") ?? 2000
        let scratch = try ScratchFolder()
        let colour = try Fixtures.load("astronaut.png").window(x: 100, y: 80, width: 53, height: 37)
        let grey = try Fixtures.load("brick.png").window(x: 10, y: 10, width: 30, height: 21)
        let variants: [(Image, [String])] = [
            (colour, ["-progressive", "-restart", "2B"]), (colour, ["-sample", "4x1"]), (colour, ["-sample", "1x2", "-optimize"]),
            (colour, ["-sample", "1x1,2x2,2x1"]), (colour, ["-rgb", "-restart", "1"]), (grey, ["-progressive"]),
            (grey, ["-quality", "5"]), (colour, ["-sample", "2x4", "-progressive"]),
        ]
        var sources = try variants.map { try CjpegFileTests.cjpeg($0.0, $0.1, in: scratch) }
        sources.append(try LibJPEG.encode(samples: colour.samples, width: colour.width, height: colour.height,
                                          components: 3, quality: 90, chroma: .s422))
        let codec = try ImageCodec(config: .libjpeg)
        let narrow = try ImageCodec(config: DatapathConfig.preset(named: "narrow")!)
        let budget = MemoryBudget(bytes: 256 << 20)
        var generator = SplitMix64(seed: 0xD0D0)
        func random(_ n: Int) -> Int { Int(generator.next() % UInt64(max(1, n))) }
        var counts = [0, 0], agreements = 0, problems: [String] = []
        for (f, source) in sources.enumerated() {
            for trial in 0..<perFile {
                var bytes = source
                for _ in 0..<(1 + random(3)) {
                    let at = random(bytes.count)
                    switch random(7) {
                    case 0: bytes[at] ^= UInt8(1 << random(8))
                    case 1: bytes[at] = UInt8(random(256))
                    case 2: bytes.insert(contentsOf: (0..<(1 + random(8))).map { _ in UInt8(random(256)) }, at: at)
                    case 3: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random(40)))
                    case 4:
                        let from = random(bytes.count), length = min(1 + random(60), bytes.count - from)
                        bytes.insert(contentsOf: bytes[from..<(from + length)], at: at)
                    case 5:
                        let other = sources[random(sources.count)], from = random(other.count)
                        bytes.replaceSubrange(at..<min(bytes.count, at + 30), with: other[from..<min(other.count, from + 30)])
                    default:
                        // An extreme value in a header field: a byte of the first 200 set to 0, 1, FF or a marker.
                        let header = random(min(200, bytes.count))
                        bytes[header] = [0x00, 0x01, 0xFF, 0xC0, 0xDA, 0xD9, 0x44, 0x11][random(8)]
                    }
                    if bytes.isEmpty { bytes = [0xFF] }
                }
                let label = "file \(f) trial \(trial)"
                if ProcessInfo.processInfo.environment["SOAK_DUMP"] == label { try? Data(bytes).write(to: URL(fileURLWithPath: "/tmp/soak.jpg")) }
                do {
                    let decoded = try JPEGReader.read(bytes, budget: budget)
                    let picture = try decoded.pixels(codec: trial % 2 == 0 ? codec : narrow, upsampling: trial % 3 == 0 ? .box : .fancy,
                                                     budget: budget)
                    #expect(picture.image.width == decoded.width && picture.image.height == decoded.height, "\(label)")
                    counts[0] += 1
                    if let reference = try? LibJPEG.readCoefficients(jpeg: bytes, toleratingWarnings: true) {
                        problems += Reference.compareCoefficients(reference.components, decoded, label)
                        agreements += 1
                    }
                } catch {
                    #expect(error.message.count > 10, "\(label): '\(error.message)'")
                    counts[1] += 1
                }
            }
        }
        print("soak: \(counts[0]) images, \(counts[1]) errors, \(agreements) compared with libjpeg")
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        #expect(counts[0] > 0 && counts[1] > 0)
    }
}
