import FixedPoint
import Foundation
import Testing

struct ParsingTests {
    @Test("C++ spellings parse, and print back in the short form", arguments: [
        ("ap_fixed<8,3,AP_RND_CONV,AP_SAT>", "ap_fixed<8,3,AP_RND_CONV,AP_SAT>"),
        ("ap_fixed<8,3>", "ap_fixed<8,3>"),
        ("ap_fixed<8,3,AP_TRN,AP_WRAP,0>", "ap_fixed<8,3>"),
        ("ap_fixed<8,3,AP_RND>", "ap_fixed<8,3,AP_RND>"),
        ("ap_fixed<8,3,AP_TRN,AP_WRAP,2>", "ap_fixed<8,3,AP_TRN,AP_WRAP,2>"),
        ("  ap_ufixed < 12 , -4 , AP_RND_ZERO >  ", "ap_ufixed<12,-4,AP_RND_ZERO>"),
        ("ap_int<12>", "ap_fixed<12,12>"),
        ("ap_uint<64>", "ap_ufixed<64,64>"),
        ("ap_fixed<1,40,AP_RND_INF,AP_WRAP_SM,1>", "ap_fixed<1,40,AP_RND_INF,AP_WRAP_SM,1>"),
    ])
    func roundTrip(text: String, printed: String) throws {
        let f = try FixedFormat(parsing: text)
        #expect(f.description == printed)
        #expect(try FixedFormat(parsing: printed) == f)
    }

    @Test("fields and derived bounds")
    func fields() throws {
        let f = try FixedFormat(parsing: "ap_fixed<8,3,AP_RND_CONV,AP_SAT>")
        #expect(f.width == 8 && f.integerBits == 3 && f.fractionBits == 5 && f.isSigned)
        #expect(f.quantization == .convergent && f.overflow == .saturate && f.saturationBits == 0)
        #expect(f.minRaw == -128 && f.maxRaw == 127)
        let u = try FixedFormat(parsing: "ap_ufixed<63,0>")
        #expect(u.minRaw == 0 && u.maxRaw == Int.max)
        let s = try FixedFormat(parsing: "ap_fixed<64,64>")
        #expect(s.minRaw == Int.min && s.maxRaw == Int.max)
        #expect(try FixedFormat.integer(width: 64) == s)
        #expect(try FixedFormat.integer(width: 9, isSigned: false) == FixedFormat(parsing: "ap_uint<9>"))
    }

    @Test("malformed types are refused with a message naming what is wrong", arguments: [
        ("", "empty"),
        ("ap_fixed", "expected '<'"),
        ("ap_fixed<8,3", "expected '>'"),
        ("ap_float<8,3>", "unknown type name 'ap_float'"),
        ("ap_fixed<>", "missing width"),
        ("ap_fixed<,3>", "missing width"),
        ("ap_fixed<8>", "missing integer bits"),
        ("ap_fixed<8.5,3>", "width W '8.5' is not an integer"),
        ("ap_fixed<8,x>", "integer bits I 'x' is not an integer"),
        ("ap_int<8,3>", "ap_int takes one parameter"),
        ("ap_fixed<8,3,AP_RND,AP_SAT,1,2>", "too many parameters"),
        ("ap_fixed<8,3,AP_ROUND>", "unknown quantization mode 'AP_ROUND'"),
        ("ap_fixed<8,3,AP_SAT>", "AP_SAT is an overflow mode"),
        ("ap_fixed<8,3,AP_RND,AP_CLAMP>", "unknown overflow mode 'AP_CLAMP'"),
        ("ap_fixed<8,3,AP_RND,AP_RND_CONV>", "AP_RND_CONV is a quantization mode"),
        ("ap_fixed<8,3,AP_RND,>", "missing overflow mode"),
        ("ap_fixed<8,3,AP_RND,AP_WRAP,9>", "N = 9 is out of range 0...8"),
        ("ap_fixed<8,3,AP_RND,AP_WRAP,n>", "saturation bits N 'n' is not an integer"),
        ("ap_ufixed<8,3,AP_RND,AP_WRAP_SM>", "AP_WRAP_SM needs a signed type"),
        ("ap_fixed<0,0>", "W = 0 is out of range"),
        ("ap_fixed<8,5000>", "I = 5000 is out of range"),
    ])
    func parseErrors(text: String, fragment: String) {
        do {
            let f = try FixedFormat(parsing: text)
            Issue.record("'\(text)' parsed as \(f); expected an error containing \"\(fragment)\"")
        } catch {
            #expect("\(error)".contains(fragment), "'\(text)': \(error)")
        }
    }

    @Test("widths beyond the model's 128 bits are a clear error, never a wrong answer")
    func widthLimit() throws {
        #expect(throws: FixedPointError.widthOutOfRange(129)) { try FixedFormat(parsing: "ap_fixed<129,1>") }
        #expect(throws: FixedPointError.widthOutOfRange(1024)) { try FixedFormat(parsing: "ap_uint<1024>") }
        #expect("\(FixedPointError.widthOutOfRange(129))".contains("1...128"))
        // Every width up to 64 (the promise), and to 128 (products of two 64-bit values), is accepted.
        for w in 1...128 { #expect(try FixedFormat(width: w, integerBits: w / 2).width == w) }
        // A result type wider than 128 bits is refused by the result-type functions.
        let wide = try FixedFormat(parsing: "ap_fixed<64,64>"), narrow = try FixedFormat(parsing: "ap_fixed<64,0>")
        #expect(throws: FixedPointError.self) { try wide.sumFormat(with: narrow) }
        #expect(throws: Never.self) { try wide.productFormat(with: narrow) }
    }

    @Test("formats encode and decode as JSON, and decoding validates")
    func codable() throws {
        let f = try FixedFormat(parsing: "ap_fixed<10,-2,AP_RND_MIN_INF,AP_WRAP_SM,3>")
        let data = try JSONEncoder().encode(f)
        #expect(try JSONDecoder().decode(FixedFormat.self, from: data) == f)
        let bad = Data(#"{"width":0,"integerBits":0,"isSigned":true,"quantization":"AP_TRN","overflow":"AP_WRAP","saturationBits":0}"#.utf8)
        #expect(throws: FixedPointError.widthOutOfRange(0)) { try JSONDecoder().decode(FixedFormat.self, from: bad) }
    }
}

struct ValueTests {
    @Test("decimal text is exact, every digit")
    func decimalText() throws {
        let f = try FixedFormat(parsing: "ap_fixed<64,1>")
        // The smallest positive value of ap_fixed<64,1> is 2^-63.
        let lsb = FixedValue(raw: 1, format: f)
        #expect(lsb.description == "0.000000000000000000108420217248550443400745280086994171142578125")
        #expect(FixedValue(raw: -1, format: f).description == "-" + lsb.description)
        #expect(FixedValue(-1.0, as: f).description == "-1")
        let coarse = try FixedFormat(parsing: "ap_ufixed<4,10>")              // LSB 64
        #expect(FixedValue(raw: 15, format: coarse).description == "960")
        let product = FixedValue(raw: -1 << 127, format: try FixedFormat(parsing: "ap_fixed<128,128>"))
        #expect(product.description == "-170141183460469231731687303715884105728")
    }

    @Test("bits, hex and binary text, and the raw integer")
    func bitsText() throws {
        let v = FixedValue(-1.25, as: try FixedFormat(parsing: "ap_fixed<10,4>"))   // raw −80
        #expect(v.raw == -80)
        #expect(v.binaryText == "1110110000")
        #expect(v.hexText == "3b0")
        let top = FixedValue(bits: UInt128.max, format: try FixedFormat(parsing: "ap_ufixed<128,128>"))
        #expect(top.raw == nil && top.bits == UInt128.max)
    }

    @Test("double conversion: exact when representable, else nearest")
    func doubles() throws {
        let f = try FixedFormat(parsing: "ap_fixed<64,2>")
        #expect(FixedValue(1.0 / 3.0, as: f).exactDouble == 1.0 / 3.0)   // 62 fraction bits hold it
        let belowOne = FixedValue(raw: (1 << 62) - 1, format: f)          // 1 − 2^-62: 62 significant bits
        #expect(belowOne.exactDouble == nil)
        #expect(belowOne.doubleValue == 1.0)
        let tiny = FixedValue(raw: 3, format: try FixedFormat(parsing: "ap_fixed<4,-1072>"))  // 3 · 2^-1076
        #expect(tiny.exactDouble == nil)
        #expect(tiny.doubleValue == Double.leastNonzeroMagnitude)   // 0.75 · 2^-1074 rounds up
        #expect(FixedValue(raw: 1, format: try FixedFormat(parsing: "ap_fixed<2,1026>")).doubleValue == .infinity)
    }

    @Test("the headers read a subnormal double as if its hidden bit were set")
    func subnormalDouble() throws {
        let f = try FixedFormat(parsing: "ap_ufixed<8,-1016>")            // LSB 2^-1024
        // 2^-1074 truly rounds to 0 here, but counts as (2^52 + 1) · 2^-1075 ≈ 2^-1023: raw 2.
        #expect(FixedValue(Double.leastNonzeroMagnitude, as: f).raw == 2)
    }

    @Test("comparisons are by value across formats; equal values hash equally")
    func comparisons() throws {
        let a = FixedValue(1.5, as: try FixedFormat(parsing: "ap_fixed<8,3>"))
        let b = FixedValue(1.5, as: try FixedFormat(parsing: "ap_ufixed<20,2>"))
        let c = FixedValue(-3.0, as: try FixedFormat(parsing: "ap_fixed<4,4>"))
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(c < a && a > c && c <= b && !(a < b))
        let huge = FixedValue(raw: 1, format: try FixedFormat(parsing: "ap_fixed<2,3000>"))
        let fine = FixedValue(raw: 1, format: try FixedFormat(parsing: "ap_fixed<64,-3000>"))
        #expect(fine < huge && -huge < -fine)
    }

    @Test("a quantization error is exact")
    func quantizationError() throws {
        let v = FixedValue(3.14159, as: try FixedFormat(parsing: "ap_fixed<8,3,AP_RND_CONV,AP_SAT>"))
        #expect(v.description == "3.15625")                      // 3.14159 · 32 = 100.53 rounds to 101
        // The double nearest 3.14159 is 3.14158999999999988261834005243144929409027099609375.
        #expect(v.decimalDifference(from: 3.14159) == "0.01466000000000011738165994756855070590972900390625")
    }
}
