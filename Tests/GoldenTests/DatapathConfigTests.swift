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

    /// The JSON key style: snake_case, a capital run one word, MHz one word; dictionary keys are data.
    @Test func jsonKeysAreSnakeCase() throws {
        #expect(JSONOutput.snakeCase("flipFlops") == "flip_flops" && JSONOutput.snakeCase("lutRAM") == "lut_ram")
        #expect(JSONOutput.snakeCase("fmaxMHz") == "fmax_mhz" && JSONOutput.snakeCase("clockTargetMHz") == "clock_target_mhz")
        #expect(JSONOutput.snakeCase("dsp48e1") == "dsp48e1" && JSONOutput.snakeCase("psnrDrop") == "psnr_drop")
        #expect(JSONOutput.snakeCase("ioPins") == "io_pins" && JSONOutput.snakeCase("ssim") == "ssim")
        struct Sample: Encodable { var requestedMHz = 1.0; var cellCounts = ["MULT18X18D": 2] }
        let text = try JSONOutput.line(Sample())
        #expect(text == #"{"cell_counts":{"MULT18X18D":2},"requested_mhz":1}"#, "\(text)")
    }

    /// The registers are one list: each is its position in it, found by its name, and a configuration
    /// file writes exactly the configurable ones (the fixed ones keep their format whatever is asked).
    @Test func registersAreOneList() throws {
        #expect(Register.all.map(\.index) == Array(Register.definitions.indices))
        #expect(Set(Register.all.map(\.description)).count == Register.all.count)
        for r in Register.all { #expect(Register.named(r.description) == r) }
        #expect(Register.named("no_such_register") == nil)
        #expect(Register.configurable.map(\.description)
                == ["fdct_workspace", "fdct_output", "quantized", "dequantized", "idct_workspace", "idct_output"])
        let written = try JSONSerialization.jsonObject(with: JSONEncoder().encode(DatapathConfig.libjpeg)) as! [String: Any]
        #expect(Set((written["registers"] as! [String: Any]).keys) == Set(Register.configurable.map(\.description)))
        #expect(DatapathConfig.libjpeg.spec(.sample) == .saturate(8) && DatapathConfig.libjpeg.spec(.rangeIndex) == .wrap(10))
        let asked = #"{ "registers": { "sample": { "bits": 9 } } }"#
        #expect(throws: ConfigError.self) { try DatapathConfig.parse(Data(asked.utf8), source: "s.json") }
    }

    @Test(arguments: DatapathConfig.presets)
    func jsonRoundTrips(_ preset: DatapathConfig) throws {
        let data = try JSONEncoder().encode(preset)
        #expect(try DatapathConfig.parse(data, source: "p.json") == preset)
        #expect(try JSONDecoder().decode(DatapathConfig.self, from: data) == preset)
    }

    @Test func missingKeysTakeTheDefaults() throws {
        let partial = try DatapathConfig.parse(Data(#"{"dct_constant_bits": 11}"#.utf8), source: "c.json")
        #expect(partial.name == "custom" && partial.dctConstantBits == 11 && partial.fdctPass1Bits == 2)
        #expect(partial.spec(.quantized) == .wrap(16))
        // The README's example, and the same without "overflow" (which is then saturate).
        let readme = #"{ "name": "lean", "dct_constant_bits": 11, "registers": { "quantized": { "bits": 9, "overflow": "saturate" } } }"#
        let lean = try DatapathConfig.parse(Data(readme.utf8), source: "lean.json")
        #expect(lean.name == "lean" && lean.spec(.quantized) == .saturate(9) && lean.spec(.fdctOutput) == .wrap(16))
        let short = #"{ "name": "lean", "dct_constant_bits": 11, "registers": { "quantized": { "bits": 9 } } }"#
        #expect(try DatapathConfig.parse(Data(short.utf8), source: "lean.json") == lean)
        // No bits (or null bits): full precision.
        let full = #"{"registers": {"fdct_output": {"bits": null, "overflow": "wrap"}, "quantized": {}}}"#
        let parsed = try DatapathConfig.parse(Data(full.utf8), source: "c.json")
        #expect(parsed.spec(.fdctOutput) == RegisterSpec(bits: nil, overflow: .wrap) && parsed.spec(.quantized) == .fullPrecision)
        // The fixed registers may be spelled out as they are.
        let fixed = #"{"registers": {"sample": {"bits": 8}, "range_index": {"bits": 10, "overflow": "wrap"}}}"#
        #expect(try DatapathConfig.parse(Data(fixed.utf8), source: "c.json") == DatapathConfig.parse(Data("{}".utf8), source: "c.json"))
    }

    /// Every kind of bad file, and the one line it is reported as.
    @Test(arguments: [
        (#"{"dct_constant_bitz": 11}"#, "c.json: dct_constant_bitz: unknown key; did you mean dct_constant_bits? valid keys: "
            + "name, dct_constant_bits, fdct_pass1_bits, idct_pass1_bits, quantizer_reciprocal_bits, quant_table_bits, "
            + "color_bits, range_limit, registers"),
        (#"{"Name": "x", "zzz": 1}"#, "c.json: Name: unknown key; did you mean name? valid keys: name, dct_constant_bits, "
            + "fdct_pass1_bits, idct_pass1_bits, quantizer_reciprocal_bits, quant_table_bits, color_bits, range_limit, registers"),
        (#"{"colour": 16}"#, "c.json: colour: unknown key; valid keys: name, dct_constant_bits, fdct_pass1_bits, "
            + "idct_pass1_bits, quantizer_reciprocal_bits, quant_table_bits, color_bits, range_limit, registers"),
        (#"{"registers": {"quantized": {"bits": 9, "overflw": "wrap"}}}"#,
         "c.json: registers.quantized.overflw: unknown key; did you mean overflow? valid keys: bits, overflow"),
        (#"{"registers": {"quantised": {"bits": 9}}}"#,
         "c.json: registers.quantised: unknown key; did you mean quantized? valid keys: fdct_workspace, fdct_output, "
            + "quantized, dequantized, idct_workspace, idct_output, range_index, sample"),
        (#"{"registers": {"quantized": {"bits": "9"}}}"#, #"c.json: registers.quantized.bits: expected an integer, found the string "9""#),
        (#"{"registers": {"quantized": {"bits": 9.5}}}"#, "c.json: registers.quantized.bits: expected an integer, found the number 9.5"),
        (#"{"registers": {"quantized": {"bits": 1e30}}}"#, "c.json: registers.quantized.bits: expected an integer, found the number 1e+30"),
        (#"{"registers": {"quantized": {"bits": 9, "overflow": "clip"}}}"#,
         #"c.json: registers.quantized.overflow: expected "saturate" or "wrap", found the string "clip""#),
        (#"{"registers": {"quantized": 9}}"#, "c.json: registers.quantized: expected an object, found the number 9"),
        (#"{"registers": [1]}"#, "c.json: registers: expected an object, found an array"),
        (#"{"range_limit": true}"#, #"c.json: range_limit: expected "libjpeg-table" or "saturate", found the boolean true"#),
        (#"{"name": 5}"#, "c.json: name: expected a string, found the number 5"),
        (#"{"fdct_pass1_bits": null}"#, "c.json: fdct_pass1_bits: expected an integer, found null"),
        (#"[1, 2]"#, "c.json: expected an object, found an array"),
        (#"{"dct_constant_bits": 40}"#, "c.json: dct_constant_bits: must be 4...20, is 40"),
        (#"{"registers": {"quantized": {"bits": 60}}}"#, "c.json: registers.quantized.bits: must be 2...48, is 60"),
        (#"{"registers": {"sample": {"bits": 9}}}"#, "c.json: registers.sample: is fixed at 8 bits"),
        (#"{"name": "../x"}"#, #"c.json: name: must be 1...64 letters, digits, '-', '_' or '.', is "../x""#),
        ("", "c.json: the file is empty (expected a JSON object)"),
        ("{\n  \"name\": \"x\"\n  \"dct_constant_bits\": 11\n}", "c.json: not valid JSON: Invalid value at line 3, column 3."),
        (#"{"name": "x","#, "c.json: not valid JSON: Unexpected end of file during JSON parse."),
    ])
    func badFilesAreReportedByKeyPath(_ json: String, _ message: String) {
        #expect(throws: ConfigError.self) {
            do { _ = try DatapathConfig.parse(Data(json.utf8), source: "c.json") } catch {
                #expect("\(error)" == message)
                throw error
            }
        }
    }

    @Test func decodingIsStrictAndValidationNamesTheField() {
        #expect(throws: ConfigError(field: "registers.nonsense", problem: "unknown key; valid keys: fdct_workspace, "
                                    + "fdct_output, quantized, dequantized, idct_workspace, idct_output, range_index, sample")) {
            try JSONDecoder().decode(DatapathConfig.self, from: Data(#"{"registers": {"nonsense": {"bits": 4}}}"#.utf8))
        }
        var bad = DatapathConfig.libjpeg
        bad.dctConstantBits = 30
        let expected = ConfigError(field: "dct_constant_bits", problem: "must be 4...20, is 30")
        #expect(throws: expected) { try bad.validate() }
        #expect(expected.description == "datapath configuration: dct_constant_bits: must be 4...20, is 30")
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

    @Test func quantTableQualityScaling() {
        #expect(QuantTable.annexKLuminance.scaled(quality: 50) == .annexKLuminance)
        #expect(QuantTable.annexKLuminance.scaled(quality: 100).values.allSatisfy { $0 == 1 })
        #expect(QuantTable.annexKLuminance.scaled(quality: 1).values.allSatisfy { $0 == 255 })
    }
}
