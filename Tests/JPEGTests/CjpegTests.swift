import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// The in-process compressor (LibJPEG.encode) stands for the `cjpeg` binary in the big comparisons:
/// for a spread of settings both must write the same bytes. cjpeg comes from Debian's
/// libjpeg-turbo-progs (scripts/setup installs it).
@Suite struct CjpegTests {
    static let cjpeg = "/usr/bin/cjpeg"

    struct Setting: CustomTestStringConvertible, Sendable {
        var image: String
        var crop: (width: Int, height: Int)?
        var quality: Int
        var chroma: ChromaSubsampling
        var optimize = false
        var restart: LibJPEG.EncodeOptions.Restart?
        var progressive = false

        var arguments: [String] {
            var a = ["-dct", "int", "-baseline", "-quality", "\(quality)"]
            switch chroma {
            case .s420: a += ["-sample", "2x2"]
            case .s422: a += ["-sample", "2x1"]
            case .s444: a += ["-sample", "1x1"]
            case .gray: break
            }
            if optimize { a.append("-optimize") }
            switch restart {
            case .rows(let n): a += ["-restart", "\(n)"]
            case .mcus(let n): a += ["-restart", "\(n)B"]
            case nil: break
            }
            if progressive { a.append("-progressive") }
            return a
        }

        var testDescription: String { "\(image)\(crop.map { " \($0.width)×\($0.height)" } ?? "") \(arguments.joined(separator: " "))" }
    }

    static let settings: [Setting] = [
        Setting(image: "coffee.png", quality: 75, chroma: .s420),
        Setting(image: "astronaut.png", quality: 90, chroma: .s422, optimize: true),
        Setting(image: "horse.png", quality: 10, chroma: .s444, optimize: true, restart: .mcus(5)),
        Setting(image: "camera.png", quality: 50, chroma: .gray, restart: .rows(1)),
        Setting(image: "coffee.png", crop: (33, 17), quality: 100, chroma: .s420, restart: .rows(1)),
        Setting(image: "brick.png", quality: 1, chroma: .gray, optimize: true),
        Setting(image: "astronaut.png", quality: 75, chroma: .s420, progressive: true),
        Setting(image: "camera.png", quality: 90, chroma: .gray, progressive: true),
    ]

    /// Binary PPM (P6) or PGM (P5), what cjpeg reads.
    static func netpbm(_ image: Image) -> Data {
        var data = Data("\(image.components == 3 ? "P6" : "P5")\n\(image.width) \(image.height)\n255\n".utf8)
        data.append(contentsOf: image.samples)
        return data
    }

    @Test(arguments: settings)
    func inProcessEncoderMatchesCjpeg(_ setting: Setting) throws {
        var image = try Fixtures.load(setting.image)
        if let crop = setting.crop { image = image.window(x: 101, y: 53, width: crop.width, height: crop.height) }
        let input = FileManager.default.temporaryDirectory
            .appendingPathComponent("fxcodec-cjpeg-\(UUID().uuidString).\(image.components == 3 ? "ppm" : "pgm")")
        try Self.netpbm(image).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.cjpeg)
        process.arguments = setting.arguments + [input.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let bytes = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "cjpeg \(setting.arguments): \(message)")

        let inProcess = try LibJPEG.encode(
            samples: image.samples, width: image.width, height: image.height, components: image.components,
            quality: setting.quality, chroma: Fixtures.subsampling(setting.chroma),
            options: .init(optimizeCoding: setting.optimize, restart: setting.restart, progressive: setting.progressive))
        #expect(ByteDiff.describe(expected: bytes, actual: inProcess) == nil)
        #expect(bytes.count > 100)
    }
}
