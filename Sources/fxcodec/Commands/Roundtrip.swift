import ArgumentParser
import Foundation
import Golden
import ImageIO
import JPEG

/// `fxcodec roundtrip`: the golden model end to end on one image, with quality metrics and the
/// per-register overflow report.
struct Roundtrip: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the golden model end to end on a PNG and report PSNR, SSIM, coefficients and overflows.")

    @Argument(help: "Input PNG (8/16-bit grey, grey+alpha, RGB, RGBA, palette; interlaced or not).")
    var input: String

    @OptionGroup var datapath: DatapathOptions

    @Option(help: "Chroma subsampling: 420, 422, 444 or gray.")
    var chroma: ChromaSubsampling = .s420

    @Option(help: "Chroma upsampling: box or fancy.")
    var upsample: Upsampling = .fancy

    @Option(name: [.customShort("o"), .long], help: "Write the decoded image here (PNG).")
    var output: String?

    @Option(name: .customLong("error-map"), help: "Write |original − decoded| × 8 here (PNG).")
    var errorMap: String?

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var memory: MemoryBudgetOption

    @Flag(help: "Print JSON.")
    var json = false

    struct Report: Encodable {
        var image: String
        var width: Int, height: Int
        var quality: Int?
        var chroma: String, upsample: String
        var config: String
        var psnr: [String: Double?]
        var ssim: [String: Double?]
        var nonzeroCoefficients: Int
        /// The size of the JPEG file the coefficients make (Annex K tables, as `fxcodec encode` writes it);
        /// null when the configuration's coefficients exceed what an 8-bit JPEG codes.
        var jpegBytes: Int?
        var bitsPerPixel: Double?
        var blocks: Int
        var overflows: [RegisterStatistics]
        var timeSeconds: Double
        var megapixelsPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case image, width, height, quality, chroma, upsample, config, psnr, ssim, blocks, overflows
            case nonzeroCoefficients = "nonzero_coefficients", timeSeconds = "time_s"
            case jpegBytes = "jpeg_bytes", bitsPerPixel = "bits_per_pixel"
            case megapixelsPerSecond = "megapixels_per_second"
        }
    }

    func run() throws {
        let outputs = OutputFiles(inputs: [input] + datapath.inputFiles)
        if let output { try outputs.claim(output, option: "-o") }
        if let errorMap { try outputs.claim(errorMap, option: "--error-map") }
        let config = try datapath.datapath()
        let settings = try datapath.encodeSettings(chroma: chroma)
        let image = try readImage(input, budget: memory, bytesPerPixel: Footprint.roundtrip, purpose: "a roundtrip")
        let threads = self.threads.threads
        let codec = try ImageCodec(config: config, threads: threads)

        let start = DispatchTime.now()
        let (encoded, encodeReport) = codec.encode(image, settings: settings)
        let (decoded, decodeReport) = codec.decode(encoded, upsampling: upsample)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        var jpeg: [UInt8]?
        do { jpeg = try JPEGWriter.write(encoded, options: JPEGWriteOptions(threads: threads)) } catch {
            warn("\(input): no JPEG size: \(error)")
        }

        if let output { try PNGFile.write(decoded, into: outputs.stage(output)) }
        if let errorMap {
            try PNGFile.write(QualityMetrics.errorMap(reference: image, test: decoded), into: outputs.stage(errorMap))
        }
        try outputs.commit()

        var overflow = encodeReport
        overflow.merge(decodeReport)
        let metrics = QualityMetrics.measure(reference: image, test: decoded)
        let names = image.components == 1 ? ["Y"] : ["R", "G", "B"]
        var psnr: [String: Double?] = ["overall": metrics.psnrOverall]
        var ssim: [String: Double?] = ["luma": metrics.ssimLuma]
        for (i, n) in names.enumerated() {
            psnr[n] = metrics.psnr[i]
            ssim[n] = metrics.ssim[i]
        }
        let report = Report(
            image: input, width: image.width, height: image.height,
            quality: settings.tables == nil ? settings.quality : nil,
            chroma: encoded.chroma.rawValue, upsample: upsample.rawValue, config: config.name,
            psnr: psnr, ssim: ssim, nonzeroCoefficients: encoded.nonzeroCoefficients,
            jpegBytes: jpeg?.count, bitsPerPixel: jpeg.map { Double($0.count * 8) / Double(max(1, image.pixelCount)) },
            blocks: encoded.blockCount,
            overflows: overflow.statistics(config: config, graphs: codec.blocks.graphs),
            timeSeconds: seconds, megapixelsPerSecond: Double(image.pixelCount) / seconds / 1e6)
        if json { try printJSON(report); return }

        func db(_ x: Double?) -> String { x.map { String(format: "%.2f dB", $0) } ?? "∞ (identical)" }
        func s(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "—" }
        print("\(input): \(image.width)×\(image.height), \(image.components == 1 ? "grey" : "RGB")")
        print("settings: \(settings.tables == nil ? "quality \(settings.quality)" : "tables from \(datapath.qtable!)"), "
              + "chroma \(encoded.chroma.rawValue), \(upsample.rawValue) upsampling, configuration \(config.name)")
        print("PSNR:  overall \(db(metrics.psnrOverall))  " + names.enumerated().map { "\($1) \(db(metrics.psnr[$0]))" }.joined(separator: "  "))
        print("SSIM:  luma \(s(metrics.ssimLuma))  " + names.enumerated().map { "\($1) \(s(metrics.ssim[$0]))" }.joined(separator: "  "))
        print("coefficients: \(encoded.nonzeroCoefficients) non-zero of \(encoded.blockCount * 64) in \(encoded.blockCount) blocks")
        if let jpeg, let bpp = report.bitsPerPixel {
            print(String(format: "JPEG file: %d bytes, %.3f bits per pixel (Annex K tables; fxcodec encode writes it)", jpeg.count, bpp))
        }
        print(String(format: "time: %.1f ms (%.1f Mpixel/s, %d threads)", seconds * 1e3, report.megapixelsPerSecond, threads))
        print("registers:")
        print("  " + ["register", "format", "min", "max", "overflows"].map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
        for r in report.overflows {
            let cells = [r.register, r.format, r.minimum.map(String.init) ?? "—", r.maximum.map(String.init) ?? "—",
                         r.canOverflow ? String(r.overflows) : "0 (cannot)"]
            print("  " + cells.map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
        }
    }
}
