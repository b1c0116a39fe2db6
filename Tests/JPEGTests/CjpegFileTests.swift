import Foundation
import Golden
import JPEG
import LibJPEGReference
import Testing

/// Files from the `cjpeg` binary (libjpeg-turbo-progs) with the options a real encoder offers:
/// progressive, restart intervals, optimised tables, 16-bit tables, every sampling layout libjpeg
/// accepts, RGB, grey, custom scan scripts and odd sizes. Coefficients equal `jpeg_read_coefficients`'
/// and pixels equal djpeg's (fancy and box).
@Suite struct CjpegFileTests {
    static let colourVariants: [(name: String, options: [String])] = [
        ("baseline q75", ["-quality", "75"]),
        ("progressive", ["-progressive"]),
        ("restart every MCU row", ["-restart", "1"]),
        ("restart every 5 MCUs", ["-restart", "5B"]),
        ("optimized tables", ["-optimize"]),
        ("progressive, restart every 3 MCUs", ["-progressive", "-restart", "3B"]),
        ("q5, 16-bit tables (SOF1)", ["-quality", "5"]),
        ("q100 4:4:4", ["-quality", "100", "-sample", "1x1"]),
        ("4:2:2", ["-sample", "2x1"]),
        ("4:4:0", ["-sample", "1x2"]),
        ("4:1:1", ["-sample", "4x1"]),
        ("4:1:0", ["-sample", "4x2"]),
        ("luma 3x1", ["-sample", "3x1"]),
        ("luma 2x4", ["-sample", "2x4"]),
        ("every component 2x1", ["-sample", "2x1,2x1,2x1"]),
        ("chroma 1x2 under 2x2", ["-sample", "2x2,1x2,1x2"]),
        ("luma below chroma", ["-sample", "1x1,2x2,2x2"]),
        ("Cb and Cr differ", ["-sample", "2x2,1x1,2x1"]),
        ("progressive 4:4:0", ["-progressive", "-sample", "1x2"]),
        ("progressive 4:1:1, restart 2 rows", ["-progressive", "-sample", "4x1", "-restart", "2"]),
        ("RGB (no colour transform)", ["-rgb"]),
        ("grey from colour", ["-grayscale"]),
    ]
    static let greyVariants: [(name: String, options: [String])] = [
        ("baseline q75", ["-quality", "75"]),
        ("progressive", ["-progressive"]),
        ("restart every 7 MCUs", ["-restart", "7B"]),
        ("optimized q30", ["-optimize", "-quality", "30"]),
        ("grey with 2x2 factors", ["-sample", "2x2"]),
    ]

    /// Scan scripts (cjpeg -scans): sequential scans of one component each, spectral selection only,
    /// deep successive approximation with separate DC scans.
    static let scripts: [(name: String, script: String, progressive: Bool)] = [
        ("three sequential scans", "0;\n2;\n1;\n", false),
        ("spectral selection", "0,1,2: 0-0, 0, 0;\n0: 1-5, 0, 0;\n2: 1-63, 0, 0;\n0: 6-63, 0, 0;\n1: 1-63, 0, 0;\n", true),
        ("successive approximation", """
            0: 0-0, 0, 2; 1: 0-0, 0, 2; 2: 0-0, 0, 2;
            0: 1-63, 0, 3; 1: 1-63, 0, 2; 2: 1-63, 0, 2;
            0,1,2: 0-0, 2, 1; 0,1,2: 0-0, 1, 0;
            0: 1-63, 3, 2; 0: 1-9, 2, 1; 0: 10-63, 2, 1; 0: 1-63, 1, 0;
            1: 1-63, 2, 1; 1: 1-63, 1, 0; 2: 1-63, 2, 1; 2: 1-63, 1, 0;
            """, true),
    ]

    static let cropSizes = [(1, 1), (7, 9), (17, 9), (33, 17), (250, 131)]

    static func cjpeg(_ image: Image, _ options: [String], in scratch: ScratchFolder) throws -> [UInt8] {
        let input = scratch.file("in.\(image.components == 3 ? "ppm" : "pgm")"), output = scratch.file("out.jpg")
        try CjpegTests.netpbm(image).write(to: input)
        try run("cjpeg", options + ["-outfile", output.path, input.path])
        return [UInt8](try Data(contentsOf: output))
    }

    static func check(_ image: Image, _ variants: [(name: String, options: [String])], label: String) throws
        -> (problems: [String], files: Int) {
        let scratch = try ScratchFolder()
        let codec = try ImageCodec(config: .libjpeg, threads: 2)
        var problems: [String] = [], files = 0
        for (name, options) in variants {
            let jpeg = try cjpeg(image, options, in: scratch)
            problems += try Reference.check(jpeg, "\(label) \(name)", codec: codec).problems
            files += 1
        }
        return (problems, files)
    }

    @Test(arguments: Fixtures.imageNames)
    func everyVariant(name: String) throws {
        let image = try Fixtures.load(name)
        let variants = image.components == 3 ? Self.colourVariants : Self.greyVariants
        let (problems, files) = try Self.check(image, variants, label: name)
        #expect(problems.isEmpty, "\(problems.prefix(8).joined(separator: "\n"))")
        #expect(files == variants.count)
    }

    @Test(arguments: cropSizes.map { "\($0.0)x\($0.1)" })
    func oddSizes(size: String) throws {
        let parts = size.split(separator: "x").map { Int($0)! }
        let source = try Fixtures.load("astronaut.png")
        let image = source.window(x: 101, y: 57, width: parts[0], height: parts[1])
        let variants = Self.colourVariants.filter {
            ["baseline q75", "progressive", "restart every 5 MCUs", "4:2:2", "4:4:0", "4:1:1", "luma below chroma",
             "Cb and Cr differ", "RGB (no colour transform)"].contains($0.name)
        }
        var (problems, files) = try Self.check(image, variants, label: "astronaut crop \(size)")
        let grey = try Fixtures.load("brick.png").window(x: 3, y: 200, width: parts[0], height: parts[1])
        let greyResult = try Self.check(grey, Self.greyVariants, label: "brick crop \(size)")
        problems += greyResult.problems
        files += greyResult.files
        #expect(problems.isEmpty, "\(problems.prefix(8).joined(separator: "\n"))")
        #expect(files == variants.count + Self.greyVariants.count)
    }

    @Test func scanScripts() throws {
        let scratch = try ScratchFolder()
        let codec = try ImageCodec(config: .libjpeg, threads: 2)
        let image = try Fixtures.load("horse.png")
        var problems: [String] = []
        for (name, script, progressive) in Self.scripts {
            let scriptFile = scratch.file("scans.txt")
            try Data(script.utf8).write(to: scriptFile)
            let jpeg = try Self.cjpeg(image, (progressive ? ["-progressive"] : []) + ["-scans", scriptFile.path], in: scratch)
            let decoded = try JPEGReader.read(jpeg)
            #expect(decoded.frameType == (progressive ? .progressive : .baseline) && decoded.scans > 1, "\(name)")
            problems += try Reference.check(jpeg, "horse, \(name)", codec: codec).problems
        }
        #expect(problems.isEmpty, "\(problems.prefix(8).joined(separator: "\n"))")
    }

    /// A progressive script that never completes the AC bits: djpeg smooths those blocks, the golden
    /// path does not. The coefficients still match, and the reader says why the pixels may differ.
    @Test func incompleteProgressionIsReported() throws {
        let scratch = try ScratchFolder()
        let image = try Fixtures.load("coffee.png")
        let scriptFile = scratch.file("scans.txt")
        try Data("0,1,2: 0-0, 0, 0;\n0: 1-63, 0, 2;\n1: 1-63, 0, 1;\n2: 1-63, 0, 1;\n".utf8).write(to: scriptFile)
        let jpeg = try Self.cjpeg(image, ["-progressive", "-scans", scriptFile.path], in: scratch)
        let decoded = try JPEGReader.read(jpeg)
        #expect(decoded.warnings.contains { $0.contains("djpeg would smooth") }, "\(decoded.warnings)")
        let problems = try Reference.compareCoefficients(jpeg, decoded, "incomplete progression")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// cjpeg's arithmetic coding gives SOF9 or SOF10: refused by name.
    @Test func arithmeticCodingIsRefusedByName() throws {
        let scratch = try ScratchFolder()
        let image = try Fixtures.load("coffee.png").window(x: 0, y: 0, width: 40, height: 24)
        for (options, name) in [(["-arithmetic"], "SOF9"), (["-arithmetic", "-progressive"], "SOF10")] {
            let jpeg = try Self.cjpeg(image, options, in: scratch)
            #expect {
                _ = try JPEGReader.read(jpeg)
            } throws: { error in
                let e = error as? JPEGDecodeError
                return e?.kind == .unsupported && e?.message.contains(name) == true
                    && e?.message.contains("arithmetic") == true
            }
        }
    }
}
