import ArgumentParser
import Foundation
import Golden
import ImageIO
import JPEG

extension RestartInterval {
    /// cjpeg's spelling: `N` restarts every N MCU rows, `NB` every N MCUs (N in 1...65535).
    static let parse: @Sendable (String) throws -> RestartInterval = { text in
        let blocks = text.uppercased().hasSuffix("B")
        guard let n = Int(blocks ? String(text.dropLast()) : text), (1...65535).contains(n) else {
            throw Checked.OutOfRange(description: "must be N (MCU rows) or NB (MCUs), N in 1...65535, is \(text)")
        }
        return blocks ? .mcus(n) : .rows(n)
    }
}

/// `fxcodec encode`: PNG in, baseline JPEG file out, through the golden model and its entropy coder;
/// one image or a whole batch.
struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode PNG images to JPEG files through the golden model (byte-identical to cjpeg -dct int -baseline for the default configuration).",
        discussion: """
            One image: -o names the output (default: the input's name with .jpg, in the current folder). \
            Several images, a folder or a --manifest: --out-dir holds the outputs, images run in parallel \
            on --threads cores, a progress bar shows on a terminal, and a bad image is reported and skipped \
            while the others complete (exit status 1 if any failed). --shard K/N takes every N-th input \
            from the K-th (K from 0), for array jobs (Slurm SLURM_ARRAY_TASK_ID, Kubernetes JOB_COMPLETION_INDEX).

            A manifest gives each image its own quality: CSV lines `path,quality` (a `path,quality` \
            header and # comments allowed) or JSON `[{"path": "a.png", "quality": 40}, …]`; paths are \
            relative to the manifest. Each image's report is one JSON line with --json.

            Examples:
              fxcodec encode images/coffee.png -q 90 -o coffee.jpg
              fxcodec encode photos/ --out-dir jpeg/ -q 75 --optimize --json > report.jsonl
              fxcodec encode --manifest qualities.csv --out-dir degraded/ --shard $SLURM_ARRAY_TASK_ID/16
            """)

    @Argument(help: "Input PNG files or folders of PNG files.")
    var inputs: [String] = []

    @Option(help: "A CSV or JSON list of images with a quality each (see below).")
    var manifest: String?

    @Option(name: [.customShort("o"), .long], help: "Output file (one input only).")
    var output: String?

    @Option(name: .customLong("out-dir"), help: "Output folder for a batch (created if missing): NAME.png → NAME.jpg.")
    var outDir: String?

    @OptionGroup var datapath: DatapathOptions

    @Option(help: "Chroma subsampling: 420, 422, 444 or gray (grey images are always grey).")
    var chroma: ChromaSubsampling = .s420

    @Flag(help: "Huffman tables from the image's own statistics (cjpeg -optimize).")
    var optimize = false

    @Option(parsing: .unconditional, help: "Restart markers every N MCU rows, or NB for every N MCUs (cjpeg -restart).",
            transform: RestartInterval.parse)
    var restart: RestartInterval?

    @Option(parsing: .unconditional, help: "This machine's share of the inputs: K/N, K from 0.", transform: Shard.parse)
    var shard: Shard = .whole

    @Flag(name: .customLong("no-metrics"), help: "Skip PSNR and SSIM (they decode every image once more).")
    var noMetrics = false

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var memory: MemoryBudgetOption

    @Flag(help: "One JSON line per image, then a summary line.")
    var json = false

    func validate() throws {
        if output != nil && outDir != nil { throw ValidationError("give -o (one image) or --out-dir (a batch), not both") }
    }

    /// One image's report (one JSON line). `psnr` null: identical; `ssim` null: smaller than 11×11;
    /// both null with `--no-metrics`. `error` is set, and the figures are absent, when the image failed.
    struct ImageReport: Encodable {
        var image: String
        var output: String?
        var width: Int?, height: Int?
        var quality: Int?
        var chroma: String?
        var bytes: Int?
        var bitsPerPixel: Double?
        var compressionRatio: Double?
        var psnr: Double?
        var ssim: Double?
        var seconds: Double?
        var error: String?
    }

    struct Summary: Encodable {
        var images: Int, encoded: Int, failed: Int
        var bytes: Int
        var bitsPerPixel: Double
        var seconds: Double
        var shard: String
    }

    func run() throws {
        let listed: [BatchItem]
        do { listed = try BatchInputs.items(arguments: inputs, manifest: manifest, extension: "png") } catch let e as BatchInputs.Problem {
            throw ValidationError(e.description)
        }
        if outDir == nil && listed.count != 1 { throw ValidationError("\(listed.count) images need --out-dir") }
        let items = shard.take(listed)
        let config = try datapath.datapath()
        let tables = try datapath.tables(maxEntry: (1 << config.quantTableBits) - 1)

        // Every output is claimed before any work: no output may be an input, two images may not share
        // an output name, the folder must be usable.
        let claims = OutputFiles(inputs: listed.map(\.path) + datapath.inputFiles)
        if let outDir { try claims.claimFolder(outDir, option: "--out-dir") }
        let targets = try items.map { item -> String in
            let name = ((item.path as NSString).lastPathComponent as NSString).deletingPathExtension + ".jpg"
            guard let outDir else { return try claims.claim(output ?? name, option: output == nil ? "output" : "-o").path }
            return (outDir as NSString).appendingPathComponent(name)
        }
        let names = targets.map { ($0 as NSString).lastPathComponent }
        if outDir != nil, let twice = Dictionary(grouping: zip(names, items), by: \.0).first(where: { $0.value.count > 1 }) {
            throw ValidationError("\(twice.value.map(\.1.path).joined(separator: " and ")) would both be written as \(twice.key)")
        }
        var createdOutDir = false
        if let outDir, !FileManager.default.fileExists(atPath: outDir) {
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            createdOutDir = true
        }
        defer { if createdOutDir, let outDir { rmdir(outDir) } }   // removed only if nothing was written

        let start = Date()
        let concurrent = min(threads.threads, items.count)
        let perImage = max(1, threads.threads / max(1, concurrent))
        let progress = ProgressBar(total: items.count, label: "images", enabled: items.count > 1 && isatty(2) != 0)
        let reports = ReportSlots<ImageReport>(count: items.count)
        let options = JPEGWriteOptions(optimizeHuffman: optimize, restart: restart, threads: perImage)
        parallelFor(items.count, threads: concurrent) { i in
            let item = items[i]
            do {
                reports[i] = try encodeOne(item, to: targets[i], config: config, tables: tables, options: options,
                                           threads: perImage)
            } catch {
                // Errors name their file; the few that do not (the writer's) get it in front.
                let text = "\(error)"
                reports[i] = ImageReport(image: item.path, error: text.hasPrefix(item.path) ? text : "\(item.path): \(text)")
            }
            if json, let line = try? JSONOutput.line(reports[i]) { writeLine(line) }
            progress.step()
        }

        let all = reports.values
        let failed = all.filter { $0.error != nil }
        let bytes = all.compactMap(\.bytes).reduce(0, +)
        let pixels = all.filter { $0.error == nil }.reduce(0) { $0 + ($1.width ?? 0) * ($1.height ?? 0) }
        let summary = Summary(images: items.count, encoded: items.count - failed.count, failed: failed.count, bytes: bytes,
                              bitsPerPixel: pixels > 0 ? Double(bytes * 8) / Double(pixels) : 0,
                              seconds: Date().timeIntervalSince(start), shard: shard.description)
        if json {
            struct Line: Encodable { var summary: Summary }
            writeLine(try JSONOutput.line(Line(summary: summary)))
        } else {
            for r in all {
                if let error = r.error { print("FAILED: \(error)"); continue }
                var line = "\(r.image) → \(r.output ?? ""): \(r.width ?? 0)×\(r.height ?? 0), q\(r.quality ?? 0), \(r.chroma ?? ""), "
                    + "\(r.bytes ?? 0) bytes, " + String(format: "%.3f bpp, %.1f:1", r.bitsPerPixel ?? 0, r.compressionRatio ?? 0)
                if let psnr = r.psnr { line += String(format: ", PSNR %.2f dB", psnr) }
                if let ssim = r.ssim { line += String(format: ", SSIM %.4f", ssim) }
                print(line)
            }
            if items.count > 1 {
                print(String(format: "%d of %d images encoded (%d failed), %d bytes, %.3f bpp, %.2f s", summary.encoded,
                             summary.images, summary.failed, summary.bytes, summary.bitsPerPixel, summary.seconds))
            }
        }
        for f in failed { FileHandle.standardError.write(Data("error: \(f.error!)\n".utf8)) }
        if !failed.isEmpty { throw ExitCode(1) }
    }

    func encodeOne(_ item: BatchItem, to target: String, config: DatapathConfig, tables: [QuantTable]?,
                   options: JPEGWriteOptions, threads: Int) throws -> ImageReport {
        let begin = Date()
        let outputs = OutputFiles(inputs: [item.path])
        try outputs.claim(target, option: "output")
        let image = try readImage(item.path, budget: memory, bytesPerPixel: Footprint.roundtrip, purpose: "an encode")
        let codec = try ImageCodec(config: config, threads: threads, trackRanges: false)
        let settings = EncodeSettings(quality: item.quality ?? datapath.quality, chroma: chroma, tables: tables)
        let (encoded, _) = codec.encode(image, settings: settings)
        let bytes = try JPEGWriter.write(encoded, options: options)
        try outputs.stage(bytes, at: target)
        var report = ImageReport(image: item.path, output: target, width: image.width, height: image.height,
                                 quality: tables == nil ? settings.quality : nil, chroma: encoded.chroma.rawValue,
                                 bytes: bytes.count, bitsPerPixel: Double(bytes.count * 8) / Double(image.pixelCount),
                                 compressionRatio: Double(image.samples.count) / Double(bytes.count))
        if !noMetrics {
            let (decoded, _) = codec.decode(encoded, upsampling: .fancy)
            let metrics = QualityMetrics.measure(reference: image, test: decoded)
            (report.psnr, report.ssim) = (metrics.psnrOverall, metrics.ssimLuma)
        }
        try outputs.commit()
        report.seconds = Date().timeIntervalSince(begin)
        return report
    }
}

/// One line to stdout at once, unbuffered (JSON Lines from parallel workers).
func writeLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Results written by parallel workers, one slot each.
final class ReportSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    subscript(i: Int) -> T {
        get { lock.lock(); defer { lock.unlock() }; return slots[i]! }
        set { lock.lock(); slots[i] = newValue; lock.unlock() }
    }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}
