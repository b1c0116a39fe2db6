import CoSim
import Foundation
import Golden
import HLSGen
import JPEG
import LibJPEGReference

/// What `compare --core encoder` found: one image through whole JPEG encoders, PNG pixels to .jpg bytes.
///   Mpixel/s = pixels ÷ seconds ÷ 10⁶   (hardware: pixels per clock × clock in MHz)
///   ns/pixel = 10³ ÷ Mpixel/s
struct EncoderComparison: Encodable {
    var image: String, config: String, tables: String, quality: Int, chroma: String
    var width: Int, height: Int, pixels: Int, cores: Int, repeats: Int
    /// The hardware encoder's clock; null when none was measured or stated (and so no hardware row).
    var clock: Clock?
    var rows: [Row]

    struct Clock: Encodable {
        var mhz: Double
        /// "stated", or "post-route ECP5 LFE5U-85F-6 CABGA756 (cached synth result)".
        var source: String
    }

    struct Row: Encodable {
        var implementation: String
        var megapixelsPerSecond: Double
        var nsPerPixel: Double
        /// Hardware: pixels taken a clock, first taken to last (streaming).
        var pixelsPerClock: Double?
        /// Hardware: the frame's pixels over every clock to its file's last byte; the rate is this × the clock.
        var pixelsPerClockEndToEnd: Double?
        /// How many times faster the hardware encoder is than this row (this row's ns/pixel ÷ the hardware's).
        var hardwareSpeedup: Double?
        var basis: String

        enum CodingKeys: String, CodingKey {
            case implementation, basis
            case megapixelsPerSecond = "mpixels_per_second", nsPerPixel = "ns_per_pixel", pixelsPerClock = "pixels_per_clock"
            case pixelsPerClockEndToEnd = "pixels_per_clock_end_to_end", hardwareSpeedup = "hardware_speedup"
        }

        /// A row timed on this machine: `pixels` encoded in `seconds` of wall time.
        static func measured(_ implementation: String, pixels: Int, seconds: Double, basis: String) -> Row {
            Row(implementation: implementation, megapixelsPerSecond: Double(pixels) / seconds / 1e6, nsPerPixel: seconds / Double(pixels) * 1e9,
                basis: basis)
        }

        /// The hardware's row: end-to-end pixels per clock at `mhz`.
        static func clocked(_ implementation: String, streaming: Double, endToEnd: Double, mhz: Double, basis: String) -> Row {
            let rate = endToEnd * mhz
            return Row(implementation: implementation, megapixelsPerSecond: rate, nsPerPixel: 1e3 / rate, pixelsPerClock: streaming,
                       pixelsPerClockEndToEnd: endToEnd, basis: basis)
        }
    }
}

/// The image as libjpeg-turbo's compress takes it: interleaved RGB, or grey samples (an RGB image
/// asked for grey is given its luma as the golden model computes it, before any timing), with the
/// golden encoder's two tables so that both write the same DQT.
private struct LibJPEGInput {
    let samples: Image
    let subsampling: LibJPEG.Subsampling
    let quality: Int
    let tables: [[UInt16]]

    init(_ image: Image, chroma: ChromaSubsampling, quality: Int, tables: [QuantTable], codec: ImageCodec) {
        samples = codec.comparisonReference(for: image, chroma: chroma)
        subsampling = samples.components == 1 ? .gray : [.s444: .s444, .s422: .s422, .s420: .s420, .gray: .gray][chroma]!
        self.quality = quality
        // One table given serves both components, as in the golden encoder.
        self.tables = [tables[0], tables[min(1, tables.count - 1)]].map { $0.values.map(UInt16.init) }
    }

    func compress() throws -> [UInt8] {
        try LibJPEG.encode(samples: samples.samples, width: samples.width, height: samples.height, components: samples.components,
                           quality: quality, chroma: subsampling, tables: tables)
    }
}

extension Compare {
    /// `compare --core encoder`: the golden encoder, libjpeg-turbo and the hardware encoder on one image.
    func runEncoder() throws {
        let config = try datapath.datapath()
        let (tables, description) = try datapath.resetTables(for: config)
        let design = try EncoderCommandSupport.design(config, target: try designTarget())
        let hardware = JPEGEncoderCore(design: design, pixels: shape.pixelsPerBeat, maxWidth: shape.maxWidth)
        let name = URL(fileURLWithPath: input).lastPathComponent
        let image = try EncoderCommandSupport.frame(input: input, budget: memory, encoder: hardware)
        let chroma = RasterJobs.chroma(of: image, requested: self.chroma)
        let pixels = image.pixelCount
        func note(_ s: String) { if !json { FileHandle.standardError.write(Data("compare: \(s)\n".utf8)) } }
        var rows: [EncoderComparison.Row] = []

        // The golden encoder: colour, blocks, quantization and the file writer's entropy coding, on one
        // thread, then with every core on the one image.
        var golden: [UInt8] = []
        for threads in [1, processorCount] {
            let codec = try ImageCodec(config: config, threads: threads, trackRanges: false)
            let seconds = try Bench.best(repeats) {
                let (encoded, _) = codec.encode(image, settings: EncodeSettings(chroma: chroma, tables: tables))
                golden = try JPEGWriter.write(encoded, options: JPEGWriteOptions(threads: threads))
            }
            rows.append(.measured("golden encoder (Swift), \(threads) thread\(threads == 1 ? "" : "s")", pixels: pixels, seconds: seconds,
                                  basis: threads == 1 ? "measured" : "measured, the image split across \(threads) threads"))
        }

        // libjpeg-turbo's compress (its SIMD code), one image; then one image per core at once, whose
        // figure is throughput: every core's pixels over the wall time of the slowest.
        let reference = LibJPEGInput(image, chroma: chroma, quality: datapath.quality, tables: tables,
                                     codec: try ImageCodec(config: config, trackRanges: false))
        var file: [UInt8] = []
        let one = try Bench.best(repeats) { file = try reference.compress() }
        let sameBytes = file == golden ? "the same bytes as the golden encoder" : "a different file (\(file.count) bytes; the golden encoder's \(golden.count))"
        let greyFromRGB = image.components == 3 && chroma == .gray ? ", luma computed beforehand" : ""
        rows.append(.measured("libjpeg-turbo compress, 1 thread", pixels: pixels, seconds: one,
                              basis: "measured, \(sameBytes)\(greyFromRGB)"))
        let copies = processorCount
        var sizes = [Int](repeating: 0, count: copies)
        let all = Bench.best(repeats) {
            sizes.withUnsafeMutableBufferPointer { sizes in
                parallelFor(copies, threads: copies) { sizes[$0] = (try? reference.compress())?.count ?? -1 }
            }
        }
        guard sizes.allSatisfy({ $0 == file.count }) else { throw CommandError("libjpeg-turbo's compress failed on one of \(copies) cores") }
        rows.append(.measured("libjpeg-turbo compress, \(copies) images at once", pixels: pixels * copies, seconds: all,
                              basis: "measured throughput: \(copies) independent compressions of the image in parallel, one a core"))

        // The hardware encoder: pixels per clock from Verilator co-simulation with no stalls, at the
        // post-route Fmax `synth --core encoder` cached (the design it places and routes, reset to these
        // options' tables) or the stated clock.
        var clock: EncoderComparison.Clock?
        if let clockMhz {
            clock = .init(mhz: clockMhz, source: "stated")
        } else {
            let synthesised = try RTLDesign(config: config, tables: tables, tableDescription: description, target: try designTarget())
            let placed = JPEGEncoderCore(design: synthesised, pixels: shape.pixelsPerBeat, maxWidth: shape.maxWidth)
            let measured = try ECP5PlaceAndRoute.cachedReport(files: try Synth.encoderFiles(synthesised, encoder: placed),
                                                             top: JPEGEncoderCore.name, requestedMHz: synthesised.target.mhz,
                                                             tools: try Synth.ecp5Tools(), cache: VerilatorBuild.defaultCacheRoot)
            clock = measured.map { .init(mhz: $0.fmaxMHz, source: "post-route ECP5 \($0.device) (cached synth result)") }
            if clock == nil {
                note("hardware encoder left out: no measured clock for \(JPEGEncoderCore.name) in this configuration; "
                     + "run `fxcodec synth --core encoder` with the same options once, or state one with --clock-mhz")
            }
        }
        if let clock {
            note("Verilator co-simulation of \(JPEGEncoderCore.name) (built once, then cached)…")
            let job = try EncoderCommandSupport.job(image, input: input, name: name, design: design, pixels: hardware.front.pixels,
                                                    chroma: chroma, restart: 0, optimizeHuffman: false, tables: tables,
                                                    runs: [StallSetting(stall: 0, seed: 1)])
            guard job.expected == golden else { throw CommandError("the golden encoder's timed file differs from the one the co-simulation expects") }
            let build = try EncoderCosimulation.verilatorBuild(design: design, encoder: hardware, cacheRoot: VerilatorBuild.defaultCacheRoot)
            let run = try EncoderCosimulation.run([job], binary: build.binary).results[0]
            guard run.passed else {
                throw CommandError("co-simulation of \(JPEGEncoderCore.name) disagrees with the golden encoder "
                                   + "(\(run.outBytes) bytes of \(run.expectedBytes), \(run.mismatches) differ): run fxcodec cosim --core encoder")
            }
            // Streaming: first pixel taken to last; end to end: from the first clock to the file's last byte.
            let streaming = Double(pixels) / Double(run.lastIn - run.firstIn + 1)
            let endToEnd = Double(pixels) / Double(run.cycles)
            rows.append(.clocked(String(format: "hardware encoder %@ @ %.1f MHz", JPEGEncoderCore.name, clock.mhz),
                                 streaming: streaming, endToEnd: endToEnd, mhz: clock.mhz,
                                 basis: "Verilator co-simulation at stall 0, \(run.cycles) clocks to the last byte, "
                                     + "the golden encoder's bytes; clock \(clock.source)"))
            let ns = rows[rows.count - 1].nsPerPixel
            for i in rows.indices { rows[i].hardwareSpeedup = rows[i].nsPerPixel / ns }
        }

        let table = EncoderComparison(image: name, config: config.name, tables: description, quality: datapath.quality,
                                      chroma: chroma.rawValue, width: image.width, height: image.height, pixels: pixels,
                                      cores: processorCount, repeats: repeats, clock: clock, rows: rows)
        if json { try printJSON(table); return }
        print(table.text)
    }
}

extension EncoderComparison {
    /// The table as `compare --core encoder` prints it.
    var text: String {
        var lines = ["\(image): \(width)x\(height) (\(pixels) pixels) to a JPEG file, \(chroma), configuration \(config), \(tables)"]
        lines.append("CPU rows measured on this machine (\(cores) cores, best of \(repeats)); hardware row = co-simulated pixels per clock × "
                     + (clock.map { String(format: "%.1f MHz (%@)", $0.mhz, $0.source) } ?? "a clock (none measured or stated: no hardware row)")
                     + "; pixels/clock: end to end (streaming).")
        let widths = [52, 9, 9, 16, 16, 0]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $1 == 0 ? $0 : $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " ")
        }
        lines.append(line(["implementation", "Mpixel/s", "ns/pixel", "pixels/clock", "hardware is", "basis"]))
        for r in rows {
            var perClock = ""
            if let e = r.pixelsPerClockEndToEnd, let s = r.pixelsPerClock { perClock = String(format: "%.3f (%.3f)", e, s) }
            let speedup = r.hardwareSpeedup.map {
                $0 == 1 ? "1×" : $0 > 1 ? String(format: "%.1f× faster", $0) : String(format: "%.1f× slower", 1 / $0)
            } ?? ""
            lines.append(line([r.implementation, String(format: "%.1f", r.megapixelsPerSecond), String(format: "%.2f", r.nsPerPixel),
                               perClock, speedup, r.basis]))
        }
        return lines.joined(separator: "\n")
    }
}
