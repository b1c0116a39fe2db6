import Foundation
import Golden
import ImageIO
import Testing

/// `cosim`, `csim`, `synth` and `hls` with `--front raster`: the raster encode top from the command line.
@Suite struct RasterCommandTests {
    static let cache = CLI.repository.appendingPathComponent("rtl-sim").path

    /// A crop of coffee.png of `width`×`height` in a new folder (removed by the caller).
    static func crop(width: Int, height: Int) throws -> (folder: URL, path: String) {
        let folder = try CLI.temporaryFolder()
        let image = try PNGFile.read(CLI.sharedImages.appendingPathComponent("coffee.png").path)
        var samples = [UInt8]()
        for y in 0..<height {
            let first: Int = ((y + 40) * image.width + 30) * 3
            samples += image.samples[first..<(first + width * 3)]
        }
        let path = folder.appendingPathComponent("crop.png").path
        try PNGFile.write(Image(width: width, height: height, components: 3, samples: samples), to: path)
        return (folder, path)
    }

    static func json(_ run: CLI.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\(run.stderr)")
    }

    /// Verilator and the Swift model report the same run of a 4:2:2 crop after a malformed frame:
    /// every block equal, frame_error set as expected, the same clocks.
    @Test func verilatorAndSwiftReportTheSameRun() throws {
        let (folder, crop) = try Self.crop(width: 41, height: 19)
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["cosim", crop, "--front", "raster", "--mode", "encode", "--chroma", "422", "--stall", "0.3", "--seed", "3",
                      "--fault", "long-line", "--cache", Self.cache, "--json"]
        let verilator = try CLI.run(common)
        let swift = try CLI.run(common + ["--simulator", "swift"])
        #expect(verilator.status == 0 && swift.status == 0, "\(verilator.stderr)\(swift.stderr)")
        let (v, s) = (try Self.json(verilator), try Self.json(swift))
        let runs = try #require(v["runs"] as? [[String: Any]]), swiftRuns = try #require(s["runs"] as? [[String: Any]])
        #expect(runs.count == 1 && (v["passed"] as? Bool) == true && v["fault"] as? String == "long-line")
        for key in ["blocks", "dummy_blocks", "mismatches", "cycles", "pixels_per_clock", "frame_error", "checks", "passed"] {
            let (a, b) = (runs.first?[key] as? NSObject, swiftRuns.first?[key] as? NSObject)
            #expect(a != nil && a == b, "\(key): Verilator \(String(describing: a)), Swift \(String(describing: b))")
        }
        #expect(runs.first?["frame_error"] as? Bool == true && (runs.first?["blocks"] as? Int ?? 0) == 36)
        #expect(CLI.camelCaseKeys(v).isEmpty, "\(CLI.camelCaseKeys(v))")
    }

    /// Icarus replays the Swift run of a small crop (4:2:0, with its dummy blocks) and agrees on every output.
    @Test func icarusAgreesOnEveryClock() throws {
        let (folder, crop) = try Self.crop(width: 19, height: 10)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["cosim", crop, "--front", "raster", "--mode", "encode", "--simulator", "icarus", "--stall", "0.3",
                               "--max-width", "32"])
        #expect(run.status == 0, "\(run.stderr)")
        let clocks = try #require(run.stdout.firstMatch(of: /every output of (\d+) clocks equal/), "\(run.stdout)")
        #expect(Int(clocks.1)! > 300 && run.stdout.contains("PASS") && run.stdout.contains("+ 2 dummy"), "\(run.stdout)")
    }

    /// The HLS C simulation of the raster top on a crop in 4:4:4, at stalls 0 and 0.3.
    @Test func cSimulationPasses() throws {
        let (folder, crop) = try Self.crop(width: 24, height: 9)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The scratch folder is the one the committed project compiles in (RasterCosimTests): the same code, compiled once.
        let run = try CLI.run(["csim", crop, "--front", "raster", "--mode", "encode", "--chroma", "444", "--fault", "start-in-mid-frame",
                               "--scratch", CLI.repository.appendingPathComponent(".build/csim-raster").path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try Self.json(run)
        let runs = try #require(report["runs"] as? [[String: Any]])
        #expect(report["simulator"] as? String == "csim" && runs.map { $0["stall"] as? Double } == [0, 0.3])
        #expect(runs.allSatisfy { $0["passed"] as? Bool == true && $0["frame_error"] as? Bool == true && $0["blocks"] as? Int == 3 * 2 * 3 })
    }

    /// What does not fit the raster top is refused before anything runs, naming the option or file.
    @Test func refusals() throws {
        let (folder, crop) = try Self.crop(width: 21, height: 9)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [([String], String)] = [
            (["cosim", crop, "--front", "raster"], "--mode encode"),
            (["cosim", crop, "--front", "raster", "--mode", "encode", "--lanes", "1"], "--lanes must be 8"),
            (["cosim", crop, "--fault", "short-line", "--mode", "encode"], "--fault is for --front raster"),
            (["cosim", crop, "--front", "raster", "--mode", "encode", "--pixels-per-beat", "2", "--simulator", "swift"], "whole number of 2-pixel beats"),
            (["cosim", crop, "--front", "raster", "--mode", "encode", "--max-width", "16", "--simulator", "swift"], "--max-width 16"),
            (["csim", crop, "--front", "raster", "--mode", "decode"], "--mode encode"),
            (["synth", "--front", "raster", "--mode", "encode", "--target", "xc7"], "ECP5 only"),
            (["hls", "--front", "raster", "--mode", "encode", "--all-tops", "--out", folder.appendingPathComponent("p").path], "--all-tops"),
        ]
        for (arguments, message) in cases {
            let run = try CLI.run(arguments)
            #expect(run.status != 0 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p").path))
    }
}
