import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// Decode time of a 12-megapixel baseline 4:2:0 file (coffee.png mirrored-tiled, encoded by
/// LibJPEG.encode at quality 75; and the same image through cjpeg -progressive) beside libjpeg-turbo's
/// in the same run, one thread (best thread CPU time of several runs). Runs when JPEG_DECODER_BENCH
/// is set; JSIMD_FORCENONE=1 makes libjpeg-turbo use its C code instead of SIMD:
///   JPEG_DECODER_BENCH=1 swift test -c release --filter DecoderBenchmark
///   JSIMD_FORCENONE=1 JPEG_DECODER_BENCH=1 swift test -c release --filter DecoderBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["JPEG_DECODER_BENCH"] != nil))
struct DecoderBenchmark {
    /// The source mirrored across a 4:3 canvas of `megapixels`.
    static func tiled(_ source: Image, megapixels: Double) -> Image {
        let height = Int((megapixels * 1e6 * 3 / 4).squareRoot()), width = height * 4 / 3
        func mirror(_ i: Int, _ n: Int) -> Int { (i / n) % 2 == 0 ? i % n : n - 1 - i % n }
        var samples = [UInt8](repeating: 0, count: width * height * source.components)
        for y in 0..<height {
            let sy = mirror(y, source.height)
            for x in 0..<width {
                let from = (sy * source.width + mirror(x, source.width)) * source.components
                let to = (y * width + x) * source.components
                for c in 0..<source.components { samples[to + c] = source.samples[from + c] }
            }
        }
        return Image(width: width, height: height, components: source.components, samples: samples)
    }

    /// The calling thread's CPU time, which other processes on a shared machine disturb less than
    /// the wall clock.
    static func threadSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func best(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = threadSeconds()
            try body()
            best = min(best, threadSeconds() - start)
        }
        return best
    }

    @Test func twelveMegapixels() throws {
        let image = Self.tiled(try Fixtures.load("coffee.png"), megapixels: 12)
        let scratch = try ScratchFolder()
        let baseline = try LibJPEG.encode(samples: image.samples, width: image.width, height: image.height,
                                          components: 3, quality: 75, chroma: .s420)
        let progressive = try CjpegFileTests.cjpeg(image, ["-progressive", "-quality", "75"], in: scratch)
        for (name, jpeg) in [("baseline 4:2:0 q75", baseline), ("progressive 4:2:0 q75", progressive)] {
            let tracked = try ImageCodec(config: .libjpeg, threads: 1)
            let untracked = try ImageCodec(config: .libjpeg, threads: 1, trackRanges: false)
            var decoded = try JPEGReader.read(jpeg)
            var picture = try decoded.pixels(codec: untracked, upsampling: .fancy)
            let reference = try LibJPEG.decode(jpeg: jpeg, fancyUpsampling: true)
            #expect(picture.image.samples == reference.samples, "\(name): pixels differ from libjpeg's")

            let read = try Self.best(of: 5) { decoded = try JPEGReader.read(jpeg) }
            let pixels = try Self.best(of: 3) { picture = try decoded.pixels(codec: untracked, upsampling: .fancy) }
            let pixelsTracked = try Self.best(of: 3) { picture = try decoded.pixels(codec: tracked, upsampling: .fancy) }
            let libjpegCoefficients = try Self.best(of: 5) { _ = try LibJPEG.readCoefficients(jpeg: jpeg) }
            let libjpegDecode = try Self.best(of: 5) { _ = try LibJPEG.decode(jpeg: jpeg, fancyUpsampling: true) }
            func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }
            let libjpegPath = ProcessInfo.processInfo.environment["JSIMD_FORCENONE"] == "1" ? "C path, JSIMD_FORCENONE=1" : "SIMD"
            var planes: [ComponentPlane] = []
            let idct = Self.best(of: 3) { planes = untracked.decodePlanes(decoded.encoded).0 }
            var layout = decoded.encoded
            layout.chroma = decoded.chroma ?? .s444
            let assemble = Self.best(of: 3) { _ = untracked.assemble(planes, encoded: layout, upsampling: .fancy) }
            print("""
                \(name), \(image.width)×\(image.height), \(jpeg.count) bytes, one thread:
                  decoder: coefficients \(ms(read)); pixels (golden, untracked) \(ms(pixels)), total \(ms(read + pixels)); \
                pixels with range tracking \(ms(pixelsTracked))
                  golden pixel stages: decodePlanes (IDCT) \(ms(idct)), assemble (upsampling, colour) \(ms(assemble))
                  libjpeg-turbo: jpeg_read_coefficients \(ms(libjpegCoefficients)); full decompress (\(libjpegPath), fancy) \(ms(libjpegDecode))
                """)
            #expect(read > 0 && libjpegCoefficients > 0)
        }
    }
}
