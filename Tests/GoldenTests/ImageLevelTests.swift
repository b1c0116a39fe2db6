import Foundation
import Golden
import ImageIO
import LibJPEGReference
import Testing

/// Whole images through the golden model and through libjpeg-turbo with the same settings: the
/// quantized coefficients and the decoded samples must be identical.
@Suite struct ImageLevelTests {
    static let imageNames = ["astronaut.png", "brick.png", "camera.png", "coffee.png", "coffee_16bit.png", "horse.png"]
    static let qualities = [10, 50, 75, 90, 100]

    static func load(_ name: String) throws -> Image {
        try PNGFile.read(Paths.sharedImages.appendingPathComponent(name).path)
    }

    /// A window holds the pixels it covers, and stops at the image's edges.
    @Test func windowsCopyTheirPixelsAndClipAtTheEdges() {
        var image = Image(width: 5, height: 4, components: 3)
        for i in image.samples.indices { image.samples[i] = UInt8(i) }
        let inside = image.window(x: 1, y: 2, width: 3, height: 2)
        #expect(inside.width == 3 && inside.height == 2 && inside.components == 3)
        #expect(inside[0, 0, 0] == image[1, 2, 0] && inside[2, 1, 2] == image[3, 3, 2])
        let clipped = image.window(x: 3, y: 1, width: 10, height: 10)
        #expect(clipped.width == 2 && clipped.height == 3 && clipped[1, 2, 1] == image[4, 3, 1])
        #expect(image.window(x: 7, y: -2, width: 3, height: 3).pixelCount == 0)
    }

    /// Compares one image at one setting; returns a list of mismatch descriptions (empty = identical).
    static func compare(_ image: Image, name: String, quality: Int, chroma: ChromaSubsampling) throws -> [String] {
        let codec = try ImageCodec(config: .libjpeg, threads: 2)
        let (encoded, _) = codec.encode(image, settings: EncodeSettings(quality: quality, chroma: chroma))
        let subsampling: LibJPEG.Subsampling = switch encoded.chroma {
        case .s444: .s444
        case .s422: .s422
        case .s420: .s420
        case .gray: .gray
        }
        let jpeg = try LibJPEG.encode(samples: image.samples, width: image.width, height: image.height,
                                      components: image.components, quality: quality, chroma: subsampling)
        let reference = try LibJPEG.readCoefficients(jpeg: jpeg)
        var problems: [String] = []
        let setting = "\(name) \(image.width)×\(image.height) q\(quality) \(encoded.chroma.rawValue)"
        guard reference.count == encoded.components.count else {
            return ["\(setting): libjpeg has \(reference.count) components, the model \(encoded.components.count)"]
        }
        for (ci, (ref, mine)) in zip(reference, encoded.components).enumerated() {
            if ref.widthInBlocks != mine.blocksWide || ref.heightInBlocks != mine.blocksHigh {
                problems.append("\(setting) component \(ci): libjpeg has \(ref.widthInBlocks)×\(ref.heightInBlocks) blocks, "
                                + "the model \(mine.blocksWide)×\(mine.blocksHigh)")
                continue
            }
            if ref.quant.map(Int.init) != mine.table.values {
                problems.append("\(setting) component \(ci): quantization tables differ")
            }
            var count = 0
            var first = ""
            for i in 0..<ref.coefficients.count where Int32(ref.coefficients[i]) != mine.coefficients[i] {
                if count == 0 {
                    first = "block \(i / 64) (x \(i / 64 % mine.blocksWide), y \(i / 64 / mine.blocksWide)), index \(i % 64): "
                        + "expected \(ref.coefficients[i]), got \(mine.coefficients[i])"
                }
                count += 1
            }
            if count > 0 { problems.append("\(setting) component \(ci): \(count) coefficients differ; first: \(first)") }
        }
        for upsampling in Upsampling.allCases {
            let decoded = try LibJPEG.decode(jpeg: jpeg, fancyUpsampling: upsampling == .fancy)
            let (mine, _) = codec.decode(encoded, upsampling: upsampling)
            guard decoded.samples.count == mine.samples.count else {
                problems.append("\(setting) \(upsampling): decoded sizes differ"); continue
            }
            var count = 0
            var first = ""
            for i in 0..<mine.samples.count where decoded.samples[i] != mine.samples[i] {
                if count == 0 {
                    let pixel = i / mine.components
                    first = "x \(pixel % mine.width), y \(pixel / mine.width), component \(i % mine.components): "
                        + "expected \(decoded.samples[i]), got \(mine.samples[i])"
                }
                count += 1
            }
            if count > 0 { problems.append("\(setting) \(upsampling) decode: \(count) samples differ; first: \(first)") }
        }
        return problems
    }

    @Test(arguments: imageNames)
    func everyImageAtEveryQualityMatchesLibjpeg(name: String) throws {
        let image = try Self.load(name)
        let modes: [ChromaSubsampling] = image.components == 1 ? [.gray] : [.s420, .s444, .s422]
        var settings = 0
        for quality in Self.qualities {
            for chroma in modes {
                let problems = try Self.compare(image, name: name, quality: quality, chroma: chroma)
                #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
                settings += 1
            }
        }
        #expect(settings == Self.qualities.count * modes.count)
    }

    @Test func oddSizesMatchLibjpeg() throws {
        let coffee = try Self.load("coffee.png")
        let camera = try Self.load("camera.png")
        let sizes = [(1, 1), (17, 9), (2, 2), (3, 5), (33, 17), (100, 7), (7, 100), (250, 131), (16, 16), (24, 40)]
        for (w, h) in sizes {
            for source in [coffee, camera] {
                let image = source.window(x: 101, y: 53, width: w, height: h)
                let modes: [ChromaSubsampling] = image.components == 1 ? [.gray] : [.s420, .s444, .s422]
                for chroma in modes {
                    for quality in [50, 90] {
                        let problems = try Self.compare(image, name: "crop", quality: quality, chroma: chroma)
                        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
                    }
                }
            }
        }
    }
}
