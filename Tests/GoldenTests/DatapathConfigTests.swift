import Foundation
import Golden
import Testing

/// The configuration, the traced graphs and the overflow report.
@Suite struct DatapathConfigTests {
    @Test func defaultConstantsAreLibjpegs() {
        let k = DCTConstants(bits: 13)
        #expect(k.all.map(\.value) == [2446, 3196, 4433, 6270, 7373, 9633, 12299, 15137, 16069, 16819, 20995, 25172])
        let c = ColourConversion(bits: 16)
        #expect(c.forward(255, 255, 255) == (255, 128, 128))
        #expect(c.forward(0, 0, 0) == (0, 128, 128))
    }

    @Test func jsonRoundTripsAndNamesOnlyChanges() throws {
        let data = try JSONEncoder().encode(DatapathConfig.narrow)
        #expect(try JSONDecoder().decode(DatapathConfig.self, from: data) == .narrow)
        let partial = try JSONDecoder().decode(DatapathConfig.self, from: Data(#"{"dct_constant_bits": 11}"#.utf8))
        #expect(partial.dctConstantBits == 11 && partial.fdctPass1Bits == 2 && partial.spec(.quantized) == .wrap(16))
        #expect(throws: ConfigError.self) {
            try JSONDecoder().decode(DatapathConfig.self, from: Data(#"{"registers": {"nonsense": {"bits": 4, "overflow": "wrap"}}}"#.utf8))
        }
        var bad = DatapathConfig.libjpeg
        bad.dctConstantBits = 30
        #expect(throws: ConfigError.self) { try bad.validate() }
    }

    @Test func tracedWidthsFollowTheConfiguration() throws {
        let standard = try KernelGraphs(.libjpeg), wide = try KernelGraphs(.constantBits14)
        // One more constant bit widens the DCT products by one bit.
        #expect(wide.forwardRow.maximumWidth == standard.forwardRow.maximumWidth + 1)
        // Samples 0...255 level-shifted: the first node after the input holds −128...127.
        let shifted = standard.forwardRow.nodes.first { if case .addConstant(-128) = $0.op { true } else { false } }
        #expect(shifted?.range == -128...127)
        // The FDCT workspace (16-bit) cannot overflow on 8-bit input; the narrow quantized register can.
        #expect(!standard.registersThatMayOverflow.contains(.fdctWorkspace))
        #expect(try KernelGraphs(.narrow).registersThatMayOverflow.contains(.quantized))
    }

    @Test func overflowsAreCountedExactly() throws {
        // Quantized coefficients saturated to 8 bits: the count equals a brute-force count of
        // wide quantized values outside −128...127.
        var narrow = DatapathConfig.libjpeg
        narrow.registers[.quantized] = .saturate(8)
        var rng = SeededGenerator(seed: 7)
        let samples = (0..<(64 * 5000)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let table = QuantTable(Array(repeating: 1, count: 64))
        let wide = try BlockCodec(.libjpeg).encode(samples: samples, table: table).coefficients
        let (clipped, report) = try BlockCodec(narrow).encode(samples: samples, table: table)
        let expected = wide.filter { $0 < -128 || $0 > 127 }.count
        #expect(expected > 0)
        #expect(report.overflows[.quantized] == expected)
        #expect(clipped == wide.map { min(max($0, -128), 127) })
        #expect(report.minimum[.quantized] == Int(wide.min()!) && report.maximum[.quantized] == Int(wide.max()!))
        // Wrapping instead: values wrap modulo 256.
        narrow.registers[.quantized] = .wrap(8)
        let wrapped = try BlockCodec(narrow).encode(samples: samples, table: table).coefficients
        #expect(wrapped == wide.map { Int32(Int8(truncatingIfNeeded: $0)) })
    }

    @Test func quantTableParsingAndQualityScaling() throws {
        #expect(QuantTable.annexKLuminance.scaled(quality: 50) == .annexKLuminance)
        #expect(QuantTable.annexKLuminance.scaled(quality: 100).values.allSatisfy { $0 == 1 })
        #expect(QuantTable.annexKLuminance.scaled(quality: 1).values.allSatisfy { $0 == 255 })
        let text = "# luma\n" + (1...64).map(String.init).joined(separator: " ") + "\n"
        let tables = try QuantTable.parse(text, source: "t.txt")
        #expect(tables.count == 1 && tables[0].values == Array(1...64))
        #expect(throws: QuantTableError.self) { try QuantTable.parse("1 2 x", source: "t.txt") }
        #expect(throws: QuantTableError.self) { try QuantTable.parse(String(repeating: "300 ", count: 64), source: "t.txt") }
    }
}
