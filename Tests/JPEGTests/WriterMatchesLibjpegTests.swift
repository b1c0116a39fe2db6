import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// The golden model's coefficients (DatapathConfig.libjpeg) written by JPEGWriter must be the very
/// bytes libjpeg-turbo's compressor writes for the same pixels and settings (the in-process
/// compressor stands for `cjpeg -dct int -baseline`; CjpegTests shows they agree).
@Suite struct WriterMatchesLibjpegTests {
    static let qualities = [1, 10, 50, 75, 90, 100]

    /// Runs the comparisons, expects no mismatch, prints the tally; returns the number of files.
    @discardableResult
    static func check(_ image: Image, _ comparisons: [WriterComparison], label: String) throws -> Int {
        let codec = try ImageCodec(config: .libjpeg, threads: 1, trackRanges: false)
        var identical = 0, bytes = 0
        for comparison in comparisons {
            let outcome = try comparison.run(image, codec: codec)
            if let mismatch = outcome.mismatch { Issue.record(Comment(rawValue: mismatch)) } else { identical += 1 }
            bytes += outcome.bytes
        }
        print("JPEGWriter vs libjpeg, \(label): \(identical) of \(comparisons.count) files identical (\(bytes) bytes)")
        return comparisons.count
    }

    /// Every image × quality × chroma mode, with the Annex K tables and with optimized ones.
    @Test(arguments: Fixtures.imageNames)
    func everyQualityAndChroma(name: String) throws {
        let image = try Fixtures.load(name)
        var comparisons: [WriterComparison] = []
        for quality in Self.qualities {
            for chroma in Fixtures.chromaModes(image) {
                for optimize in [false, true] {
                    comparisons.append(WriterComparison(name: name, quality: quality, chroma: chroma,
                                                        options: JPEGWriteOptions(optimizeHuffman: optimize)))
                }
            }
        }
        let files = try Self.check(image, comparisons, label: name)
        #expect(files == Self.qualities.count * Fixtures.chromaModes(image).count * 2)
    }

    /// Restarts every MCU row (cjpeg -restart 1) and every 5 MCUs (-restart 5B), plain and optimized.
    @Test(arguments: ["astronaut.png", "camera.png", "horse.png"])
    func restartIntervals(name: String) throws {
        let image = try Fixtures.load(name)
        var comparisons: [WriterComparison] = []
        for quality in [10, 75, 100] {
            for chroma in Fixtures.chromaModes(image) {
                for restart in [RestartInterval.rows(1), .mcus(5)] {
                    for optimize in [false, true] {
                        comparisons.append(WriterComparison(
                            name: name, quality: quality, chroma: chroma,
                            options: JPEGWriteOptions(optimizeHuffman: optimize, restart: restart)))
                    }
                }
            }
        }
        try Self.check(image, comparisons, label: "\(name) with restarts")
    }

    /// Sizes that leave partial MCUs (dummy blocks at the right and bottom) or are smaller than one.
    @Test(arguments: [(1, 1), (7, 9), (17, 9), (33, 17), (250, 131)])
    func crops(width: Int, height: Int) throws {
        for name in ["coffee.png", "camera.png"] {
            let image = try Fixtures.load(name).window(x: 101, y: 53, width: width, height: height)
            var comparisons: [WriterComparison] = []
            for chroma in Fixtures.chromaModes(image) {
                for quality in [50, 90] {
                    for (optimize, restart) in [(false, nil), (true, nil), (false, RestartInterval.mcus(5)), (true, .rows(1))] {
                        comparisons.append(WriterComparison(
                            name: "\(name) crop", quality: quality, chroma: chroma,
                            options: JPEGWriteOptions(optimizeHuffman: optimize, restart: restart)))
                    }
                }
            }
            try Self.check(image, comparisons, label: "\(name) \(width)×\(height)")
        }
    }
}
