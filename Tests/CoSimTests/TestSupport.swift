import CoSim
import Foundation
import Golden
import HLSGen
import ImageIO

enum Paths {
    /// The repository root, three levels above this file.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// ../shared/images beside the repository.
    static let sharedImages = repository.deletingLastPathComponent().appendingPathComponent("shared/images")
    /// The committed RTL and harness; Verilator builds are cached here too, in obj_* folders git ignores.
    static let rtlSim = repository.appendingPathComponent(RTLSimFolder.folder)
    static let scratch = FileManager.default.temporaryDirectory
}

enum Fixtures {
    /// Every PNG in ../shared/images, read once.
    static let images: [(name: String, image: Image)] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Paths.sharedImages.path)) ?? []
        return names.filter { $0.hasSuffix(".png") }.sorted().compactMap { name in
            (try? PNGFile.read(Paths.sharedImages.appendingPathComponent(name).path)).map { (name, $0) }
        }
    }()

    static let qualities = [50, 75, 90]

    /// Set FXCODEC_FULL_COSIM=1 to run the co-simulation matrix on whole images (about ten minutes of
    /// one core); by default each image is its 161×131 window at (61, 47): partial blocks and partial
    /// 4:2:0 MCUs at the right and bottom edges, a few hundred blocks of each photograph.
    static let wholeImages = ProcessInfo.processInfo.environment["FXCODEC_FULL_COSIM"] == "1"

    static var matrixImages: [(name: String, image: Image)] {
        guard !wholeImages else { return images }
        let (x, y, w, h) = (61, 47, 161, 131)
        return images.map { ("\($0.name)[\(x),\(y) \(w)x\(h)]", $0.image.window(x: x, y: y, width: w, height: h)) }
    }

    /// Blocks of an image's planes with 4:2:0 chroma (grey: luma only), counted from its size alone.
    static func blockCount(_ image: Image) -> Int {
        func blocks(_ w: Int, _ h: Int) -> Int { ((w + 7) / 8) * ((h + 7) / 8) }
        let luma = blocks(image.width, image.height)
        return image.components == 1 ? luma : luma + 2 * blocks((image.width + 1) / 2, (image.height + 1) / 2)
    }

    /// A tool on PATH, or nil.
    static func tool(_ name: String) -> Bool {
        (try? runProcess("which", [name]))?.succeeded ?? false
    }
}
