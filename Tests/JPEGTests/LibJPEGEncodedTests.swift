import Golden
import JPEG
import LibJPEGReference
import Testing

/// Files from the in-process libjpeg-turbo encoder (baseline, default tables) for every shared image:
/// the coefficients equal `jpeg_read_coefficients`' and the pixels equal djpeg's, fancy and box.
@Suite struct LibJPEGEncodedTests {
    static let qualities = [10, 50, 75, 95, 100]

    @Test(arguments: Fixtures.imageNames)
    func everyLayoutAndQuality(name: String) throws {
        let image = try Fixtures.load(name)
        let codec = try ImageCodec(config: .libjpeg, threads: 2)
        let layouts: [LibJPEG.Subsampling] = image.components == 1 ? [.gray] : [.s420, .s422, .s444]
        var problems: [String] = []
        var files = 0, samples = 0
        for layout in layouts {
            for quality in Self.qualities {
                let jpeg = try LibJPEG.encode(samples: image.samples, width: image.width, height: image.height,
                                              components: image.components, quality: quality, chroma: layout)
                let result = try Reference.check(jpeg, "\(name) q\(quality) \(layout.name)", codec: codec)
                problems += result.problems
                samples += result.samples
                files += 1
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(8).joined(separator: "\n"))")
        #expect(files == layouts.count * Self.qualities.count && samples > 0)
    }
}
