import ArgumentParser
import Foundation
import Golden
import HLSGen
import ImageIO

/// What a command keeps in memory per input pixel, measured (peak resident size ÷ pixels on a
/// 12-megapixel photograph, rounded up): the memory budget turns into a pixel limit with it.
enum Footprint {
    /// Input, YCbCr planes, coefficients, decoded planes, output, metrics: 222 MB peak for 12 MP.
    static let roundtrip = 24
    /// The source image, the tiled benchmark image and the roundtrip on it.
    static let bench = 32
    /// Planes and blocks of every component, the stimulus and the expected values of a simulation.
    static let blocks = 48
    /// Raster co-simulation: the beats (20-byte records in the stimulus), the planes, the expected blocks.
    static let raster = 64
}

/// Reads a command's input PNG within the memory budget and says on stderr, in one line, what
/// reading dropped or changed (alpha, 16-bit precision, chunks skipped for a bad CRC).
func readImage(_ path: String, budget: MemoryBudgetOption, bytesPerPixel: Int, purpose: String) throws -> Image {
    let reading = try PNGFile.read(path, budget: budget.memoryBudget, bytesPerPixel: bytesPerPixel, purpose: purpose)
    if !reading.notes.isEmpty { warn("\(path): \(reading.notes.joined(separator: "; "))") }
    return reading.image
}

/// One line on stderr, prefixed `warning:`.
func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}

extension DatapathOptions {
    /// The files these options read (configuration, table file): no output may replace them.
    var inputFiles: [String] { [config, qtable].compactMap { $0 } }
}

extension OutputFiles {
    /// Stages generated files under a claimed folder; a file whose bytes are already there is left
    /// alone (so timestamps, and make, see only real changes).
    func stageGenerated(_ files: [GeneratedFile], in folder: String) throws {
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file.path)
            if let existing = FileManager.default.contents(atPath: path), Array(existing) == file.contents { continue }
            try stage(file.contents, at: path)
        }
    }
}
