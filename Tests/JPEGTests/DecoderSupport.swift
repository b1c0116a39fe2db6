import Foundation
import Golden
import ImageIO
import JPEG
import LibJPEGReference

extension Paths {
    /// Python packages scripts/setup installs (Pillow).
    static let pythonPackages = repository.appendingPathComponent(".deps/python")
}

/// A scratch folder, removed when the value goes away.
final class ScratchFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("jpeg-decoder-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// Runs a program; throws with its error output when it exits with a status not accepted.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
         acceptStatus: Set<Int32> = [0]) throws -> (status: Int32, output: Data, errors: String) {
    let scratch = try ScratchFolder()
    let outURL = scratch.file("stdout"), errURL = scratch.file("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    let output = try Data(contentsOf: outURL)
    let text = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    guard acceptStatus.contains(process.terminationStatus) else {
        throw ToolFailure(description: "\(executable) \(arguments.joined(separator: " ")) exited with "
                          + "\(process.terminationStatus): \(text)")
    }
    return (process.terminationStatus, output, text)
}

struct ToolFailure: Error, CustomStringConvertible { var description: String }

/// Comparisons with libjpeg-turbo; each returns mismatch descriptions (empty when identical).
enum Reference {
    /// The coefficients, block counts and tables against `LibJPEG.readCoefficients`.
    static func compareCoefficients(_ jpeg: [UInt8], _ decoded: JPEGDecoded, _ setting: String) throws -> [String] {
        compareCoefficients(try LibJPEG.readCoefficients(jpeg: jpeg), decoded, setting)
    }

    static func compareCoefficients(_ reference: [LibJPEG.ComponentCoefficients], _ decoded: JPEGDecoded,
                                    _ setting: String) -> [String] {
        guard reference.count == decoded.encoded.components.count else {
            return ["\(setting): libjpeg reads \(reference.count) components, the decoder \(decoded.encoded.components.count)"]
        }
        var problems: [String] = []
        for (ci, (ref, mine)) in zip(reference, decoded.encoded.components).enumerated() {
            let frame = decoded.frameComponents[ci]
            if ref.widthInBlocks != mine.blocksWide || ref.heightInBlocks != mine.blocksHigh
                || ref.width != mine.width || ref.height != mine.height
                || ref.hSampling != frame.h || ref.vSampling != frame.v {
                problems.append("\(setting) component \(ci): libjpeg \(ref.width)×\(ref.height) samples, "
                                + "\(ref.widthInBlocks)×\(ref.heightInBlocks) blocks, \(ref.hSampling)×\(ref.vSampling); decoder "
                                + "\(mine.width)×\(mine.height), \(mine.blocksWide)×\(mine.blocksHigh), \(frame.h)×\(frame.v)")
                continue
            }
            // libjpeg reports zeros for a component that no scan reached and whose table is undefined.
            if ref.quant.map(Int.init) != mine.table.values && ref.quant.contains(where: { $0 != 0 }) {
                problems.append("\(setting) component \(ci): quantization tables differ")
            }
            var count = 0, first = ""
            for i in 0..<ref.coefficients.count where Int32(ref.coefficients[i]) != mine.coefficients[i] {
                if count == 0 {
                    first = "block \(i / 64) (x \(i / 64 % mine.blocksWide), y \(i / 64 / mine.blocksWide)), index \(i % 64): "
                        + "expected \(ref.coefficients[i]), got \(mine.coefficients[i])"
                }
                count += 1
            }
            if count > 0 { problems.append("\(setting) component \(ci): \(count) coefficients differ; first: \(first)") }
        }
        return problems
    }

    /// Pixels through the golden path (libjpeg configuration) against `LibJPEG.decode`, both upsamplings:
    /// from the coefficients read (`pixels`), and straight from the file (`JPEGReader.decode`, which
    /// pipelines a sequential file when the codec has several threads).
    static func comparePixels(_ jpeg: [UInt8], _ decoded: JPEGDecoded, _ setting: String,
                              codec: ImageCodec) throws -> (problems: [String], samples: Int) {
        var problems: [String] = []
        var compared = 0
        for upsampling in Upsampling.allCases {
            let expected = try LibJPEG.decode(jpeg: jpeg, fancyUpsampling: upsampling == .fancy)
            let read = try decoded.pixels(codec: codec, upsampling: upsampling)
            let direct = try JPEGReader.decode(jpeg, codec: codec, upsampling: upsampling)
            for (path, picture) in [("pixels", read), ("decode", direct)] {
                problems += differences(expected: expected.samples, width: expected.width, height: expected.height,
                                        components: expected.components, actual: picture.image, "\(setting) \(upsampling) \(path)")
                compared += picture.image.samples.count
            }
            if direct.warnings != read.warnings { problems.append("\(setting) \(upsampling): decode warns \(direct.warnings), pixels \(read.warnings)") }
        }
        return (problems, compared)
    }

    static func differences(expected: [UInt8], width: Int, height: Int, components: Int,
                            actual: Image, _ setting: String) -> [String] {
        guard width == actual.width, height == actual.height, components == actual.components else {
            return ["\(setting): libjpeg gives \(width)×\(height)×\(components), the decoder "
                    + "\(actual.width)×\(actual.height)×\(actual.components)"]
        }
        var count = 0, first = ""
        for i in 0..<expected.count where expected[i] != actual.samples[i] {
            if count == 0 {
                let pixel = i / components
                first = "x \(pixel % width), y \(pixel / width), component \(i % components): expected \(expected[i]), "
                    + "got \(actual.samples[i])"
            }
            count += 1
        }
        return count == 0 ? [] : ["\(setting): \(count) samples differ; first: \(first)"]
    }

    /// Reads `jpeg`, compares coefficients and both upsamplings; expects no warnings.
    static func check(_ jpeg: [UInt8], _ setting: String, codec: ImageCodec) throws -> (problems: [String], samples: Int) {
        let decoded = try JPEGReader.read(jpeg)
        var problems = decoded.warnings.map { "\(setting): unexpected warning: \($0)" }
        problems += try compareCoefficients(jpeg, decoded, setting)
        let (pixelProblems, samples) = try comparePixels(jpeg, decoded, setting, codec: codec)
        return (problems + pixelProblems, samples)
    }
}

extension LibJPEG.Subsampling {
    var name: String {
        switch self {
        case .s444: "444"
        case .s422: "422"
        case .s420: "420"
        case .gray: "grey"
        }
    }
}
