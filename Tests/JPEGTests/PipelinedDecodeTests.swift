import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// `JPEGReader.decode` decodes a sequential file in bands (the pixel stage following the entropy
/// decoder band by band, on its thread or on another): it must give what `read` then `pixels` gives — image,
/// warnings, and the IDCT's overflow report — for every layout, restart setting, a narrow datapath
/// that overflows, and files the plan does not fit (progressive, RGB), which take the plain path.
@Suite struct PipelinedDecodeTests {
    static func statistics(_ report: OverflowReport) -> [String] {
        Register.all.map { "\($0): \(report.overflows[$0] ?? 0) [\(report.minimum[$0].map(String.init) ?? "-"), \(report.maximum[$0].map(String.init) ?? "-")]" }
    }

    @Test func pipelinedEqualsReadThenPixels() throws {
        let coffee = try Fixtures.load("coffee.png")
        let odd = coffee.window(x: 5, y: 3, width: 333, height: 217)
        let grey = try Fixtures.load("camera.png")
        var files: [(String, [UInt8])] = []
        for (name, image) in [("coffee", coffee), ("coffee 333×217", odd), ("camera", grey)] {
            for chroma in Fixtures.chromaModes(image) {
                for restart in [0, 3] {
                    files.append(("\(name) \(chroma.rawValue) restart \(restart)",
                                  try LibJPEG.encode(samples: image.samples, width: image.width, height: image.height,
                                                     components: image.components, quality: 80,
                                                     chroma: Fixtures.subsampling(chroma),
                                                     options: LibJPEG.EncodeOptions(restart: restart > 0 ? .rows(restart) : nil))))
                }
            }
        }
        files.append(("coffee progressive", try LibJPEG.encode(samples: coffee.samples, width: coffee.width, height: coffee.height,
                                                               components: 3, quality: 80, chroma: .s420,
                                                               options: LibJPEG.EncodeOptions(progressive: true))))
        let baseline = files[0].1
        files.append(("coffee cut short", Array(baseline.prefix(baseline.count * 2 / 3))))
        var narrow = DatapathConfig.libjpeg
        narrow.name = "idct-workspace-12"
        narrow.registers[.idctWorkspace] = .wrap(12)
        var checked = 0
        for config in [DatapathConfig.libjpeg, narrow] {
            let one = try ImageCodec(config: config, threads: 1)
            for (name, jpeg) in files {
                let reference = try JPEGReader.read(jpeg).pixels(codec: one, upsampling: .fancy)
                for threads in [1, 2, 3, 8] {
                    let codec = try ImageCodec(config: config, threads: threads)
                    let picture = try JPEGReader.decode(jpeg, codec: codec)
                    let label = "\(name), \(config.name), \(threads) threads"
                    #expect(picture.image == reference.image, "\(label): image")
                    #expect(picture.warnings == reference.warnings, "\(label): warnings")
                    #expect(Self.statistics(picture.report) == Self.statistics(reference.report), "\(label): report")
                    checked += 1
                }
            }
        }
        #expect(checked == 2 * files.count * 4)
        // The narrow datapath does overflow, so the reports compared are not empty.
        let overflowing = try JPEGReader.decode(baseline, codec: try ImageCodec(config: narrow, threads: 2))
        #expect(overflowing.report.totalOverflows > 0)
    }
}
