import Foundation
import Golden
import ImageIO
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The no-crash floor: bad numbers, files that must not be lost, memory, interruptions, messages.
@Suite struct NoCrashTests {
    static let coffee = CLI.sharedImages.appendingPathComponent("coffee.png").path
    static let horse = CLI.sharedImages.appendingPathComponent("horse.png").path

    /// Every out-of-range number is refused while parsing: exit 64, the option named, nothing run.
    @Test(arguments: [
        ["bench", "--repeats", "0"], ["bench", "--blocks", "0"], ["bench", "--blocks=-5"],
        ["bench", "--megapixels", "0"], ["bench", "--megapixels", "-1"], ["bench", "--megapixels", "nan"],
        ["bench", "--megapixels", "1e9"], ["compare", coffee, "--repeats", "0"],
        ["compare", coffee, "--clock-mhz", "0"], ["compare", coffee, "--clock-mhz", "-5"],
        ["compare", coffee, "--clock-mhz", "inf"], ["compare", coffee, "--clock-mhz", "nan"],
        ["roundtrip", coffee, "--threads", "0"], ["roundtrip", coffee, "--threads=-3"],
        ["roundtrip", coffee, "--threads", "5000"], ["roundtrip", coffee, "-q", "101"],
        ["roundtrip", coffee, "--memory-budget", "0"], ["roundtrip", coffee, "--memory-budget", "lots"],
        ["cosim", coffee, "--stall", "1"], ["cosim", coffee, "--stall", "-0.5"], ["rtl", "--lanes", "3"],
        ["rtl", "--front", "raster", "--mode", "encode", "--max-width", "1000"],
        ["rtl", "--front", "raster", "--mode", "encode", "--pixels-per-beat", "3"],
        ["hls", "--clock-ns", "0"], ["synth", "--target", "ecp5", "--ecp5-seed", "0"],
        ["synth", "--target", "ecp5", "--ecp5-seed", "seven"],
    ])
    func badNumbersAreRefusedAtParseTime(arguments: [String]) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 64, "\(arguments): exit \(r.status), \(r.stderr)")
        let option = arguments.last { $0.hasPrefix("-") && Double($0) == nil }!.split(separator: "=")[0]
        #expect(r.stderr.contains(option) && r.stderr.contains("must be"), "\(arguments): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    /// 400 × 321 rows at 20 and 64 threads (counts that do not divide the rows): the same result as
    /// one thread.
    @Test func anyThreadCountGivesTheOneThreadResult() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let crop = dir.appendingPathComponent("crop.png").path
        // horse.png is 400 × 328: its first 321 rows.
        let horse = try PNGFile.read(Self.horse)
        try PNGFile.write(Image(width: 400, height: 321, components: horse.components,
                                samples: Array(horse.samples.prefix(400 * 321 * horse.components))), to: crop)
        var results: [[String: Double]] = []
        for threads in ["1", "20", "64", "1024"] {
            let r = try CLI.run(["roundtrip", crop, "--threads", threads, "--json"])
            #expect(r.status == 0, "--threads \(threads): \(r.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            var figures = (json["psnr"] as! [String: Double]).mapValues { $0 }
            for (k, v) in json["ssim"] as! [String: Double] { figures["ssim_" + k] = v }
            figures["nonzero"] = Double(json["nonzero_coefficients"] as! Int)
            results.append(figures)
        }
        #expect(results.allSatisfy { $0 == results[0] }, "\(results)")
    }

    /// `synth --ecp5-keep` into a folder that holds something is refused before yosys runs, and the
    /// folder is left as it was.
    @Test func aKeptPlaceAndRouteNeverWritesIntoAFullFolder() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mine = dir.appendingPathComponent("mine.txt")
        try Data("keep me".utf8).write(to: mine)
        let r = try CLI.run(["synth", "--target", "ecp5", "--lanes", "1", "--ecp5-keep", dir.path])
        #expect(r.status == 1 && r.stderr.contains("--ecp5-keep \(dir.path)") && r.stderr.contains("not empty"), "\(r.stderr)")
        #expect(!r.stderr.contains("yosys"), "nothing ran: \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["mine.txt"])
        #expect(try Data(contentsOf: mine) == Data("keep me".utf8))
    }

    /// An output may not replace an input or another output; a missing folder fails before any work;
    /// a failed run leaves nothing.
    @Test func outputsNeverReplaceInputsAndFailWhole() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.png").path
        try FileManager.default.copyItem(atPath: Self.coffee, toPath: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let link = dir.appendingPathComponent("link.png").path
        try FileManager.default.linkItem(atPath: input, toPath: link)

        let same = try CLI.run(["roundtrip", input, "-o", input])
        #expect(same.status == 1 && same.stderr.contains("-o \(input): is the input"), "\(same.stderr)")
        let hardLink = try CLI.run(["roundtrip", input, "-o", link])
        #expect(hardLink.status == 1 && hardLink.stderr.contains("is the input"), "\(hardLink.stderr)")
        let out = dir.appendingPathComponent("out.png").path
        let twice = try CLI.run(["roundtrip", input, "-o", out, "--error-map", dir.path + "/./out.png"])
        #expect(twice.status == 1 && twice.stderr.contains("is also the output of -o"), "\(twice.stderr)")
        let missing = try CLI.run(["roundtrip", input, "-o", out, "--error-map", dir.path + "/no/such/map.png"])
        #expect(missing.status == 1 && missing.stderr.contains("does not exist"), "\(missing.stderr)")
        let folder = try CLI.run(["roundtrip", input, "-o", dir.path])
        #expect(folder.status == 1 && folder.stderr.contains("is a folder"), "\(folder.stderr)")
        let file = try CLI.run(["rtl", "--out", input])
        #expect(file.status == 1 && file.stderr.contains("--out \(input): is a file, not a folder")
                && !file.stderr.contains("NSCocoaErrorDomain"), "\(file.stderr)")

        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before, "the input must be untouched")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(left == ["in.png", "link.png"], "nothing else may appear: \(left)")
    }

    /// SIGINT and SIGTERM at many moments of a run: afterwards either both outputs exist, whole, or
    /// neither, and no temporary file is left. (A signal that lands after the outputs were renamed into
    /// place ends the process with both outputs written: that is allowed.)
    @Test(arguments: [SIGINT, SIGTERM])
    func interruptionLeavesNoTemporaries(signalNumber: Int32) throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.png").path, map = dir.appendingPathComponent("map.png").path
        var interrupted = 0
        for delay in stride(from: 20_000, through: 400_000, by: 40_000) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLI.binary)
            p.arguments = ["roundtrip", Self.coffee, "-o", out, "--error-map", map, "--threads", "1"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32(delay))
            kill(p.processIdentifier, signalNumber)
            p.waitUntilExit()
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            #expect(!names.contains { $0.hasSuffix(".tmp") }, "delay \(delay) µs: \(names)")
            #expect(names.isEmpty || Set(names) == ["out.png", "map.png"], "all outputs or none: \(names)")
            if names.isEmpty {
                interrupted += 1
                #expect(p.terminationReason == .uncaughtSignal || p.terminationStatus == 128 + signalNumber)
            }
            for name in names where name.hasSuffix(".png") {
                #expect(try PNGFile.read(dir.appendingPathComponent(name).path).width == 600, "\(name) is whole")
            }
            for name in names { try FileManager.default.removeItem(atPath: dir.appendingPathComponent(name).path) }
        }
        #expect(interrupted > 0, "some runs must have been interrupted")
    }

    /// A header claiming 15000 × 15000 (225 megapixels, under the old pixel limit) is refused from the
    /// header by the memory budget; the run stays small.
    @Test func decompressionBombIsRefusedBeforeAllocation() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bomb = dir.appendingPathComponent("bomb.png")
        try (RoundtripCommandTests.pngHeader(width: 15_000, height: 15_000)
             + RoundtripCommandTests.chunk("IDAT", Data([0x78, 0xDA, 0x01]))).write(to: bomb)
        let (r, peak) = try CLI.runMeasured(["roundtrip", bomb.path, "-o", dir.appendingPathComponent("o.png").path], in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("15000 x 15000") && r.stderr.contains("over the memory budget of 2 GiB")
                && r.stderr.contains("--memory-budget"), "\(r.stderr)")
        #expect(peak < 100 << 20, "peak resident size \(peak) bytes")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.png").path))
    }

    /// What reading drops or changes is said in one warning line.
    @Test func silentReductionsAreReported() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // coffee.png with an iCCP chunk whose CRC is wrong, right after IHDR (33 bytes in).
        let good = try Data(contentsOf: URL(fileURLWithPath: Self.coffee))
        var iccp = RoundtripCommandTests.chunk("iCCP", Data("icc\0\0".utf8) + Data([0x78, 0x9C, 0x03, 0x00]))
        iccp[iccp.count - 1] ^= 0x5A
        let damaged = dir.appendingPathComponent("iccp.png")
        try (good.prefix(33) + iccp + good.dropFirst(33)).write(to: damaged)
        let cases: [(String, String)] = [
            (damaged.path, "iCCP"), (Self.horse, "alpha channel ignored"),
            (CLI.sharedImages.appendingPathComponent("coffee_16bit.png").path, "16-bit samples rounded to 8 bits"),
        ]
        for (path, said) in cases {
            let r = try CLI.run(["roundtrip", path, "--json"])
            #expect(r.status == 0, "\(path): \(r.stderr)")
            let warnings = r.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: \(path): ") }
            #expect(warnings.count == 1 && warnings[0].contains(said), "\(path): \(r.stderr)")
        }
        let clean = try CLI.run(["roundtrip", Self.coffee, "--json"])
        #expect(!clean.stderr.contains("warning"), "\(clean.stderr)")
    }

    /// `help NAME` for no command fails; --version answers; every key of every --json is snake_case.
    @Test func messagesAndJSON() throws {
        let help = try CLI.run(["help", "bogus"])
        #expect(help.status == 64 && help.stderr.contains("no command 'bogus'"), "\(help.stderr)")
        #expect(try CLI.run(["help", "roundtrip"]).status == 0)
        let version = try CLI.run(["--version"])
        #expect(version.status == 0 && version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        for arguments in [["roundtrip", Self.coffee, "--json"], ["fixed", "ap_fixed<8,3>", "1.7", "--json"],
                          ["bench", "--image", Self.coffee, "--megapixels", "0.05", "--blocks", "100", "--repeats", "1", "--json"]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
            #expect(CLI.camelCaseKeys(json).isEmpty, "\(arguments): \(CLI.camelCaseKeys(json))")
        }
    }

    /// A stall probability so high that nothing moves ends with a clear error, not a negative latency.
    @Test func cosimWithoutProgressSaysSo() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["cosim", CLI.sharedImages.appendingPathComponent("camera.png").path, "--stall", "0.99999",
                             "--cache", CLI.repository.appendingPathComponent("rtl-sim").path,
                             "--save-stimulus", dir.appendingPathComponent("s.bin").path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("no progress in 100000 clocks") && r.stderr.contains("--stall 0.99999"), "\(r.stderr)")
        #expect(!r.stdout.contains("latency") && !r.stderr.contains("-"  + "1 cycles"), "\(r.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "nothing written")
    }

    /// The iCE40 verdict for a design far over the HX8K comes at once from the 7-series mapping,
    /// with a progress line for each step; the JSON keys are snake_case.
    @Test func synthSaysAtOnceWhenICE40CannotFit() throws {
        let start = Date()
        let r = try CLI.run(["synth", "--lanes", "8", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Date().timeIntervalSince(start) < 300)
        #expect(r.stderr.contains("synth: [") && r.stderr.contains("synth_xilinx"), "\(r.stderr)")
        #expect(!r.stderr.contains("synth_ice40 on"), "synth_ice40 must not run: \(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(CLI.camelCaseKeys(json).isEmpty, "\(CLI.camelCaseKeys(json))")
        #expect(json["clock_target_mhz"] is Double, "MHz is one word, as in explore's clock_mhz: \(json.keys.sorted())")
        let ice40 = try #require(json["ice40"] as? [String: Any])
        #expect(ice40["fits"] as? Bool == false)
        #expect((ice40["verdict"] as? String ?? "").contains("synth_ice40 not run"), "\(ice40)")
        let xilinx = try #require(json["xc7"] as? [String: Any])
        #expect((xilinx["flip_flops"] as? Int ?? 0) > 1000)
    }
}
