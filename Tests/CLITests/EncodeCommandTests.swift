import Foundation
import Golden
import ImageIO
import Testing

/// `fxcodec encode`: the file equals the cjpeg binary's; batches, shards, manifests and bad inputs.
@Suite struct EncodeCommandTests {
    static func image(_ name: String) -> String { CLI.sharedImages.appendingPathComponent(name).path }

    /// The PNG as the binary PPM/PGM cjpeg reads.
    static func netpbm(_ png: String, to path: String) throws {
        let image = try PNGFile.read(png)
        let header = "\(image.components == 1 ? "P5" : "P6")\n\(image.width) \(image.height)\n255\n"
        try (Data(header.utf8) + Data(image.samples)).write(to: URL(fileURLWithPath: path))
    }

    static func cjpeg(_ arguments: [String], input: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/cjpeg")
        p.arguments = ["-dct", "int", "-baseline"] + arguments + [input]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return data
    }

    @Test(arguments: [
        ("coffee.png", ["-q", "75"], ["-quality", "75", "-sample", "2x2"]),
        ("astronaut.png", ["-q", "90", "--chroma", "422", "--optimize"], ["-quality", "90", "-sample", "2x1", "-optimize"]),
        ("camera.png", ["-q", "30", "--restart", "5B"], ["-quality", "30", "-restart", "5B"]),
        ("horse.png", ["-q", "100", "--chroma", "444", "--restart", "2"], ["-quality", "100", "-sample", "1x1", "-restart", "2"]),
    ])
    func fileEqualsTheCjpegBinarys(name: String, ours: [String], theirs: [String]) throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("ours.jpg").path, pnm = dir.appendingPathComponent("in.pnm").path
        let r = try CLI.run(["encode", Self.image(name), "-o", out] + ours)
        #expect(r.status == 0, "\(r.stderr)")
        try Self.netpbm(Self.image(name), to: pnm)
        let reference = try Self.cjpeg(theirs, input: pnm)
        let written = try Data(contentsOf: URL(fileURLWithPath: out))
        let first = zip(written, reference).enumerated().first { $1.0 != $1.1 }?.offset
        #expect(written == reference, "\(name) \(ours): \(written.count) vs \(reference.count) bytes, first difference at \(first ?? min(written.count, reference.count))")
    }

    /// A folder with one bad file: the others are written, the bad one reported, exit 1, one JSON line
    /// per image and a summary.
    @Test func batchSkipsABadImageAndSaysSo() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = dir.appendingPathComponent("in"), outputs = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        for name in ["coffee", "camera", "horse"] {
            try FileManager.default.copyItem(atPath: Self.image(name + ".png"), toPath: inputs.appendingPathComponent(name + ".png").path)
        }
        try Data("not a png".utf8).write(to: inputs.appendingPathComponent("broken.png"))
        let r = try CLI.run(["encode", inputs.path, "--out-dir", outputs.path, "-q", "60", "--json"])
        #expect(r.status == 1, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 5)
        let failed = lines.filter { $0["error"] != nil }
        #expect(failed.count == 1 && (failed[0]["error"] as? String ?? "").contains("broken.png: not a PNG file"), "\(failed)")
        let summary = try #require(lines.last?["summary"] as? [String: Any])
        #expect(summary["encoded"] as? Int == 3 && summary["failed"] as? Int == 1)
        #expect(r.stderr.contains("error: ") && r.stderr.contains("broken.png"))
        let written = try FileManager.default.contentsOfDirectory(atPath: outputs.path).sorted()
        #expect(written == ["camera.jpg", "coffee.jpg", "horse.jpg"], "\(written)")
        for line in lines { #expect(CLI.camelCaseKeys(line).isEmpty) }
    }

    /// Shards 0/3, 1/3, 2/3 are disjoint and together every input; a manifest gives each its quality.
    @Test func shardsAndManifest() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let names = ["astronaut", "brick", "camera", "coffee", "horse"]
        let qualities = [10, 30, 50, 70, 90]
        let manifest = dir.appendingPathComponent("m.csv")
        try ("path,quality\n" + zip(names, qualities).map { "\(Self.image($0 + ".png")),\($1)" }.joined(separator: "\n"))
            .write(to: manifest, atomically: true, encoding: .utf8)
        var seen: [String: Int] = [:]
        for k in 0..<3 {
            let r = try CLI.run(["encode", "--manifest", manifest.path, "--out-dir", dir.appendingPathComponent("out").path,
                                 "--shard", "\(k)/3", "--json", "--no-metrics"])
            #expect(r.status == 0, "\(r.stderr)")
            for line in r.stdout.split(separator: "\n") {
                let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                if let image = json["image"] as? String { seen[image, default: 0] += 1; seen[image + "@q"] = json["quality"] as? Int }
            }
        }
        for (name, q) in zip(names, qualities) {
            #expect(seen[Self.image(name + ".png")] == 1, "\(name) must be in exactly one shard: \(seen)")
            #expect(seen[Self.image(name + ".png") + "@q"] == q)
        }
        let bad = try CLI.run(["encode", "--manifest", manifest.path, "--out-dir", dir.path, "--shard", "3/3"])
        #expect(bad.status == 64 && bad.stderr.contains("--shard"), "\(bad.stderr)")
    }

    /// Two inputs that would write one output name are refused before any work.
    @Test func clashingOutputNamesAreRefused() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["a", "b"] {
            let folder = dir.appendingPathComponent(sub)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.image("horse.png"), toPath: folder.appendingPathComponent("x.png").path)
        }
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["encode", dir.appendingPathComponent("a/x.png").path, dir.appendingPathComponent("b/x.png").path,
                             "--out-dir", out.path])
        #expect(r.status == 64 && r.stderr.contains("would both be written as x.jpg"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
