import Foundation
import Golden
import JPEG
import Testing

/// Wall-clock time of each stage of encoding to a file and decoding from one, on one thread and on
/// all cores, for a 12-megapixel 4:2:0 image at quality 75: where the time goes, and which stages
/// scale. Runs when JPEG_STAGE_BENCH is set (megapixels in JPEG_STAGE_MP, default 12):
///   JPEG_STAGE_BENCH=1 swift test -c release --filter StageBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["JPEG_STAGE_BENCH"] != nil))
struct StageBenchmark {
    static func wall(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    @Test func stages() throws {
        let megapixels = Double(ProcessInfo.processInfo.environment["JPEG_STAGE_MP"] ?? "") ?? 12
        let image = DecoderBenchmark.tiled(try Fixtures.load("coffee.png"), megapixels: megapixels)
        let settings = EncodeSettings(quality: 75, chroma: .s420)
        func ms(_ s: Double) -> String { String(format: "%7.1f ms", s * 1000) }
        var lines: [String] = []
        var totals: [Int: (encode: Double, decode: Double)] = [:]
        for threads in [1, processorCount] {
            let model = try ImageCodec(config: .libjpeg, threads: threads, trackRanges: false)
            var encoded = model.encode(image, settings: settings).0
            var file: [UInt8] = []
            let coefficients = Self.wall(3) { encoded = model.encode(image, settings: settings).0 }
            let write = try Self.wall(3) { file = try JPEGWriter.write(encoded, options: JPEGWriteOptions(threads: threads)) }
            var decoded = try JPEGReader.read(file)
            let read = try Self.wall(3) { decoded = try JPEGReader.read(file) }
            var planes: [ComponentPlane] = []
            let idct = Self.wall(3) { planes = model.decodePlanes(decoded.encoded).0 }
            var layout = decoded.encoded
            layout.chroma = .s420
            let assemble = Self.wall(3) { _ = model.assemble(planes, encoded: layout, upsampling: .fancy) }
            let whole = try Self.wall(3) { _ = try JPEGReader.decode(file, codec: model, upsampling: .fancy) }
            totals[threads] = (coefficients + write, whole)
            lines.append("""
                threads \(threads): encode: coefficients \(ms(coefficients)), write \(ms(write)); \
                decode: read \(ms(read)), idct \(ms(idct)), assemble \(ms(assemble)), whole \(ms(whole))
                """)
            #expect(!file.isEmpty)
        }
        let (one, all) = (totals[1]!, totals[processorCount]!)
        print(lines.joined(separator: "\n") + String(format: "\nscaling on %d cores: encode %.2f×, decode %.2f×",
                                                     processorCount, one.encode / all.encode, one.decode / all.decode))
    }
}
