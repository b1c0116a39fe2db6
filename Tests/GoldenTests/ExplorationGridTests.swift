import Foundation
import Golden
import Testing

/// The grid file of `fxcodec explore` (strict, every problem named by file, key and reason) and the
/// Pareto front it is judged by.
@Suite struct ExplorationGridTests {
    func parse(_ text: String) throws(ConfigError) -> ExplorationGrid {
        try ExplorationGrid.parse(Data(text.utf8), source: "grid.json")
    }

    @Test func pointsAreTheProductInOrderWithTheirSettingsApplied() throws {
        let grid = try parse("""
            {"base": "narrow", "clock_mhz": 150,
             "axes": {"registers.quantized.bits": [8, null], "dct_constant_bits": [10, 13, 14], "lanes": [1, 8],
                      "registers.idct_output.overflow": ["wrap"]}}
            """)
        #expect(grid.base == .narrow && grid.lanes == 8 && grid.clockMHz == 150)
        #expect(grid.axes.map(\.key) == ["dct_constant_bits", "lanes", "registers.idct_output.overflow", "registers.quantized.bits"])
        let points = grid.points
        #expect(points.count == 12 && points.map(\.index) == Array(0..<12))
        #expect(points.allSatisfy { $0.problem == nil && $0.clockMHz == 150 && $0.config.name == "narrow" })
        // The last axis varies fastest.
        #expect(points[0].label == "dct_constant_bits 10, lanes 1, registers.idct_output.overflow wrap, registers.quantized.bits 8")
        #expect(points[1].config.spec(.quantized) == .fullPrecision && points[0].config.spec(.quantized) == .saturate(8))
        #expect(points.map(\.config.dctConstantBits) == [10, 10, 10, 10, 13, 13, 13, 13, 14, 14, 14, 14])
        #expect(points.map(\.lanes) == [1, 1, 8, 8, 1, 1, 8, 8, 1, 1, 8, 8])
        // An overflow setting keeps the register's bits; everything not on an axis is the base's.
        #expect(points.allSatisfy { $0.config.spec(.idctOutput) == .wrap(12) })
        #expect(points.allSatisfy { $0.config.quantizerReciprocalBits == 12 && $0.config.spec(.fdctWorkspace) == .saturate(14) })
        // The base's own values make the base.
        let same = try parse(#"{"base": "libjpeg-islow", "axes": {"registers.fdct_workspace.bits": [16], "color_bits": [16]}}"#)
        #expect(same.points.count == 1 && same.points[0].config == .libjpeg && same.clockMHz == nil)
    }

    @Test func inlineBaseTakesTheLibjpegDefaults() throws {
        let grid = try parse(#"{"base": {"name": "mine", "dct_constant_bits": 11}, "axes": {"quantizer_reciprocal_bits": [12, 16]}}"#)
        var expected = DatapathConfig.libjpeg
        expected.name = "mine"
        expected.dctConstantBits = 11
        #expect(grid.base == expected)
        #expect(grid.points.map(\.config.quantizerReciprocalBits) == [12, 16])
    }

    /// A value of the right type that makes an invalid configuration is the point's problem, not the file's.
    @Test func invalidPointsAreReportedByThePoint() throws {
        let points = try parse(#"{"base": "libjpeg-islow", "axes": {"dct_constant_bits": [1, 13], "fdct_pass1_bits": [2, 9]}}"#).points
        #expect(points.map { $0.problem?.field } == ["dct_constant_bits", "dct_constant_bits", nil, "fdct_pass1_bits"])
        #expect(points[0].problem?.description.contains("must be 4...20, is 1") == true)
    }

    @Test(arguments: [
        ("", "grid.json: the file is empty"),
        ("{\"base\": ", "grid.json: not valid JSON"),
        ("[1, 2]", "grid.json: expected an object, found an array"),
        (#"{"axes": {"lanes": [1]}}"#, "grid.json: base: missing"),
        (#"{"base": "libjpeg", "axes": {"lanes": [1]}}"#, "grid.json: base: unknown preset \"libjpeg\"; known: libjpeg-islow"),
        (#"{"base": 7, "axes": {"lanes": [1]}}"#, "grid.json: base: expected a preset's name or a configuration object, found the number 7"),
        (#"{"base": {"dct_constant_bits": 40}, "axes": {"lanes": [1]}}"#, "grid.json: base.dct_constant_bits: must be 4...20, is 40"),
        (#"{"base": {"registers": {"quantised": {}}}, "axes": {"lanes": [1]}}"#, "grid.json: base.registers.quantised: unknown key; did you mean quantized?"),
        (#"{"base": "narrow", "axis": {"lanes": [1]}}"#, "grid.json: axis: unknown key; did you mean axes?"),
        (#"{"base": "narrow"}"#, "grid.json: axes: missing"),
        (#"{"base": "narrow", "axes": {}}"#, "grid.json: axes: no axis"),
        (#"{"base": "narrow", "axes": {"dct_const_bits": [10]}}"#, "grid.json: axes.dct_const_bits: unknown key; did you mean dct_constant_bits?"),
        (#"{"base": "narrow", "axes": {"registers.sample.bits": [9]}}"#, "grid.json: axes.registers.sample.bits: unknown key"),
        (#"{"base": "narrow", "axes": {"name": ["a"]}}"#, "grid.json: axes.name: unknown key"),
        (#"{"base": "narrow", "axes": {"dct_constant_bits": 10}}"#, "grid.json: axes.dct_constant_bits: expected a list of values, found the number 10"),
        (#"{"base": "narrow", "axes": {"dct_constant_bits": []}}"#, "grid.json: axes.dct_constant_bits: the list of values is empty"),
        (#"{"base": "narrow", "axes": {"dct_constant_bits": [10, "11"]}}"#, "grid.json: axes.dct_constant_bits.1: expected an integer, found the string \"11\""),
        (#"{"base": "narrow", "axes": {"dct_constant_bits": [10.5]}}"#, "grid.json: axes.dct_constant_bits.0: expected an integer, found the number 10.5"),
        (#"{"base": "narrow", "axes": {"dct_constant_bits": [10, 11, 10]}}"#, "grid.json: axes.dct_constant_bits: the value 10 is listed twice"),
        (#"{"base": "narrow", "axes": {"registers.quantized.bits": [true]}}"#, "grid.json: axes.registers.quantized.bits.0: expected an integer or null (full precision), found the boolean true"),
        (#"{"base": "narrow", "axes": {"registers.quantized.overflow": ["clamp"]}}"#, "grid.json: axes.registers.quantized.overflow.0: expected \"saturate\" or \"wrap\", found the string \"clamp\""),
        (#"{"base": "narrow", "axes": {"range_limit": [null]}}"#, "grid.json: axes.range_limit.0: expected \"libjpeg-table\" or \"saturate\", found null"),
        (#"{"base": "narrow", "axes": {"lanes": [1, 4]}}"#, "grid.json: axes.lanes.1: expected 1 or 8 lanes, found the number 4"),
        (#"{"base": "narrow", "lanes": 2, "axes": {"dct_constant_bits": [10]}}"#, "grid.json: lanes: expected 1 or 8 lanes, found the number 2"),
        (#"{"base": "narrow", "axes": {"clock_mhz": [100, 5]}}"#, "grid.json: axes.clock_mhz.1: a clock target must be 10...1000 MHz, is 5.0"),
        (#"{"base": "narrow", "clock_mhz": "fast", "axes": {"lanes": [1]}}"#, "grid.json: clock_mhz: expected a clock target in MHz, found the string \"fast\""),
    ])
    func badGridsAreRefusedByFileKeyAndProblem(text: String, message: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func gridsPastThePointLimitAreRefusedBeforeAnyPointIsMade() throws {
        let values = (0..<16).map(String.init).joined(separator: ", ")
        let keys = ["color_bits", "dct_constant_bits", "fdct_pass1_bits"]
        let big = #"{"base": "narrow", "axes": {"# + keys.map { "\"\($0)\": [\(values)]" }.joined(separator: ", ") + "}}"
        #expect(throws: ConfigError(field: "axes", problem: "the axes make more than 1024 points (the limit); use fewer values",
                                    source: "grid.json")) { try parse(big) }
        // 16 × 16 × 4 = 1024 is allowed.
        let fits = #"{"base": "narrow", "axes": {"color_bits": [\#(values)], "dct_constant_bits": [\#(values)], "lanes": [1, 8], "clock_mhz": [100, 200]}}"#
        #expect(try parse(fits).points.count == 1024)
    }

    /// Seeded mutations of good grids (digits changed, bytes flipped, inserted, deleted, keys spliced in):
    /// every input is a grid whose points all build, or a ConfigError naming the file. Fuzz/Targets'
    /// `grid` target runs the same check under libFuzzer.
    @Test func mutatedGridsNeverTrap() throws {
        let seeds = [
            #"{"base": "libjpeg-islow", "lanes": 1, "clock_mhz": 150.5, "axes": {"dct_constant_bits": [8, 13], "registers.fdct_workspace.bits": [12, null]}}"#,
            #"{"base": {"registers": {"quantized": {"bits": 9, "overflow": "wrap"}}}, "axes": {"range_limit": ["saturate"], "lanes": [1, 8]}}"#,
        ].map { Array($0.utf8) }
        let words = ExplorationGrid.axisKeys + ExplorationGrid.topKeys + ["null", "-1", "1e308", "[", "]", "{", "}", "\"", ",", ":"]
        var draws = SeededDraws(seed: 0x9_81D)
        var (parsed, refused) = (0, 0)
        for n in 0..<3000 {
            var bytes = seeds[n % seeds.count]
            for _ in 0..<draws.int(1...3) {
                let at = draws.int(0...bytes.count - 1)
                let digits = bytes.indices.filter { (48...57).contains(bytes[$0]) }
                let kind = draws.int(0...5)
                if kind >= 4 && !digits.isEmpty {
                    bytes[digits[draws.int(0...digits.count - 1)]] = UInt8(48 + draws.int(0...9))
                    continue
                }
                switch kind {
                case 0: bytes[at] = UInt8(draws.int(0...255))
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(contentsOf: Array(words[draws.int(0...words.count - 1)].utf8), at: at)
                default: bytes.insert(UInt8(draws.int(32...126)), at: at)
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "{")] }
            }
            do {
                let grid = try ExplorationGrid.parse(Data(bytes), source: "mutant")
                let points = grid.points
                #expect(!points.isEmpty && points.count <= ExplorationGrid.maximumPoints)
                parsed += 1
            } catch {
                #expect(error.description.hasPrefix("mutant"), "\(error)")
                refused += 1
            }
        }
        #expect(parsed > 300 && refused > 300, "parsed \(parsed), refused \(refused)")
    }

    @Test func paretoFrontKeepsOnlyUndominatedPoints() {
        // (cost, loss): both smaller is better.
        let points: [(cost: Double, loss: Double)] = [
            (10, 5),    // front: the cheapest
            (20, 2),    // front
            (20, 3),    // dominated by (20, 2)
            (30, 2),    // dominated by (20, 2): costs more, no better
            (40, 0.5),  // front
            (40, 0.5),  // an equal twin: also on the front
            (15, 6),    // dominated by (10, 5)
            (50, 0.1),  // front: the best quality
            (60, -1),   // front: better than the base (a negative drop)
        ]
        #expect(ParetoFront.members(points) == [true, true, false, false, true, true, false, true, true])
        #expect(ParetoFront.members([]) == [])
        #expect(ParetoFront.members([(1, 1)]) == [true])
    }
}
