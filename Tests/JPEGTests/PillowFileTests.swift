import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// Files from a second encoder: Pillow (PyPI, with its own bundled libjpeg-turbo), installed into
/// .deps/python by scripts/setup. Its options add APP1 (Exif), APP2 (ICC profile) and COM markers,
/// custom tables, RGB JPEG with an Adobe marker, and restart intervals.
@Suite struct PillowFileTests {
    /// Save options, as Python keyword arguments.
    static let variants: [(name: String, options: String)] = [
        ("defaults", "{}"),
        ("q92 4:4:4 optimized", "dict(quality=92, subsampling=0, optimize=True)"),
        ("4:2:2 progressive", "dict(subsampling=1, progressive=True)"),
        ("web_low preset", "dict(quality='web_low')"),
        ("restart every 3 MCUs, Exif, ICC, comment",
         "dict(restart_marker_blocks=3, exif=b'Exif\\x00\\x00' + bytes(range(200)), icc_profile=bytes(3000), comment='fxcodec')"),
        ("custom tables, restart every 2 rows",
         "dict(qtables=[[1 + (i * 7) % 60 for i in range(64)], [2 + (i * 5) % 90 for i in range(64)]], restart_marker_rows=2)"),
        ("RGB JPEG", "dict(keep_rgb=True, quality=85)"),
        ("grey progressive", "dict(progressive=True, quality=60)"),
    ]

    static let script = """
        import sys
        from PIL import Image
        source, target, options = sys.argv[1], sys.argv[2], sys.argv[3]
        image = Image.open(source).convert("L" if sys.argv[4] == "grey" else "RGB")
        kwargs = eval(options)
        image.save(target, "JPEG", **kwargs)
        """

    @Test(arguments: ["coffee.png", "horse.png"])
    func pillowFiles(name: String) throws {
        let scratch = try ScratchFolder()
        let codec = try ImageCodec(config: .libjpeg, threads: 2)
        let source = Paths.sharedImages.appendingPathComponent(name).path
        var problems: [String] = []
        var files = 0
        for (variant, options) in Self.variants {
            let output = scratch.file("pillow.jpg")
            try run("python3", ["-c", Self.script, source, output.path, options, variant.hasPrefix("grey") ? "grey" : "colour"],
                    environment: ["PYTHONPATH": Paths.pythonPackages.path])
            let jpeg = [UInt8](try Data(contentsOf: output))
            let decoded = try JPEGReader.read(jpeg)
            if variant == "RGB JPEG" { #expect(decoded.colourSpace == .rgb) }
            if variant.hasPrefix("restart") { #expect(decoded.restartInterval == 3) }
            problems += try Reference.check(jpeg, "Pillow \(name) \(variant)", codec: codec).problems
            files += 1
        }
        #expect(problems.isEmpty, "\(problems.prefix(8).joined(separator: "\n"))")
        #expect(files == Self.variants.count)
    }
}
