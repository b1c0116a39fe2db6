import ArgumentParser
import Foundation
import Golden
import ImageIO
import JPEG

/// `fxcodec decode`: a JPEG file through the golden model's decoder (any datapath configuration) to PNG.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a JPEG file through the golden model (baseline, extended or progressive Huffman, 8-bit).",
        discussion: """
            The coefficients go through the configured dequantize → IDCT → upsample → colour path, so a \
            narrow configuration decodes real files and reports its overflows. With the default \
            configuration the pixels equal djpeg -dct int (fancy upsampling; --upsample box is -nosmooth). \
            A damaged file decodes as libjpeg recovers it (grey where data is missing), with a warning line.

            Example:
              fxcodec decode photo.jpg -o photo.png --preset narrow
            """)

    @Argument(help: "Input JPEG file.")
    var input: String

    @Option(name: [.customShort("o"), .long], help: "Write the decoded image here (PNG).")
    var output: String?

    @Option(help: "Chroma upsampling: box or fancy.")
    var upsample: Upsampling = .fancy

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var threads: ThreadsOption
    @OptionGroup var memory: MemoryBudgetOption

    @Flag(help: "Print JSON.")
    var json = false

    struct Report: Encodable {
        var image: String
        var frame: String
        var width: Int, height: Int
        var components: Int
        /// Sampling factors per component, as "HxV".
        var sampling: [String]
        var scans: Int
        var restartInterval: Int
        var bytes: Int
        var bitsPerPixel: Double
        var warnings: [String]
        var overflows: [RegisterStatistics]
        var seconds: Double
    }

    func run() throws {
        let outputs = OutputFiles(inputs: [input] + datapath.inputFiles)
        if let output { try outputs.claim(output, option: "-o") }
        let config = try datapath.datapath()
        let bytes = try readFile(input, budget: memory.memoryBudget)
        let start = Date()
        let codec = try ImageCodec(config: config, threads: threads.threads)
        let decoded: JPEGDecoded, picture: JPEGPicture
        do {
            (decoded, picture) = try JPEGReader.readAndDecode(bytes, codec: codec, upsampling: upsample,
                                                              budget: memory.memoryBudget)
        } catch { throw CommandError("\(input): \(error)") }
        let seconds = Date().timeIntervalSince(start)
        for w in picture.warnings { warn("\(input): \(w)") }
        if let output { try PNGFile.write(picture.image, into: outputs.stage(output)) }
        try outputs.commit()

        let report = Report(image: input, frame: decoded.frameType.rawValue, width: decoded.width, height: decoded.height,
                            components: decoded.frameComponents.count,
                            sampling: decoded.frameComponents.map { "\($0.h)x\($0.v)" }, scans: decoded.scans,
                            restartInterval: decoded.restartInterval, bytes: bytes.count,
                            bitsPerPixel: Double(bytes.count * 8) / Double(max(1, decoded.width * decoded.height)),
                            warnings: picture.warnings,
                            overflows: picture.report.statistics(config: config, graphs: codec.blocks.graphs),
                            seconds: seconds)
        if json { try printJSON(report); return }
        print("\(input): \(report.width)×\(report.height), \(report.frame), \(report.components) component"
              + (report.components == 1 ? "" : "s") + " (\(report.sampling.joined(separator: ", "))), \(report.scans) scan"
              + (report.scans == 1 ? "" : "s") + (report.restartInterval > 0 ? ", restart every \(report.restartInterval) MCUs" : ""))
        print(String(format: "size: %d bytes, %.3f bits per pixel; decoded in %.1f ms (configuration %@, %@ upsampling)",
                     report.bytes, report.bitsPerPixel, seconds * 1e3, config.name, upsample.rawValue))
        let overflowing = report.overflows.filter { $0.overflows > 0 }
        print(overflowing.isEmpty ? "registers: no overflow"
              : "registers: " + overflowing.map { "\($0.register) \($0.overflows) overflows" }.joined(separator: ", "))
    }
}

/// A whole input file in memory, refused when it alone is over the budget (a JPEG is smaller than
/// what it decodes to, so the budget's check of the frame size comes next).
func readFile(_ path: String, budget: MemoryBudget) throws -> [UInt8] {
    var info = stat()
    guard stat(path, &info) == 0 else { throw CommandError("\(path): cannot read the file: \(String(cString: strerror(errno)))") }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw CommandError("\(path): not a regular file") }
    guard Int(info.st_size) <= budget.bytes else {
        throw CommandError("\(path): the file has \(info.st_size) bytes, over the memory budget of \(budget) (--memory-budget raises it)")
    }
    guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("\(path): cannot read the file") }
    return [UInt8](data)
}
