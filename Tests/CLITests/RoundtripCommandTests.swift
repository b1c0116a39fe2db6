import Foundation
import Testing

/// `fxcodec roundtrip` end to end: output, JSON, and every kind of bad input.
@Suite struct RoundtripCommandTests {
    @Test func roundtripPrintsMetricsAndWritesOutputs() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.png").path, map = dir.appendingPathComponent("map.png").path
        let r = try CLI.run(["roundtrip", CLI.sharedImages.appendingPathComponent("coffee.png").path,
                             "-q", "75", "-o", out, "--error-map", map, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(json["width"] as? Int == 600 && json["height"] as? Int == 400)
        #expect(json["quality"] as? Int == 75 && json["chroma"] as? String == "420")
        let psnr = json["psnr"] as! [String: Any]
        let overall = try #require(psnr["overall"] as? Double)
        #expect(overall > 28 && overall < 45)
        let ssim = json["ssim"] as! [String: Any]
        #expect((ssim["luma"] as? Double ?? 0) > 0.85)
        #expect((json["nonzero_coefficients"] as? Int ?? 0) > 1000)
        #expect(FileManager.default.fileExists(atPath: out) && FileManager.default.fileExists(atPath: map))
    }

    @Test func higherQualityGivesHigherPSNR() throws {
        func psnr(_ q: Int) throws -> Double {
            let r = try CLI.run(["roundtrip", CLI.sharedImages.appendingPathComponent("astronaut.png").path,
                                 "-q", "\(q)", "--json"])
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            return (json["psnr"] as! [String: Any])["overall"] as! Double
        }
        #expect(try psnr(90) > psnr(50))
        #expect(try psnr(50) > psnr(10))
    }

    @Test func narrowConfigurationReportsSaturation() throws {
        let r = try CLI.run(["roundtrip", CLI.sharedImages.appendingPathComponent("camera.png").path,
                             "--preset", "narrow", "-q", "95", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let rows = json["overflows"] as! [[String: Any]]
        let quantized = try #require(rows.first { $0["register"] as? String == "quantized" })
        #expect((quantized["overflows"] as? Int ?? 0) > 0)
        #expect(quantized["format"] as? String == "8-bit saturate")
    }

    enum BadInput: String, CaseIterable, Sendable {
        case empty, notPNG, truncated, badCRC, huge
        /// What the message must say.
        var expected: String {
            switch self {
            case .empty: "empty"
            case .notPNG: "not a PNG"
            case .truncated: "truncated"
            case .badCRC: "CRC"
            case .huge: "pixel"
            }
        }
    }

    /// Each bad input: a message naming the file and the problem, a non-zero exit, and no output file.
    @Test(arguments: BadInput.allCases)
    func badInputFailsCleanly(kind: BadInput) throws {
        let expected = kind.expected
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("bad.png")
        let good = try Data(contentsOf: CLI.sharedImages.appendingPathComponent("horse.png"))
        let bytes: Data
        switch kind {
        case .empty: bytes = Data()
        case .notPNG: bytes = Data("hello, this is text and not an image at all".utf8)
        case .truncated: bytes = good.prefix(good.count / 2)
        case .badCRC:
            var d = good
            d[30] ^= 0xFF          // inside IHDR's data: its CRC no longer matches
            bytes = d
        case .huge:
            // A valid signature and IHDR claiming 100000 × 100000 pixels, then the start of image data
            // (all CRCs correct): must be refused from the header, before any pixel memory.
            bytes = Self.pngHeader(width: 100_000, height: 100_000) + Self.chunk("IDAT", Data([0x78, 0x9C, 0x01]))
        }
        try bytes.write(to: input)
        let out = dir.appendingPathComponent("out.png")
        let r = try CLI.run(["roundtrip", input.path, "-o", out.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains(input.path), "message should name the file: \(r.stderr)")
        #expect(r.stderr.lowercased().contains(expected.lowercased()), "message should say '\(expected)': \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"), "\(r.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "bad.png" }
        #expect(left.isEmpty, "no output may appear: \(left)")
    }

    @Test func missingFileAndBadOptionsFail() throws {
        let missing = try CLI.run(["roundtrip", "/nonexistent/x.png"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/x.png"))
        let quality = try CLI.run(["roundtrip", CLI.sharedImages.appendingPathComponent("horse.png").path, "-q", "0"])
        #expect(quality.status != 0 && quality.stderr.contains("quality"))
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("c.json")
        try Data(#"{"dct_constant_bits": 40}"#.utf8).write(to: config)
        let bad = try CLI.run(["roundtrip", CLI.sharedImages.appendingPathComponent("horse.png").path, "--config", config.path])
        #expect(bad.status != 0 && bad.stderr.contains(config.path) && bad.stderr.contains("dct_constant_bits"))
        let table = dir.appendingPathComponent("t.txt")
        try Data("1 2 3".utf8).write(to: table)
        let t = try CLI.run(["roundtrip", CLI.sharedImages.appendingPathComponent("horse.png").path, "--qtable", table.path])
        #expect(t.status != 0 && t.stderr.contains(table.path) && t.stderr.contains("64"))
    }

    @Test func pixelLimitIsEnforcedBeforeDecoding() throws {
        let r = try CLI.run(["roundtrip", CLI.sharedImages.appendingPathComponent("coffee.png").path, "--memory-budget", "1M"])
        #expect(r.status == 1 && r.stderr.contains("coffee.png") && r.stderr.contains("memory budget of 1 MiB"), "\(r.stderr)")
    }

    /// PNG signature + IHDR (8-bit RGB).
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var fields = Data()
        for v in [width, height] { fields += withUnsafeBytes(of: v.bigEndian) { Data($0) } }
        fields += Data([8, 2, 0, 0, 0])
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + chunk("IHDR", fields)
    }

    /// length, type, data, CRC of type + data.
    static func chunk(_ type: String, _ data: Data) -> Data {
        let body = Data(type.utf8) + data
        return withUnsafeBytes(of: UInt32(data.count).bigEndian) { Data($0) } + body
            + withUnsafeBytes(of: crc32(body).bigEndian) { Data($0) }
    }

    static func crc32(_ data: Data) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
}
