import Foundation
import Golden
import ImageIO
import Testing

/// `fxcodec cosim --simulator`: the three simulators of the core from the command line.
@Suite struct CosimCommandTests {
    static let coffee = CLI.sharedImages.appendingPathComponent("coffee.png").path
    /// The Verilator builds the co-simulation tests cache beside the committed RTL.
    static let cache = CLI.repository.appendingPathComponent("rtl-sim").path

    static func report(_ arguments: [String]) throws -> [String: Any] {
        let run = try CLI.run(["cosim"] + arguments + ["--json"])
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    /// The Swift cycle model reports what Verilator reports: outputs, cycles, latency, throughput.
    @Test func swiftReportsWhatVerilatorReports() throws {
        let common = [Self.coffee, "--lanes", "8", "--mode", "roundtrip", "--stall", "0.3", "--seed", "7", "--cache", Self.cache]
        let verilator = try Self.report(common)
        let swift = try Self.report(common + ["--simulator", "swift"])
        #expect(verilator["simulator"] as? String == "verilator" && swift["simulator"] as? String == "swift")
        for key in ["blocks", "mismatches", "passed", "cycles", "latency", "cycles_per_block", "samples_per_clock", "checks"] {
            let (a, b) = (verilator[key] as? NSObject, swift[key] as? NSObject)
            #expect(a != nil && a == b, "\(key): Verilator \(String(describing: a)), Swift \(String(describing: b))")
        }
        #expect((swift["passed"] as? Bool) == true && (swift["cycles"] as? Int ?? 0) > 0)
    }

    /// Icarus replays the Swift run's clocks into the printed Verilog and agrees on every output.
    @Test(arguments: [1, 8])
    func icarusAgreesOnEveryClock(lanes: Int) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = try PNGFile.read(Self.coffee)
        var crop = [UInt8]()
        for y in 0..<20 { crop += image.samples[(y * image.width * 3)..<(y * image.width * 3 + 36 * 3)] }
        let small = folder.appendingPathComponent("crop.png").path
        try PNGFile.write(Image(width: 36, height: 20, components: 3, samples: crop), to: small)
        let run = try CLI.run(["cosim", small, "--simulator", "icarus", "--lanes", "\(lanes)", "--mode", "roundtrip", "--stall", "0.3"])
        #expect(run.status == 0, "\(run.stderr)")
        let clocks = try #require(run.stdout.firstMatch(of: /every output of (\d+) clocks equal/), "\(run.stdout)")
        #expect(Int(clocks.1)! > 300, "\(run.stdout)")
        #expect(run.stdout.contains("PASS"))
    }

    @Test func traceNeedsVerilator() throws {
        let run = try CLI.run(["cosim", Self.coffee, "--simulator", "swift", "--trace", "/tmp/never.vcd"])
        #expect(run.status != 0 && run.stderr.contains("--simulator verilator"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never.vcd"))
    }
}

/// `fxcodec compare`: the RTL rows use a measured clock or say that theirs is stated.
@Suite struct CompareClockTests {
    static let coffee = CLI.sharedImages.appendingPathComponent("coffee.png").path

    @Test func aStatedClockIsLabelledStated() throws {
        let run = try CLI.run(["compare", Self.coffee, "--skip-csim", "--repeats", "1", "--clock-mhz", "100", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let table = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let clocks = try #require(table["clocks"] as? [[String: Any]])
        #expect(clocks.map { $0["lanes"] as? Int } == [1, 8])
        #expect(clocks.allSatisfy { $0["source"] as? String == "stated" && $0["mhz"] as? Double == 100 })
        let rows = try #require(table["rows"] as? [[String: Any]])
        #expect(rows.contains { ($0["basis"] as? String)?.hasSuffix("clock stated") == true })
    }

    /// With no measured Fmax in the cache and none stated, the RTL rows are left out, with the
    /// command that measures one; no clock is made up.
    @Test func withoutAMeasuredClockTheRTLRowsAreLeftOut() throws {
        let cache = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: cache) }
        let run = try CLI.run(["compare", Self.coffee, "--skip-csim", "--repeats", "1"], environment: ["FXCODEC_CACHE": cache.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("run `fxcodec synth --lanes 8 --target ecp5`"), "\(run.stderr)")
        #expect(!run.stdout.contains("RTL core,"), "\(run.stdout)")
    }
}
