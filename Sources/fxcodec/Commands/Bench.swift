import ArgumentParser
import Foundation
import Golden
import ImageIO
import LibJPEGReference

/// `fxcodec bench`: speed figures for the golden model beside libjpeg-turbo's C kernels, measured in
/// one run on this machine. A benchmark, not a test: it reports, it asserts nothing.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the golden model (ns per block, Mpixel/s) beside libjpeg-turbo's islow kernels.")

    @Option(help: "Image tiled up to the benchmark size (PNG).")
    var image: String = "images/coffee.png"

    @Option(parsing: .unconditional, help: "Benchmark image size in megapixels, (0, 1000] (tiled from --image).",
            transform: Checked.number(0...1000, excludingLower: true))
    var megapixels: Double = 12

    @Option(parsing: .unconditional, help: "Blocks in the block-level timing, 1...10000000.", transform: Checked.int(1...10_000_000))
    var blocks: Int = 200_000

    @Option(parsing: .unconditional, help: "Repetitions, 1...1000; the best is reported.", transform: Checked.int(1...1000))
    var repeats: Int = 5

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var memory: MemoryBudgetOption

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(name: .customLong("libjpeg-only"), help: .hidden)
    var libjpegOnly = false

    struct Figures: Encodable {
        var config: String
        var blocks: Int
        var goldenBlockNs: Double
        var goldenBlockNsTracked: Double
        var libjpegFdctNs: Double
        var libjpegIdctNs: Double
        var libjpegPairNs: Double
        var ratio: Double
        var imageWidth: Int, imageHeight: Int
        var roundtripSecondsOneThread: Double
        var roundtripSecondsAllCores: Double
        var megapixelsPerSecondOneThread: Double
        var megapixelsPerSecondAllCores: Double
        var cores: Int
        var files: FileBenchmark.Figures
    }

    static func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    /// A 4:3 size of about `megapixels`, at least 1×1.
    static func tiledSize(megapixels: Double) -> (width: Int, height: Int) {
        let h = max(1, Int((megapixels * 1e6 * 3 / 4).squareRoot()))
        return (max(1, Int(Double(h) * 4 / 3)), h)
    }

    /// Tiles (mirrors) an image up to about `megapixels`.
    static func tiled(_ source: Image, megapixels: Double) -> Image {
        let (w, h) = tiledSize(megapixels: megapixels)
        var out = Image(width: w, height: h, components: source.components)
        for y in 0..<h {
            let sy = (y / source.height) % 2 == 0 ? y % source.height : source.height - 1 - y % source.height
            for x in 0..<w {
                let sx = (x / source.width) % 2 == 0 ? x % source.width : source.width - 1 - x % source.width
                for c in 0..<source.components { out[x, y, c] = source[sx, sy, c] }
            }
        }
        return out
    }

    func run() throws {
        let config = try datapath.datapath()
        let codec = try BlockCodec(config)
        let source = try readImage(image, budget: memory, bytesPerPixel: Footprint.bench, purpose: "the benchmark")
        let size = Self.tiledSize(megapixels: megapixels)
        try memory.memoryBudget.admit(width: size.width, height: size.height, bytesPerPixel: Footprint.bench,
                                      for: "a \(megapixels)-megapixel benchmark")
        let big = Self.tiled(source, megapixels: megapixels)
        if libjpegOnly {   // the child of the file rows: libjpeg-turbo alone, with the environment it was given
            try printJSON(FileBenchmark.libjpeg(big, quality: datapath.quality, repeats: repeats).0)
            return
        }

        // Block level: real blocks (the luma of the tiled image), FDCT + quantize + dequantize + IDCT.
        let planes = try ImageCodec(config: config, threads: processorCount).componentPlanes(big, chroma: .s420).1
        var samples = planes[0].blocks()
        samples = Array(samples.prefix(min(samples.count, blocks * 64)))
        let n = samples.count / 64
        let table = QuantTable.ijg(quality: datapath.quality)[0]
        // Streamed as a codec runs: each chunk of blocks is encoded into a coefficient buffer that stays
        // in cache and decoded from it; samples come from and go to memory. Buffers are allocated once.
        // libjpeg's kernels are timed in chunks of the same size (on its own synthetic blocks).
        let chunk = LibJPEG.timingChunk
        var coefficients = [Int32](repeating: 0, count: chunk * 64)
        var decoded = [UInt8](repeating: 0, count: samples.count)
        func pair(track: Bool) -> Double {
            samples.withUnsafeBufferPointer { s in
            coefficients.withUnsafeMutableBufferPointer { c in
            decoded.withUnsafeMutableBufferPointer { d in
                Self.best(repeats) {
                    for start in stride(from: 0, to: n, by: chunk) {
                        let count = min(chunk, n - start) * 64
                        let part = UnsafeBufferPointer(rebasing: s[start * 64..<start * 64 + count])
                        let coefficientPart = UnsafeMutableBufferPointer(rebasing: c[0..<count])
                        _ = codec.encode(samples: part, into: coefficientPart, table: table, trackRanges: track)
                        _ = codec.decode(coefficients: UnsafeBufferPointer(coefficientPart),
                                         into: UnsafeMutableBufferPointer(rebasing: d[start * 64..<start * 64 + count]),
                                         table: table, trackRanges: track)
                    }
                } / Double(n) * 1e9
            }}}
        }
        let fast = pair(track: false), tracked = pair(track: true)
        let reference = LibJPEG.timeKernels(blocks: n, repeats: repeats)

        // Whole image: the full model (colour, subsampling, blocks, upsampling), one thread and all cores.
        func whole(_ threads: Int) throws -> Double {
            let model = try ImageCodec(config: config, threads: threads)
            return Self.best(max(1, repeats / 2)) {
                let (e, _) = model.encode(big, settings: EncodeSettings(quality: datapath.quality, chroma: .s420))
                _ = model.decode(e, upsampling: .fancy)
            }
        }
        let one = try whole(1), all = try whole(processorCount)
        let mp = Double(big.pixelCount) / 1e6
        let files = try FileBenchmark(image: big, quality: datapath.quality, repeats: repeats, config: config)
            .run(childArguments: ["bench", "--libjpeg-only", "--image", image, "--megapixels", String(megapixels),
                                  "--repeats", String(repeats), "-q", String(datapath.quality), "--json"])
        let f = Figures(config: config.name, blocks: n, goldenBlockNs: fast, goldenBlockNsTracked: tracked,
                        libjpegFdctNs: reference.fdctNs, libjpegIdctNs: reference.idctNs,
                        libjpegPairNs: reference.fdctNs + reference.idctNs,
                        ratio: (reference.fdctNs + reference.idctNs) / fast,
                        imageWidth: big.width, imageHeight: big.height,
                        roundtripSecondsOneThread: one, roundtripSecondsAllCores: all,
                        megapixelsPerSecondOneThread: mp / one, megapixelsPerSecondAllCores: mp / all,
                        cores: processorCount, files: files)
        if json { try printJSON(f); return }
        print("block datapath (FDCT + quantize + dequantize + IDCT), \(n) real luma blocks in chunks of \(chunk), best of \(repeats), configuration \(config.name):")
        print(String(format: "  golden model, one thread:            %7.1f ns/block (with min/max tracking at every register: %.1f)", fast, tracked))
        print(String(format: "  libjpeg-turbo C kernels fdct + idct: %7.1f ns/block (%.1f + %.1f; exported C, not SIMD)",
                     f.libjpegPairNs, reference.fdctNs, reference.idctNs))
        print(String(format: "  ratio: the golden model is %.2f× the speed of the C kernels", f.ratio))
        print(String(format: "whole roundtrip of %d×%d (%.1f MP), 4:2:0, fancy upsampling, quality %d:", big.width, big.height, mp, datapath.quality))
        print(String(format: "  one thread: %.3f s (%.1f Mpixel/s)   all %d cores: %.3f s (%.1f Mpixel/s)",
                     one, mp / one, processorCount, all, mp / all))
        print(String(format: "JPEG files of the same image, quality %d, 4:2:0, %d bytes%@; best of %d; ratio = libjpeg-turbo's time ÷ the golden model's:",
                     datapath.quality, files.jpegBytes, files.identicalToLibjpeg ? ", byte-identical to libjpeg-turbo's" : "", repeats))
        func row(_ what: String, _ golden1: Double, _ goldenN: Double, _ simd: Double, _ c: Double?) {
            print(String(format: "  %@: golden %.3f s (1 thread), %.3f s (%d cores, %.2f× its one thread); libjpeg-turbo SIMD %.3f s (ratio %.2f)",
                         what, golden1, goldenN, processorCount, golden1 / goldenN, simd, simd / golden1)
                  + (c.map { String(format: ", C only %.3f s (ratio %.2f)", $0, $0 / golden1) } ?? ", C only: not measured"))
        }
        row("encode to file  ", files.goldenEncodeSecondsOneThread, files.goldenEncodeSecondsAllCores,
            files.libjpegSimd.compressSeconds, files.libjpegC?.compressSeconds)
        row("decode from file", files.goldenDecodeSecondsOneThread, files.goldenDecodeSecondsAllCores,
            files.libjpegSimd.decompressSeconds, files.libjpegC?.decompressSeconds)
    }
}
