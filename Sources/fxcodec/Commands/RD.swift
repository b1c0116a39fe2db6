import ArgumentParser
import Foundation
import Golden
import ImageIO
import JPEG
import LibJPEGReference

/// `fxcodec rd`: rate against distortion over qualities, for datapath configurations and for
/// libjpeg-turbo itself, as a table, JSON and an SVG plot.
struct RD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rd",
        abstract: "Rate–distortion: bits per pixel against PSNR, SSIM and MS-SSIM over qualities, per configuration and for libjpeg-turbo.",
        discussion: """
            Every image is encoded to a real JPEG file at every quality by each configuration (the golden \
            model and its entropy coder) and by libjpeg-turbo in process (cjpeg -dct int -baseline settings), \
            then decoded (fancy upsampling) and measured. A point is the total bits over the total pixels \
            of all images, and the mean PSNR (dB, RGB or grey), SSIM (luma) and MS-SSIM (luma; images of at \
            least 176×176) over the images. Identical data has no finite PSNR: such an image is left out \
            of that mean (and counted in `identical`).

            Examples:
              fxcodec rd images/coffee.png --svg rd.svg
              fxcodec rd photos/*.png --preset libjpeg-islow --preset narrow --qualities 10,30,50,70,90 --json
            """)

    @Argument(help: "Input PNG images.")
    var images: [String]

    @Option(parsing: .unconditional, help: "Qualities, comma-separated (1...100).", transform: Checked.list(1...100))
    var qualities: [Int] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95]

    @Option(name: .customLong("preset"), help: "A named configuration (repeatable).")
    var presets: [String] = []

    @Option(name: .customLong("config"), help: "A configuration file (repeatable).")
    var configs: [String] = []

    @Option(help: "Chroma subsampling: 420, 422, 444 or gray.")
    var chroma: ChromaSubsampling = .s420

    @Flag(help: "Optimized Huffman tables (cjpeg -optimize), for every row.")
    var optimize = false

    @Flag(name: .customLong("no-libjpeg"), help: "Leave out libjpeg-turbo's own curve.")
    var noLibjpeg = false

    @Option(help: "Write the plot here (SVG: bits per pixel against PSNR and against SSIM).")
    var svg: String?

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var memory: MemoryBudgetOption

    @Flag(help: "Print JSON.")
    var json = false

    /// One point of a curve. `ms_ssim` null: every image is under 176×176; `psnr` null: every image identical.
    struct Point: Encodable {
        var quality: Int
        var bytes: Int
        var bitsPerPixel: Double
        var psnr: Double?
        var ssim: Double?
        var msSsim: Double?
        var identical: Int
    }

    struct Curve: Encodable {
        var name: String
        var source: String
        var points: [Point]
    }

    struct Result: Encodable {
        var images: [String]
        var pixels: Int
        var chroma: String
        var optimize: Bool
        var curves: [Curve]
    }

    /// What a codec under test does with one image at one quality: the file and the decoded image.
    typealias Codec = @Sendable (_ image: Image, _ quality: Int) throws -> (bytes: Int, decoded: Image)

    func run() throws {
        let outputs = OutputFiles(inputs: images + configs)
        if let svg { try outputs.claim(svg, option: "--svg") }
        var named: [(String, String, DatapathConfig)] = try presets.map { ($0, "preset", try DatapathOptions.preset(named: $0)) }
        named += try configs.map { ($0, "file", try DatapathOptions.configuration(file: $0)) }
        if named.isEmpty { named = [(DatapathConfig.libjpeg.name, "preset", .libjpeg)] }
        let pictures = try images.map {
            try readImage($0, budget: memory, bytesPerPixel: Footprint.roundtrip, purpose: "a rate–distortion run")
        }
        let chroma = self.chroma, optimize = self.optimize

        var codecs: [(name: String, source: String, codec: Codec)] = try named.map { name, kind, config in
            let model = try ImageCodec(config: config, threads: 1, trackRanges: false)
            let codec: Codec = { image, quality in
                let (encoded, _) = model.encode(image, settings: EncodeSettings(quality: quality, chroma: chroma))
                let bytes = try JPEGWriter.write(encoded, options: JPEGWriteOptions(optimizeHuffman: optimize))
                return (bytes.count, model.decode(encoded, upsampling: .fancy).0)
            }
            return ("\(config.name) (golden model)", "\(kind) \(name)", codec)
        }
        if !noLibjpeg {
            let lumaCodec = try ImageCodec()
            let reference: Codec = { image, quality in
                let subsampling: LibJPEG.Subsampling = image.components == 1 ? .gray
                    : [.s444: .s444, .s422: .s422, .s420: .s420, .gray: .s444][chroma]!
                let samples = image.components == 3 && chroma == .gray ? lumaCodec.comparisonReference(for: image, chroma: .gray) : image
                let bytes = try LibJPEG.encode(samples: samples.samples, width: image.width, height: image.height,
                                               components: samples.components, quality: quality,
                                               chroma: samples.components == 1 ? .gray : subsampling,
                                               options: LibJPEG.EncodeOptions(optimizeCoding: optimize))
                let d = try LibJPEG.decode(jpeg: bytes, fancyUpsampling: true)
                return (bytes.count, Image(width: d.width, height: d.height, components: d.components, samples: d.samples))
            }
            codecs.append(("libjpeg-turbo (in process)", "libjpeg-turbo islow", reference))
        }

        let measure = try ImageCodec()
        // Every (codec, quality, image) is one job; jobs run on all threads.
        let jobs = codecs.indices.flatMap { c in qualities.indices.flatMap { q in pictures.indices.map { (c, q, $0) } } }
        let results = ReportSlots<(bytes: Int, psnr: Double?, ssim: Double?, msSsim: Double?)>(count: jobs.count)
        let failures = ReportSlots<String?>(count: jobs.count)
        let progress = ProgressBar(total: jobs.count, label: "encodes")
        parallelFor(jobs.count, threads: threads.threads) { j in
            let (c, q, i) = jobs[j]
            do {
                let (bytes, decoded) = try codecs[c].codec(pictures[i], qualities[q])
                let reference = measure.comparisonReference(for: pictures[i], chroma: chroma)
                let m = QualityMetrics.measure(reference: reference, test: decoded)
                results[j] = (bytes, m.psnrOverall, m.ssimLuma, MSSSIM.luma(reference: reference, test: decoded))
                failures[j] = nil
            } catch {
                results[j] = (0, nil, nil, nil)
                failures[j] = "\(codecs[c].name), quality \(qualities[q]), \(images[i]): \(error)"
            }
            progress.step()
        }
        if let failure = failures.values.compactMap({ $0 }).first { throw CommandError(failure) }

        let pixels = pictures.reduce(0) { $0 + $1.pixelCount }
        func mean(_ xs: [Double?]) -> Double? {
            let v = xs.compactMap { $0 }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        let all = results.values
        let curves = codecs.indices.map { c in
            Curve(name: codecs[c].name, source: codecs[c].source, points: qualities.indices.map { q in
                let mine = jobs.indices.filter { jobs[$0].0 == c && jobs[$0].1 == q }.map { all[$0] }
                let bytes = mine.reduce(0) { $0 + $1.bytes }
                return Point(quality: qualities[q], bytes: bytes, bitsPerPixel: Double(bytes * 8) / Double(pixels),
                             psnr: mean(mine.map(\.psnr)), ssim: mean(mine.map(\.ssim)), msSsim: mean(mine.map(\.msSsim)),
                             identical: mine.filter { $0.psnr == nil }.count)
            })
        }
        let result = Result(images: images, pixels: pixels, chroma: chroma.rawValue, optimize: optimize, curves: curves)

        if let svg {
            let caption = "\(images.count) image\(images.count == 1 ? "" : "s"), \(pixels) pixels, chroma \(chroma.rawValue)"
                + (optimize ? ", optimized Huffman tables" : ", Annex K Huffman tables") + "; qualities "
                + qualities.map(String.init).joined(separator: ", ")
            func chart(_ title: String, _ label: String, _ y: (Point) -> Double?) -> SVGChart {
                SVGChart(title: title, xLabel: "bits per pixel (bpp)", yLabel: label, series: curves.enumerated().map { i, curve in
                    SVGChart.Series(name: curve.name, points: curve.points.compactMap { p in y(p).map { (p.bitsPerPixel, $0) } },
                                    dashed: curve.source.hasPrefix("libjpeg"))
                })
            }
            let document = SVGChart.document([chart("PSNR against rate", "PSNR (dB)", \.psnr),
                                              chart("SSIM against rate", "SSIM (luma)", \.ssim),
                                              chart("MS-SSIM against rate", "MS-SSIM (luma)", \.msSsim)], caption: caption)
            try outputs.stage(Array(document.utf8), at: svg)
        }
        try outputs.commit()

        if json { try printJSON(result); return }
        print("\(images.count) image(s), \(pixels) pixels, chroma \(chroma.rawValue)\(optimize ? ", optimized tables" : "")")
        for curve in curves {
            print("\n\(curve.name) — \(curve.source)")
            print("  quality      bytes      bpp   PSNR (dB)   SSIM     MS-SSIM")
            for p in curve.points {
                print(String(format: "  %7d %10d %8.3f   %9@   %-8@ %@", p.quality, p.bytes, p.bitsPerPixel,
                             p.psnr.map { String(format: "%.2f", $0) } ?? "∞", p.ssim.map { String(format: "%.4f", $0) } ?? "—",
                             p.msSsim.map { String(format: "%.4f", $0) } ?? "—"))
            }
        }
        if let svg { print("\nplot: \(svg)") }
    }
}
