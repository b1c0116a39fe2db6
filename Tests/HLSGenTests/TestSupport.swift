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
    /// Compiled testbenches, reused across runs when their sources are unchanged (ignored by git).
    static let csimCache = repository.appendingPathComponent("scratch/hls-csim")
    /// The committed default project.
    static let committedProject = repository.appendingPathComponent("hls")
}

enum Fixtures {
    /// The project committed under hls/, exactly as `fxcodec hls` renders it with no options.
    static let committed = HLSProjectSpec.ijg(quality: 75, config: .libjpeg, configArguments: ["--preset", DatapathConfig.libjpeg.name],
                                              top: HLSTop(mode: .roundtrip, lanes: 8), out: "hls")

    /// A single-top project (roundtrip, 8 lanes, quality 75) of `config`.
    static func roundtripProject(_ config: DatapathConfig) -> HLSProjectSpec {
        HLSProjectSpec.ijg(quality: 75, config: config, configArguments: ["--preset", config.name],
                           top: HLSTop(mode: .roundtrip, lanes: 8), out: ".")
    }

    /// Every PNG in ../shared/images, by file name.
    static func sharedImages() throws -> [CSimImage] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Paths.sharedImages.path)
            .filter { $0.hasSuffix(".png") }.sorted()
        return try names.map { CSimImage(name: $0, image: try PNGFile.read(Paths.sharedImages.appendingPathComponent($0).path)) }
    }

    /// Set FXCODEC_FULL_CSIM=1 to run the C-simulation matrix on whole images and all four presets
    /// (about fifteen minutes on two cores: the printed cores run clock by clock); by default each image
    /// is a 97×83 window of it, and two presets run.
    static let wholeImages = ProcessInfo.processInfo.environment["FXCODEC_FULL_CSIM"] == "1"

    /// The shared images, or the window of each at (61, 47): a few hundred blocks with partial ones
    /// at the right and bottom edges.
    static func csimImages() throws -> [CSimImage] {
        let images = try sharedImages()
        guard !wholeImages else { return images }
        return images.map { named in
            let (x, y, w, h) = (61, 47, 97, 83)
            return CSimImage(name: "\(named.name)[\(x),\(y) \(w)x\(h)]", image: named.image.window(x: x, y: y, width: w, height: h))
        }
    }

    static func apTypes() throws -> URL { try locateAPTypes(searchFrom: [Paths.repository]) }

    static func file(_ files: [GeneratedFile], _ path: String) -> String {
        files.first { $0.path == path }?.text ?? ""
    }

    /// Blocks of an image's component planes with 4:2:0 chroma, counted from its size alone.
    static func blockCount(_ image: Image) -> Int {
        func blocks(_ w: Int, _ h: Int) -> Int { ((w + 7) / 8) * ((h + 7) / 8) }
        let luma = blocks(image.width, image.height)
        return image.components == 1 ? luma : luma + 2 * blocks((image.width + 1) / 2, (image.height + 1) / 2)
    }
}
