import Foundation
import Golden
import Testing

/// Random valid configurations (`RandomConfigurations`, seeded) through three evaluators of the same
/// datapath: the scalar model, the 32-bit lanes (with their fallback) and the traced graphs evaluated
/// node by node (`GraphBlockCodec`). On random and adversarial blocks all three must give the same FDCT
/// outputs, quantized values and reconstructed samples, and the same overflow report (count, minimum
/// and maximum per register).
///
/// The seeds are fixed, so CI runs the same cases every time; `FXCODEC_FUZZ_SEED` (decimal or 0x…)
/// and `FXCODEC_FUZZ_CONFIGS` explore others. A mismatch names the configuration's seed (which alone
/// reproduces it: `RandomConfigurations.draw(seed:)`), the configuration as JSON, the stage, the block,
/// the index, and the expected (scalar) and actual values.
@Suite struct ConfigurationFuzzTests {
    static let baseSeed = RandomConfigurations.suiteBaseSeed
    static let configurationCount = RandomConfigurations.suiteCount

    @Test func scalarLanesAndGraphsAgreeOnRandomConfigurations() throws {
        let start = ContinuousClock.now
        var tally = Tally()
        for index in 0..<Self.configurationCount {
            let drawn = RandomConfigurations.draw(seed: RandomConfigurations.seed(base: Self.baseSeed, index: index))
            var fuzzCase = try FuzzCase(drawn)
            let problems = fuzzCase.run(&tally)
            #expect(problems.isEmpty, Comment(rawValue: "\(FuzzCase.describe(drawn)): \(problems.count) mismatches; first:\n"
                    + problems.prefix(8).joined(separator: "\n")))
        }
        let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - start).components.seconds)
        print("configuration fuzz: base seed 0x\(String(Self.baseSeed, radix: 16)), \(Self.configurationCount) configurations "
              + "evaluated, \(tally.refused) refused by KernelGraphs and redrawn, \(tally.blocks) blocks, "
              + "\(String(format: "%.2f", seconds)) s (\(String(format: "%.1f", Double(Self.configurationCount) / seconds)) configurations/s); "
              + "with overflows of a configurable register: \(tally.overflowingConfigurations), in encoding "
              + "\(tally.overflowingEncodes) (saturating registers \(tally.saturated), "
              + "wrapping \(tally.wrapped)); lanes encode \(tally.laneEncodes), decode \(tally.laneDecodes)")

        // The generator must reach what the evaluators differ on: narrow registers that overflow both
        // ways, and configurations the lanes take (otherwise lanes = scalar would compare scalar with itself).
        let n = Self.configurationCount
        #expect(tally.overflowingConfigurations * 4 >= n, "configurations with an overflow: \(tally.overflowingConfigurations) of \(n)")
        #expect(tally.overflowingEncodes * 8 >= n, "configurations with an overflow in encoding: \(tally.overflowingEncodes) of \(n)")
        #expect(tally.saturated * 8 >= n && tally.wrapped * 8 >= n, "saturating \(tally.saturated), wrapping \(tally.wrapped)")
        #expect(tally.laneEncodes * 4 >= n && tally.laneDecodes * 4 >= n,
                "lanes encode in \(tally.laneEncodes), decode in \(tally.laneDecodes) of \(n)")
        #expect(tally.refused > 0, "the generator should reach configurations too wide to trace")
    }

    /// The seed alone reproduces a case: configuration, table and refusals.
    @Test func drawsAreReproducible() throws {
        for index in 0..<20 {
            let seed = RandomConfigurations.seed(base: 7, index: index)
            let a = RandomConfigurations.draw(seed: seed), b = RandomConfigurations.draw(seed: seed)
            #expect(a.config == b.config && a.table == b.table && a.tableKind == b.tableKind)
            #expect(a.refused.map(\.config) == b.refused.map(\.config))
            try a.config.validate()
            // The JSON a mismatch message prints reads back as the same configuration.
            let json = try JSONEncoder().encode(a.config)
            #expect(try DatapathConfig.parse(json, source: "drawn") == a.config)
            #expect(a.table.values.allSatisfy { (1...(1 << a.config.quantTableBits) - 1).contains($0) })
        }
        #expect(RandomConfigurations.draw(seed: 1).config != RandomConfigurations.draw(seed: 2).config)
    }
}

/// What the run as a whole reached.
struct Tally {
    var refused = 0, blocks = 0
    var overflowingConfigurations = 0, overflowingEncodes = 0, saturated = 0, wrapped = 0
    var laneEncodes = 0, laneDecodes = 0
}

/// One drawn configuration through the three evaluators.
struct FuzzCase {
    let drawn: RandomConfigurations.Drawn
    let lanes: BlockCodec, scalar: BlockCodec, graph: GraphBlockCodec
    var draws: SeededDraws

    init(_ drawn: RandomConfigurations.Drawn) throws {
        self.drawn = drawn
        lanes = try BlockCodec(drawn.config)
        var scalar = lanes
        scalar.usesLanes = false
        self.scalar = scalar
        graph = GraphBlockCodec(drawn.graphs)
        draws = SeededDraws(seed: drawn.seed ^ 0xB10C)
    }

    static func describe(_ drawn: RandomConfigurations.Drawn) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(drawn.config)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        return "seed 0x\(String(drawn.seed, radix: 16)), table \(drawn.tableKind), configuration \(json)"
    }

    mutating func run(_ tally: inout Tally) -> [String] {
        tally.refused += drawn.refused.count
        if lanes.laneBounds.encodes { tally.laneEncodes += 1 }
        if lanes.laneBounds.decodes { tally.laneDecodes += 1 }
        var problems: [String] = []
        let samples = sampleBlocks()
        let table = drawn.table

        let f = (scalar.forwardTransform(samples: samples), lanes.forwardTransform(samples: samples),
                 graph.forwardTransform(samples: samples))
        problems += check("fdct", Result(f.0.coefficients, f.0.report),
                          [("lanes", Result(f.1.coefficients, f.1.report)), ("graph", Result(f.2.values, f.2.report))])

        let e = (scalar.encode(samples: samples, table: table), lanes.encode(samples: samples, table: table),
                 graph.encode(samples: samples, table: table), lanes.encode(samples: samples, table: table, trackRanges: false))
        problems += check("quantize", Result(e.0.coefficients, e.0.report),
                          [("lanes", Result(e.1.coefficients, e.1.report)), ("graph", Result(e.2.values, e.2.report)),
                           ("lanes untracked", Result(e.3.coefficients, e.3.report, tracked: false))])

        let coefficients = e.0.coefficients + coefficientBlocks()
        let d = (scalar.decode(coefficients: coefficients, table: table), lanes.decode(coefficients: coefficients, table: table),
                 graph.decode(coefficients: coefficients.map(Int.init), table: table),
                 lanes.decode(coefficients: coefficients, table: table, trackRanges: false))
        problems += check("decode", Result(d.0.samples, d.0.report),
                          [("lanes", Result(d.1.samples, d.1.report)), ("graph", Result(d.2.values, d.2.report)),
                           ("lanes untracked", Result(d.3.samples, d.3.report, tracked: false))])

        // The traced intervals (the widths the emitters print) must hold every value; the graphs also
        // take the coefficients beyond Int32 that the quantized register's format allows.
        let wide = coefficientBlocks(within: graph.decodableCoefficients)
        let w = graph.decode(coefficients: wide, table: table)
        for (stage, run) in [("fdct", f.2), ("quantize", e.2), ("decode", d.2), ("decode, full coefficient range", w)]
            where run.outsideTracedRange > 0 {
            problems.append("\(stage) (graph): \(run.outsideTracedRange) values outside their node's traced interval")
        }

        tally.blocks += (samples.count * 2 + coefficients.count + wide.count) / 64
        // Only the configurable registers: range_index and sample overflow in every configuration.
        let configurable = Register.configurable
        let overflowed = configurable.filter { (e.0.report.overflows[$0] ?? 0) + (d.0.report.overflows[$0] ?? 0) > 0 }
        for r in overflowed {
            if drawn.config.spec(r).overflow == .saturate { tally.saturated += 1 } else { tally.wrapped += 1 }
        }
        if !overflowed.isEmpty { tally.overflowingConfigurations += 1 }
        if configurable.contains(where: { (e.0.report.overflows[$0] ?? 0) > 0 }) { tally.overflowingEncodes += 1 }
        return problems
    }

    // MARK: comparisons

    /// One evaluator's outputs of a stage (as Int, so nothing is narrowed for the comparison) and report.
    struct Result {
        var values: [Int], report: OverflowReport
        /// False for an evaluation that only counts overflows (its report has no extremes).
        var tracked: Bool
        init<T: BinaryInteger>(_ values: [T], _ report: OverflowReport, tracked: Bool = true) {
            (self.values, self.report, self.tracked) = (values.map { Int($0) }, report, tracked)
        }
    }

    /// Every other evaluator's values and report against the scalar model's.
    func check(_ stage: String, _ scalar: Result, _ others: [(String, Result)]) -> [String] {
        var problems: [String] = []
        let expected = scalar.values
        for (who, other) in others {
            let actual = other.values
            guard expected.count == actual.count else {
                problems.append("\(stage) (\(who)): \(actual.count) values, expected \(expected.count)")
                continue
            }
            problems += expected.indices.lazy.filter { expected[$0] != actual[$0] }.prefix(4).map { i in
                "\(stage) (\(who)): block \(i / 64), index \(i % 64) (row \(i % 64 / 8), column \(i % 8)): "
                    + "expected \(expected[i]) (scalar), got \(actual[i])"
            }
            for r in Register.all {
                let e = (scalar.report.overflows[r] ?? 0, scalar.report.minimum[r], scalar.report.maximum[r])
                let a = other.tracked ? (other.report.overflows[r] ?? 0, other.report.minimum[r], other.report.maximum[r])
                                      : (other.report.overflows[r] ?? 0, e.1, e.2)
                if e != a {
                    let show = { (v: Int?) in v.map(String.init) ?? "-" }
                    problems.append("\(stage) report (\(who)): register \(r): expected overflows \(e.0), min \(show(e.1)), "
                                    + "max \(show(e.2)) (scalar), got \(a.0), \(show(a.1)), \(show(a.2))")
                }
            }
        }
        return problems
    }

    // MARK: blocks

    /// ±1 patterns of DCT basis functions: the sign of cos((2x+1)uπ/16)·cos((2y+1)vπ/16).
    static func basisSign(u: Int, v: Int, at i: Int) -> Bool {
        let (y, x) = (i / 8, i % 8)
        return cos(Double((2 * x + 1) * u) * .pi / 16) * cos(Double((2 * y + 1) * v) * .pi / 16) >= 0
    }

    /// 51 blocks (six batches of eight and a scalar remainder): flat levels, checkerboards, stripes,
    /// halves, impulses, 0/255 basis patterns (each the largest input of one coefficient), smooth
    /// gradients with noise and uniform noise. The adversarial ones come first, so some batches are
    /// all adversarial and some all ordinary.
    mutating func sampleBlocks() -> [UInt8] {
        var blocks: [[Int]] = []
        let flat = { (v: Int) in [Int](repeating: v, count: 64) }
        blocks += [flat(0), flat(255), flat(128), flat(draws.int(0...255))]
        blocks += [(0..<64).map { ($0 / 8 + $0 % 8) % 2 == 0 ? 0 : 255 }, (0..<64).map { ($0 / 8 + $0 % 8) % 2 == 0 ? 255 : 0 }]
        blocks += [(0..<64).map { $0 % 2 == 0 ? 0 : 255 }, (0..<64).map { $0 / 8 % 2 == 0 ? 255 : 0 }]
        blocks += [(0..<64).map { $0 % 8 < 4 ? 0 : 255 }, (0..<64).map { $0 / 8 < 4 ? 255 : 0 }]
        let spot = draws.int(0...63)
        blocks += [(0..<64).map { $0 == spot ? 255 : 0 }, (0..<64).map { $0 == spot ? 0 : 255 }]
        for _ in 0..<12 {
            let (u, v, flip) = (draws.int(0...7), draws.int(0...7), draws.chance(0.5))
            blocks.append((0..<64).map { Self.basisSign(u: u, v: v, at: $0) != flip ? 255 : 0 })
        }
        while blocks.count < 51 {
            if draws.chance(0.5) {
                let (level, dx, dy) = (draws.int(0...255), draws.int(-16...16), draws.int(-16...16))
                blocks.append((0..<64).map { level + dx * ($0 % 8) + dy * ($0 / 8) + draws.int(-6...6) })
            } else {
                blocks.append((0..<64).map { _ in draws.int(0...255) })
            }
        }
        return blocks.flatMap { $0.map { UInt8(clamping: $0) } }
    }

    /// Coefficient blocks within what the decode graphs accept (the dequantizer's input range, which
    /// is the quantized register's format, kept to Int32): both extremes everywhere, extremes with the
    /// signs of a basis pattern, a DC or one AC alone at an extreme, uniform and sparse random values.
    mutating func coefficientBlocks() -> [Int32] {
        let accepted = graph.decodableCoefficients
        return coefficientBlocks(within: max(accepted.lowerBound, Int(Int32.min))...min(accepted.upperBound, Int(Int32.max)))
            .map { Int32($0) }
    }

    mutating func coefficientBlocks(within range: ClosedRange<Int>) -> [Int] {
        let (lo, hi) = (range.lowerBound, range.upperBound)
        var blocks: [[Int]] = [[Int](repeating: hi, count: 64), [Int](repeating: lo, count: 64)]
        for _ in 0..<6 {
            let (u, v) = (draws.int(0...7), draws.int(0...7))
            blocks.append((0..<64).map { Self.basisSign(u: u, v: v, at: $0) ? hi : lo })
        }
        for _ in 0..<4 {
            let at = draws.int(0...63), value = draws.chance(0.5) ? hi : lo
            blocks.append((0..<64).map { $0 == at ? value : 0 })
        }
        blocks.append((0..<64).map { $0 == 0 ? hi : 0 })
        blocks.append((0..<64).map { $0 == 0 ? lo : 0 })
        while blocks.count < 32 {
            let sparse = draws.chance(0.5)
            blocks.append((0..<64).map { _ in sparse && draws.chance(0.8) ? 0 : draws.int(lo...hi) })
        }
        return blocks.flatMap { $0 }
    }
}
