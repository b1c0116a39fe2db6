import Foundation
import Golden
import JPEG
import LibJPEGReference

/// The file-level rows of `fxcodec bench`: encode to a JPEG file and decode from one, the golden model
/// (one thread and all cores) beside libjpeg-turbo's own compress and decompress in process, with its
/// SIMD code and, in a child process started with JSIMD_FORCENONE=1 (libjpeg-turbo reads it once per
/// process), with its C code only. Same image, same settings (quality, 4:2:0, islow, fancy upsampling).
struct FileBenchmark {
    struct LibjpegTimes: Codable {
        var compressSeconds: Double
        var decompressSeconds: Double
    }

    struct Figures: Encodable {
        var goldenEncodeSecondsOneThread: Double
        var goldenEncodeSecondsAllCores: Double
        var goldenDecodeSecondsOneThread: Double
        var goldenDecodeSecondsAllCores: Double
        var libjpegSimd: LibjpegTimes
        /// null when the child process could not be run.
        var libjpegC: LibjpegTimes?
        var jpegBytes: Int
        var identicalToLibjpeg: Bool
    }

    let image: Image
    let quality: Int
    let repeats: Int
    let config: DatapathConfig

    /// libjpeg-turbo's compress and decompress of `image`, best of `repeats` each.
    static func libjpeg(_ image: Image, quality: Int, repeats: Int) throws -> (LibjpegTimes, [UInt8]) {
        let chroma: LibJPEG.Subsampling = image.components == 1 ? .gray : .s420
        var file: [UInt8] = []
        let compress = try Bench.best(repeats) {
            file = try LibJPEG.encode(samples: image.samples, width: image.width, height: image.height,
                                      components: image.components, quality: quality, chroma: chroma)
        }
        let decompress = try Bench.best(repeats) { _ = try LibJPEG.decode(jpeg: file, fancyUpsampling: true) }
        return (LibjpegTimes(compressSeconds: compress, decompressSeconds: decompress), file)
    }

    func run(childArguments: [String]) throws -> Figures {
        let settings = EncodeSettings(quality: quality, chroma: .s420)
        var file: [UInt8] = []
        func encode(_ threads: Int) throws -> Double {
            let model = try ImageCodec(config: config, threads: threads, trackRanges: false)
            return try Bench.best(repeats) {
                let (encoded, _) = model.encode(image, settings: settings)
                file = try JPEGWriter.write(encoded, options: JPEGWriteOptions(threads: threads))
            }
        }
        func decode(_ threads: Int) throws -> Double {
            let model = try ImageCodec(config: config, threads: threads, trackRanges: false)
            return try Bench.best(repeats) {
                _ = try JPEGReader.decode(file, codec: model, upsampling: .fancy)
            }
        }
        let (encodeOne, encodeAll) = (try encode(1), try encode(processorCount))
        let (decodeOne, decodeAll) = (try decode(1), try decode(processorCount))
        let (simd, reference) = try Self.libjpeg(image, quality: quality, repeats: repeats)
        return Figures(goldenEncodeSecondsOneThread: encodeOne, goldenEncodeSecondsAllCores: encodeAll,
                       goldenDecodeSecondsOneThread: decodeOne, goldenDecodeSecondsAllCores: decodeAll,
                       libjpegSimd: simd, libjpegC: Self.child(childArguments), jpegBytes: file.count,
                       identicalToLibjpeg: config == .libjpeg ? file == reference : false)
    }

    /// Runs this program again as `bench --libjpeg-only …` with JSIMD_FORCENONE=1 and reads its JSON.
    static func child(_ arguments: [String]) -> LibjpegTimes? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: p.executableURL!.path) {
            p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        }
        p.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["JSIMD_FORCENONE"] = "1"
        p.environment = environment
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(LibjpegTimes.self, from: data)
    }
}
