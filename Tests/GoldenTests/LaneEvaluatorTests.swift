import Golden
import Testing

/// The 32-bit lane evaluator (eight blocks per vector, batches checked against `LaneBounds`) against
/// the scalar evaluator: the same outputs and the same overflow report, in every preset, on real-like
/// blocks (which take the lanes) and on blocks built to leave 32 bits (which must fall back).
@Suite struct LaneEvaluatorTests {
    /// Samples: smooth blocks with noise, full-swing checkerboards and random noise; an odd count, so
    /// the last blocks also take the scalar remainder path.
    static func sampleBlocks(_ count: Int) -> [UInt8] {
        var rng = SplitMix64(seed: 0x1A7E5)
        var samples = [UInt8](repeating: 0, count: count * 64)
        for b in 0..<count {
            let kind = b % 5, level = Int.random(in: 0...255, using: &rng), slope = Int.random(in: -12...12, using: &rng)
            for i in 0..<64 {
                let v: Int
                switch kind {
                case 0, 1: v = level + slope * (i % 8 - i / 8) + Int.random(in: -8...8, using: &rng)
                case 2: v = (i / 8 + i % 8) % 2 == 0 ? 0 : 255
                default: v = Int.random(in: 0...255, using: &rng)
                }
                samples[b * 64 + i] = UInt8(clamping: v)
            }
        }
        return samples
    }

    /// Coefficients: what the encoder made, plus blocks of maximum and random 16-bit coefficients.
    static func coefficientBlocks(_ encoded: [Int32]) -> [Int32] {
        var rng = SplitMix64(seed: 0xC0EF)
        var extra = [Int32]()
        for b in 0..<40 {
            for i in 0..<64 {
                switch b % 4 {
                case 0: extra.append(i % 3 == 0 ? 32767 : -32768)
                case 1: extra.append(Int32.random(in: -32768...32767, using: &rng))
                case 2: extra.append(i == 0 ? 2047 : 0)
                default: extra.append(Int32.random(in: -200...200, using: &rng))
                }
            }
        }
        return encoded + extra
    }

    static func expectSameReports(_ lanes: OverflowReport, _ scalar: OverflowReport, _ what: String) {
        for r in Register.all {
            #expect(lanes.overflows[r] ?? 0 == scalar.overflows[r] ?? 0, "\(what): overflows of \(r)")
            #expect(lanes.minimum[r] == scalar.minimum[r], "\(what): minimum of \(r)")
            #expect(lanes.maximum[r] == scalar.maximum[r], "\(what): maximum of \(r)")
        }
    }

    @Test(arguments: DatapathConfig.presets.map(\.name))
    func lanesEqualScalar(preset: String) throws {
        let config = try #require(DatapathConfig.preset(named: preset))
        let lanes = try BlockCodec(config)
        var scalar = lanes
        scalar.usesLanes = false
        if preset == DatapathConfig.libjpeg.name {
            // Otherwise this test would compare the scalar path with itself.
            #expect(lanes.laneBounds.encodes && lanes.laneBounds.decodes)
        }
        let samples = Self.sampleBlocks(2003)
        for quality in [10, 75, 100] {
            let table = QuantTable.ijg(quality: quality)[0]
            for track in [false, true] {
                let what = "\(preset) q\(quality)\(track ? " tracked" : "")"
                let e1 = lanes.encode(samples: samples, table: table, trackRanges: track)
                let e2 = scalar.encode(samples: samples, table: table, trackRanges: track)
                let m = BlockKernelTests.describe("\(what) coefficients", expected: e2.coefficients, actual: e1.coefficients)
                #expect(m.count == 0, "\(m.count) differ; first \(m.first ?? "")")
                Self.expectSameReports(e1.report, e2.report, what + " encode")

                let coefficients = Self.coefficientBlocks(e2.coefficients)
                let d1 = lanes.decode(coefficients: coefficients, table: table, trackRanges: track)
                let d2 = scalar.decode(coefficients: coefficients, table: table, trackRanges: track)
                let s = BlockKernelTests.describe("\(what) samples", expected: d2.samples, actual: d1.samples)
                #expect(s.count == 0, "\(s.count) differ; first \(s.first ?? "")")
                Self.expectSameReports(d1.report, d2.report, what + " decode")
            }
        }
        let f1 = lanes.forwardTransform(samples: samples), f2 = scalar.forwardTransform(samples: samples)
        #expect(f1.coefficients == f2.coefficients)
        Self.expectSameReports(f1.report, f2.report, "\(preset) forward transform")
    }

    /// The bounds come from the traced ranges: the default configuration's FDCT rows always fit, and the
    /// larger-constant preset needs smaller inputs than the default to stay within 32 bits.
    @Test func boundsFollowTheTracedWidths() throws {
        let standard = try BlockCodec(.libjpeg).laneBounds
        let wide = try BlockCodec(.constantBits14).laneBounds
        #expect(standard.fdctRowFits)
        #expect(standard.idctColumn >= 8192, "dequantized DC of a full-scale block")
        #expect(wide.idctColumn < standard.idctColumn)
        #expect(wide.fdctColumn < standard.fdctColumn)
    }
}
