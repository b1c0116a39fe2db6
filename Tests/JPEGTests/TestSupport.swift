import Foundation
import Golden
import ImageIO
import JPEG
import LibJPEGReference

enum Paths {
    /// The repository root, found from this file's location.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// ../shared/images beside the repository.
    static let sharedImages = repository.deletingLastPathComponent().appendingPathComponent("shared/images")
}

enum Fixtures {
    static let imageNames = ["astronaut.png", "brick.png", "camera.png", "coffee.png", "coffee_16bit.png", "horse.png"]

    static func load(_ name: String) throws -> Image {
        try PNGFile.read(Paths.sharedImages.appendingPathComponent(name).path)
    }

    /// The chroma modes an image is coded in: grey alone for a grey image.
    static func chromaModes(_ image: Image) -> [ChromaSubsampling] {
        image.components == 1 ? [.gray] : [.s420, .s422, .s444]
    }

    static func subsampling(_ chroma: ChromaSubsampling) -> LibJPEG.Subsampling {
        switch chroma {
        case .s444: .s444
        case .s422: .s422
        case .s420: .s420
        case .gray: .gray
        }
    }

    static func restart(_ r: RestartInterval?) -> LibJPEG.EncodeOptions.Restart? {
        switch r {
        case .mcus(let n): .mcus(n)
        case .rows(let n): .rows(n)
        case nil: nil
        }
    }
}

/// One file written both ways: the golden model's coefficients through `JPEGWriter`, and the pixels
/// through libjpeg-turbo's compressor with the same settings.
struct WriterComparison {
    var name: String
    var quality: Int
    var chroma: ChromaSubsampling
    var options: JPEGWriteOptions

    var setting: String {
        var text = "\(name) q\(quality) \(chroma.rawValue)"
        if options.optimizeHuffman { text += " optimize" }
        switch options.restart {
        case .rows(let n): text += " restart \(n) rows"
        case .mcus(let n): text += " restart \(n) MCUs"
        case nil: break
        }
        return text
    }

    struct Outcome {
        var mismatch: String?
        var bytes: Int
    }

    func run(_ image: Image, codec: ImageCodec) throws -> Outcome {
        let (encoded, _) = codec.encode(image, settings: EncodeSettings(quality: quality, chroma: chroma))
        let mine = try JPEGWriter.write(encoded, options: options)
        let reference = try LibJPEG.encode(
            samples: image.samples, width: image.width, height: image.height, components: image.components,
            quality: quality, chroma: Fixtures.subsampling(encoded.chroma),
            options: .init(optimizeCoding: options.optimizeHuffman, restart: Fixtures.restart(options.restart)))
        let mismatch = ByteDiff.describe(expected: reference, actual: mine).map { "\(setting) \(image.width)×\(image.height): \($0)" }
        return Outcome(mismatch: mismatch, bytes: reference.count)
    }
}

/// Where two JPEG files first differ, named by the marker segment that holds the byte.
enum ByteDiff {
    static func describe(expected: [UInt8], actual: [UInt8]) -> String? {
        let common = min(expected.count, actual.count)
        guard let offset = (0..<common).first(where: { expected[$0] != actual[$0] }) ?? (expected.count == actual.count ? nil : common)
        else { return nil }
        let got = offset < actual.count ? String(format: "%02X", actual[offset]) : "end of file"
        let want = offset < expected.count ? String(format: "%02X", expected[offset]) : "end of file"
        return "\(expected.count) bytes expected, \(actual.count) written; first difference at byte \(offset)"
            + " (\(segment(containing: offset, in: expected))): expected \(want), got \(got)"
    }

    /// "DHT at 0x…" for a marker segment, "entropy-coded data after RST3 at …" inside the scan.
    static func segment(containing offset: Int, in file: [UInt8]) -> String {
        var i = 2
        if offset < 2 { return "SOI" }
        while i + 3 < file.count, file[i] == 0xFF {
            let marker = file[i + 1]
            let length = Int(file[i + 2]) << 8 | Int(file[i + 3])
            let end = i + 2 + length
            if offset < end { return "\(name(marker)) segment at byte \(i), its byte \(offset - i)" }
            i = end
            if marker == Marker.sos { break }
        }
        // The scan: the last marker before the offset.
        var last = "SOS"
        var lastAt = i
        var j = i
        while j + 1 < file.count && j < offset {
            if file[j] == 0xFF && file[j + 1] != 0 {
                last = name(file[j + 1])
                lastAt = j
            }
            j += 1
        }
        return "entropy-coded data after \(last) at byte \(lastAt), \(offset - lastAt) bytes on"
    }

    static func name(_ marker: UInt8) -> String {
        switch marker {
        case Marker.soi: "SOI"
        case Marker.eoi: "EOI"
        case Marker.sos: "SOS"
        case Marker.dqt: "DQT"
        case Marker.dht: "DHT"
        case Marker.dri: "DRI"
        case Marker.app0: "APP0"
        case Marker.sof0: "SOF0"
        case Marker.sof1: "SOF1"
        case Marker.sof2: "SOF2"
        case 0xD0...0xD7: "RST\(marker - 0xD0)"
        default: String(format: "marker FF%02X", marker)
        }
    }
}
