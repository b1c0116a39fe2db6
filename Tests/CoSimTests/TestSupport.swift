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
