import Foundation
/// Seeded random datapath configurations, for fuzzing the evaluators against each other.
///
/// `draw(seed:)` turns one 64-bit seed into one valid configuration and a quantization table that
/// fits it: every knob of `DatapathConfig` is drawn within the ranges `validate()` accepts (register
/// widths 2...48 or full precision, saturate or wrap, DCT constant bits 4...20, pass-1 bits, reciprocal
/// bits 8...24, table bits 1...16, colour bits, both range limits), register widths mostly near the
/// datapath's own widths so that narrow registers really overflow. A draw that `KernelGraphs` rightly
/// refuses (a value needing more than 62 bits) is recorded and drawn again from the same stream, so
/// the seed alone reproduces the result, refusals included.
public enum RandomConfigurations {
    /// One drawn case: a configuration that traces, its graphs, and a table whose entries it can hold.
    public struct Drawn: Sendable {
        public let seed: UInt64
        public let config: DatapathConfig
        public let graphs: KernelGraphs
        public let table: QuantTable
        /// How the table was made, e.g. "IJG chrominance q37 baseline".
        public let tableKind: String
        /// The configurations drawn before this one from the same seed and refused, with the reason.
        public let refused: [(config: DatapathConfig, reason: String)]
    }

    /// The base seed and number of configurations the test suites draw: fixed, so CI runs the same
    /// cases every time, unless `FXCODEC_FUZZ_SEED` (decimal or 0x…) or `FXCODEC_FUZZ_CONFIGS` say otherwise.
    public static let suiteBaseSeed: UInt64 = ProcessInfo.processInfo.environment["FXCODEC_FUZZ_SEED"].flatMap { s in
        s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
    } ?? 0xF0CC_0DEC_0012
    public static let suiteCount = ProcessInfo.processInfo.environment["FXCODEC_FUZZ_CONFIGS"].flatMap { Int($0) } ?? 200

    /// The seed of the `index`-th configuration of a run started from `base`.
    public static func seed(base: UInt64, index: Int) -> UInt64 {
        var g = SplitMix64(seed: base ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        return g.next()
    }

    /// Draws until `KernelGraphs` accepts (at most `attempts` times).
    public static func draw(seed: UInt64, attempts: Int = 1000) -> Drawn {
        var g = SeededDraws(seed: seed)
        var refused: [(DatapathConfig, String)] = []
        for _ in 0..<attempts {
            let config = configuration(&g, name: "fuzz-" + String(seed, radix: 16))
            do {
                let graphs = try KernelGraphs(config)
                let (table, kind) = quantTable(&g, bits: config.quantTableBits)
                return Drawn(seed: seed, config: config, graphs: graphs, table: table, tableKind: kind, refused: refused)
            } catch let error as DataflowRangeError {
                refused.append((config, error.description))
            } catch {
                // Anything else means the drawing rules left validate()'s ranges: a bug here, not a refusal.
                preconditionFailure("drew an invalid configuration: \(error)")
            }
        }
        preconditionFailure("seed \(seed): no configuration traced in \(attempts) draws")
    }

    /// Plausible widths of each narrowable register: wide enough to hold its values in most
    /// configurations, narrow enough at the low end to overflow.
    static let widthWindows: [(Register, ClosedRange<Int>)] = [
        (.fdctWorkspace, 6...24), (.fdctOutput, 6...24), (.quantized, 2...18),
        (.dequantized, 4...32), (.idctWorkspace, 6...36), (.idctOutput, 4...28),
    ]

    static func configuration(_ g: inout SeededDraws, name: String) -> DatapathConfig {
        var c = DatapathConfig.libjpeg
        c.name = name
        c.dctConstantBits = g.int(4...20)
        c.fdctPass1Bits = g.int(0...min(8, c.dctConstantBits))
        c.idctPass1Bits = g.int(0...min(8, c.dctConstantBits))
        c.quantizerReciprocalBits = g.int(8...24)
        c.quantTableBits = g.chance(0.3) ? 8 : g.int(1...16)     // baseline tables often
        c.colorBits = g.int(8...24)
        c.rangeLimit = g.chance(0.5) ? .libjpegTable : .saturate
        c.registers = [:]
        for (r, window) in widthWindows {
            let overflow: RegisterSpec.Overflow = g.chance(0.5) ? .saturate : .wrap
            switch g.int(0...19) {
            case 0...3: c.registers[r] = .fullPrecision
            case 4...6: c.registers[r] = RegisterSpec(bits: g.int(2...48), overflow: overflow)
            default: c.registers[r] = RegisterSpec(bits: g.int(window), overflow: overflow)
            }
        }
        return c
    }

    /// IJG tables at a random quality (luminance or chrominance), random entries, or the extremes
    /// (all 1, all the largest entry), each entry clamped to 1...2^bits − 1.
    static func quantTable(_ g: inout SeededDraws, bits: Int) -> (QuantTable, String) {
        let qMax = (1 << bits) - 1
        func clamped(_ t: QuantTable) -> QuantTable { QuantTable(t.values.map { min(max($0, 1), qMax) }) }
        switch g.int(0...19) {
        case 0...11:
            let chroma = g.chance(0.4), quality = g.int(1...100), baseline = g.chance(0.7)
            let base = chroma ? QuantTable.annexKChrominance : .annexKLuminance
            return (clamped(base.scaled(quality: quality, forceBaseline: baseline)),
                    "IJG \(chroma ? "chrominance" : "luminance") q\(quality)\(baseline ? " baseline" : "")")
        case 12...14:
            return (QuantTable((0..<64).map { _ in g.int(1...qMax) }), "uniform random entries")
        case 15...16:
            // Log-uniform: as many small entries (fine quantization, large coefficients) as large ones.
            return (QuantTable((0..<64).map { _ in g.int(1...(1 << g.int(1...bits)) - 1) }), "log-uniform random entries")
        case 17...18:
            return (QuantTable(Array(repeating: 1, count: 64)), "all 1")
        default:
            return (QuantTable(Array(repeating: qMax, count: 64)), "all \(qMax)")
        }
    }
}

/// Draws from SplitMix64 by explicit rules (not the standard library's `random(in:using:)`, whose
/// algorithm may change between Swift versions), so a seed means the same case everywhere.
public struct SeededDraws {
    public var generator: SplitMix64
    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Uniform in `range`: the high word of a 64 × 64-bit product (Lemire's method without the
    /// rejection step; the bias is below 2^−40 for the small ranges drawn here).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(generator.next().multipliedFullWidth(by: span).high)
    }

    /// True with probability p.
    public mutating func chance(_ p: Double) -> Bool {
        Double(generator.next() >> 11) * 0x1p-53 < p
    }
}
