import FixedPoint
import Testing

// Every worked example of /work/shared/reference/ap_fixed-semantics.md, row by row.

private func format(_ text: String) throws -> FixedFormat { try FixedFormat(parsing: text) }

struct QuantizationExamples {
    static let inputs = [1.25, -1.25, 0.75, -0.75, -1.1]
    // Expected values in ap_fixed<3,2,Q> (LSB 0.5), one row per mode, in the order of `inputs`.
    static let rows: [(FixedFormat.Quantization, [Double])] = [
        (.truncate, [1.0, -1.5, 0.5, -1.0, -1.5]),
        (.truncateToZero, [1.0, -1.0, 0.5, -0.5, -1.0]),
        (.round, [1.5, -1.0, 1.0, -0.5, -1.0]),
        (.roundToZero, [1.0, -1.0, 0.5, -0.5, -1.0]),
        (.roundToMinusInfinity, [1.0, -1.5, 0.5, -1.0, -1.0]),
        (.roundToInfinity, [1.5, -1.5, 1.0, -1.0, -1.0]),
        (.convergent, [1.0, -1.0, 1.0, -1.0, -1.0]),
    ]

    @Test("ap_fixed<3,2,Q> rounds as the reference table says", arguments: 0..<7)
    func row(_ index: Int) throws {
        let (mode, expected) = Self.rows[index]
        let f = try FixedFormat(width: 3, integerBits: 2, quantization: mode)
        for (x, want) in zip(Self.inputs, expected) {
            let (v, overflowed) = FixedValue.converting(x, to: f)
            #expect(v.exactDouble == want, "\(f)(\(x)) = \(v), expected \(want)")
            #expect(!overflowed)
        }
    }

    @Test("a rounding carry can overflow: ap_fixed<4,2,AP_RND,O>(1.99)")
    func carryIntoOverflow() throws {
        let saturated = FixedValue.converting(1.99, to: try format("ap_fixed<4,2,AP_RND,AP_SAT>"))
        #expect(saturated.value.exactDouble == 1.75)
        #expect(saturated.overflowed)
        let wrapped = FixedValue.converting(1.99, to: try format("ap_fixed<4,2,AP_RND,AP_WRAP>"))
        #expect(wrapped.value.exactDouble == -2.0)
        #expect(wrapped.overflowed)
        // Truncation does not carry, so nothing overflows.
        let truncated = FixedValue.converting(1.99, to: try format("ap_fixed<4,2,AP_TRN,AP_SAT>"))
        #expect(truncated.value.exactDouble == 1.75 && !truncated.overflowed)
    }
}

struct OverflowExamples {
    static let inputs = [19, -19, 8, -9, 24]
    // ap_[u]fixed<4,4,AP_TRN,O,N>: (O, N, signed results, unsigned results or nil where the table has none)
    static let rows: [(FixedFormat.Overflow, Int, [Int], [Int]?)] = [
        (.saturate, 0, [7, -8, 7, -8, 7], [15, 0, 8, 0, 15]),
        (.saturateToZero, 0, [0, 0, 0, 0, 0], [0, 0, 8, 0, 0]),   // unsigned 8 fits
        (.saturateSymmetric, 0, [7, -7, 7, -7, 7], nil),
        (.wrap, 0, [3, -3, -8, 7, -8], [3, 13, 8, 7, 8]),
        (.wrap, 1, [3, -3, 0, -1, 0], [11, 13, 8, 15, 8]),
        (.wrap, 2, [7, -7, 4, -5, 4], nil),
        (.wrapSignMagnitude, 0, [-4, 2, 7, -8, -8], nil),
        (.wrapSignMagnitude, 1, [3, -3, 7, -8, 7], nil),
    ]

    @Test("ap_[u]fixed<4,4,AP_TRN,O,N> handles overflow as the reference table says", arguments: 0..<8)
    func row(_ index: Int) throws {
        let (mode, n, signedExpected, unsignedExpected) = Self.rows[index]
        let signed = try FixedFormat(width: 4, integerBits: 4, overflow: mode, saturationBits: n)
        for (x, want) in zip(Self.inputs, signedExpected) {
            let v = FixedValue(Double(x), as: signed)
            #expect(v.raw == Int128(want), "\(signed)(\(x)) = \(v), expected \(want)")
        }
        guard let unsignedExpected else { return }
        let unsigned = try FixedFormat(width: 4, integerBits: 4, isSigned: false, overflow: mode, saturationBits: n)
        for (x, want) in zip(Self.inputs, unsignedExpected) {
            let v = FixedValue(Double(x), as: unsigned)
            #expect(v.raw == Int128(want), "\(unsigned)(\(x)) = \(v), expected \(want)")
        }
    }

    @Test("AP_SAT_SYM: unsigned acts as AP_SAT; signed changes the exact minimum")
    func saturationRules() throws {
        let symmetric = try format("ap_ufixed<4,4,AP_TRN,AP_SAT_SYM>")
        let plain = try format("ap_ufixed<4,4,AP_TRN,AP_SAT>")
        for x in [19, -19, 8, -9, 24] {
            #expect(FixedValue(Double(x), as: symmetric).raw == FixedValue(Double(x), as: plain).raw)
        }
        // The exact minimum is itself changed by AP_SAT_SYM (to −7), and reported as handled.
        let (v, overflowed) = FixedValue.converting(-8.0, to: try format("ap_fixed<4,4,AP_TRN,AP_SAT_SYM>"))
        #expect(v.raw == -7 && overflowed)
    }
}

struct ResultTypeExamples {
    @Test("full-precision result types follow the reference formulas")
    func resultTypes() throws {
        let a = try format("ap_fixed<8,3>"), b = try format("ap_ufixed<6,-1>"), c = try format("ap_fixed<5,7>")
        #expect(try a.productFormat(with: b) == format("ap_fixed<14,2>"))
        // +: I = max(3, −1 + 1) + 1 = 4, F = max(5, 7) = 7.
        #expect(try a.sumFormat(with: b) == format("ap_fixed<11,4>"))
        #expect(try b.sumFormat(with: b) == format("ap_ufixed<7,0>"))
        #expect(try b.differenceFormat(with: b) == format("ap_fixed<7,0>"))
        #expect(try a.sumFormat(with: c) == format("ap_fixed<13,8>"))
        #expect(try b.negationFormat() == format("ap_fixed<7,0>"))
        // /: <W1 + max(F2,0) + S2, I1 + F2 + S2>.
        #expect(try a.quotientFormat(dividingBy: b) == format("ap_fixed<15,10>"))
        #expect(try a.quotientFormat(dividingBy: c) == format("ap_fixed<9,2>"))
    }

    @Test("operators give exact results in those types")
    func exactResults() throws {
        let a = FixedValue(2.625, as: try format("ap_fixed<8,3>"))
        let b = FixedValue(0.234375, as: try format("ap_ufixed<6,-1>"))
        #expect((a * b).exactDouble == 2.625 * 0.234375)
        #expect((a + b).exactDouble == 2.625 + 0.234375)
        #expect((b - a).exactDouble == 0.234375 - 2.625)
        #expect((-a).exactDouble == -2.625)
        #expect(try (-a).format == format("ap_fixed<9,4>"))
        // 2.625 / 0.234375 = 11.2, toward zero at F1 = 5 fraction bits: 11.1875.
        #expect((a / b).exactDouble == 11.1875)
        #expect((FixedValue(-2.625, as: a.format) / b).exactDouble == -11.1875)
    }

    @Test("shifts keep the type and lose the bits shifted out")
    func shifts() throws {
        let f = try format("ap_fixed<6,3,AP_RND,AP_SAT>")
        let x = FixedValue(-2.75, as: f)                        // 101.010
        #expect((x << 1).format == f)
        #expect((x << 1).exactDouble == 2.5)                     // 010.100: the sign bit is lost
        #expect((x >> 2).exactDouble == -0.75)                   // 111.010: floor, no rounding
        #expect((x >> 9).exactDouble == -0.125)                  // all sign bits
        #expect((x << 6).isZero)
        #expect((x << -2) == (x >> 2))
        let u = FixedValue(bits: 0b101010, format: try format("ap_ufixed<6,3>"))
        #expect((u >> 2).bits == 0b001010)                       // logical for unsigned
    }

    @Test("the header's division bug: ap_fixed<8,4>(-8) / ap_fixed<6,2>(-0.0625) is -128, as the headers give")
    func divisionHeaderBug() throws {
        let q = FixedValue(-8.0, as: try format("ap_fixed<8,4>")) / FixedValue(-0.0625, as: try format("ap_fixed<6,2>"))
        #expect(q.format == (try format("ap_fixed<13,9>")))
        // The true quotient, 128, fits ap_fixed<13,9>; the model follows the headers (see FixedValue./).
        #expect(FixedValue(128.0, as: q.format).exactDouble == 128)
        #expect(q.exactDouble == -128)
    }
}

/// `fit`, the golden model's primitive, on the same examples. (The cross-check also reaches it: every
/// conversion into a format of up to 64 bits goes through it, doubles with fractionBits up to 1075.)
struct FitExamples {
    @Test("fit rounds raw · 2^-fractionBits as the quantization table says")
    func quantization() throws {
        // 1.25, −1.25, 0.75, −0.75 as raw · 2^-2, and −1.1 ≈ −1126 · 2^-10, into ap_fixed<3,2,Q> (LSB 0.5).
        let inputs = [(5, 2), (-5, 2), (3, 2), (-3, 2), (-1126, 10)]
        for (mode, expected) in QuantizationExamples.rows {
            let f = try FixedFormat(width: 3, integerBits: 2, quantization: mode)
            for ((raw, fractionBits), want) in zip(inputs, expected) {
                let (value, overflowed) = f.fit(raw: raw, fractionBits: fractionBits)
                #expect(Double(value) * 0.5 == want && !overflowed, "\(f).fit(\(raw), \(fractionBits)) = \(value)")
            }
        }
    }

    @Test("fit applies the overflow modes and reports when they changed the value")
    func overflow() throws {
        for (mode, n, expected, _) in OverflowExamples.rows {
            let f = try FixedFormat(width: 4, integerBits: 4, overflow: mode, saturationBits: n)
            for (x, want) in zip(OverflowExamples.inputs, expected) {
                // The same integer, given with 3 fraction bits.
                let (value, overflowed) = f.fit(raw: x * 8, fractionBits: 3)
                #expect(value == want, "\(f).fit(\(x)) = \(value), expected \(want)")
                #expect(overflowed == !(-8...7).contains(x) || (mode == .saturateSymmetric && x == -8))
            }
        }
    }

    @Test("fit is exact for any fractionBits: far below the LSB, far above the MSB")
    func extremeShifts() throws {
        let f = try FixedFormat(parsing: "ap_fixed<8,4,AP_RND_INF,AP_SAT>")     // LSB 1/16, range [-8, 7.9375]
        #expect(f.fit(raw: 1, fractionBits: 300) == (0, false))                 // 2^-300 rounds to 0
        #expect(f.fit(raw: -1, fractionBits: 300) == (0, false))
        #expect(f.fit(raw: 1 << 62, fractionBits: 67) == (1, false))             // 2^-5: a tie, away from zero
        #expect(f.fit(raw: -(1 << 62), fractionBits: 67) == (-1, false))
        #expect(f.fit(raw: 1, fractionBits: -200) == (127, true))                // 2^200 saturates
        #expect(f.fit(raw: -3, fractionBits: -70) == (-128, true))
        #expect(f.fit(raw: Int.min, fractionBits: 60) == (-128, false))          // exactly −8
        let wrapping = try FixedFormat(parsing: "ap_fixed<8,4>")
        #expect(wrapping.fit(raw: 1, fractionBits: -60) == (0, true))            // 2^60 wraps to 0
        #expect(wrapping.fit(raw: 0x7FF, fractionBits: 4) == (-1, true))         // 127.9375: low 8 bits all ones
    }
}
