import Foundation

/// The 8-point DCTs of libjpeg's islow path (Loeffler, Ligtenberg and Moschytz, 1989: 12 multiplies,
/// 32 adds per 1-D transform), written once over `DatapathArithmetic`. The golden model evaluates these
/// functions; the HLS and Verilog emitters trace them. Constants are FIX(c) = round(c · 2^CONST_BITS),
/// with ck = cos(k·π/16).
public struct DCTConstants: Sendable, Hashable {
    public let bits: Int
    public let c0_298631336, c0_390180644, c0_541196100, c0_765366865, c0_899976223, c1_175875602: NamedConstant
    public let c1_501321110, c1_847759065, c1_961570560, c2_053119869, c2_562915447, c3_072711026: NamedConstant
    /// The four the odd part multiplies by negated.
    public let m0_899976223, m2_562915447, m1_961570560, m0_390180644: NamedConstant

    public init(bits: Int) {
        self.bits = bits
        func c(_ k: Double) -> Double { cos(k * Double.pi / 16) }
        let r2 = 2.0.squareRoot()
        func fix(_ symbol: NamedConstant.Symbol, _ x: Double) -> NamedConstant {
            NamedConstant(symbol, Int((x * Double(1 << bits)).rounded()))
        }
        c0_298631336 = fix(.FIX_0_298631336, r2 * (-c(1) + c(3) + c(5) - c(7)))
        c0_390180644 = fix(.FIX_0_390180644, r2 * (c(3) - c(5)))
        c0_541196100 = fix(.FIX_0_541196100, r2 * c(6))
        c0_765366865 = fix(.FIX_0_765366865, r2 * (c(2) - c(6)))
        c0_899976223 = fix(.FIX_0_899976223, r2 * (c(3) - c(7)))
        c1_175875602 = fix(.FIX_1_175875602, r2 * c(3))
        c1_501321110 = fix(.FIX_1_501321110, r2 * (c(1) + c(3) - c(5) - c(7)))
        c1_847759065 = fix(.FIX_1_847759065, r2 * (c(2) + c(6)))
        c1_961570560 = fix(.FIX_1_961570560, r2 * (c(3) + c(5)))
        c2_053119869 = fix(.FIX_2_053119869, r2 * (c(1) + c(3) - c(5) + c(7)))
        c2_562915447 = fix(.FIX_2_562915447, r2 * (c(1) + c(3)))
        c3_072711026 = fix(.FIX_3_072711026, r2 * (c(1) + c(3) + c(5) - c(7)))
        (m0_899976223, m2_562915447) = (c0_899976223.negative, c2_562915447.negative)
        (m1_961570560, m0_390180644) = (c1_961570560.negative, c0_390180644.negative)
    }

    public var all: [NamedConstant] {
        [c0_298631336, c0_390180644, c0_541196100, c0_765366865, c0_899976223, c1_175875602,
         c1_501321110, c1_847759065, c1_961570560, c2_053119869, c2_562915447, c3_072711026]
    }
}

/// Which pass of a 2-D transform a 1-D kernel is in: it decides the descale amounts.
public enum DCTPass: Sendable { case first, second }

/// The odd part shared by both directions. Inputs t0..t3 (forward: tmp4..tmp7; inverse: in7, in5, in3, in1).
///   z1 = t0+t3, z2 = t1+t2, z3 = t0+t2, z4 = t1+t3, z5 = (z3+z4)·c3
///   t0·( −c1+c3+c5−c7), t1·( c1+c3−c5+c7), t2·( c1+c3+c5−c7), t3·( c1+c3−c5−c7)
///   z1·(c7−c3), z2·(−c1−c3), z3·(−c3−c5), z4·(c5−c3)   (all × √2)
///   outputs: t0+z1+z3, t1+z2+z4, t2+z2+z3, t3+z1+z4
@inlinable @inline(__always)
func dctOddPart<A: DatapathArithmetic>(_ t0: A.Value, _ t1: A.Value, _ t2: A.Value, _ t3: A.Value,
                                       _ k: DCTConstants, _ a: inout A) -> (A.Value, A.Value, A.Value, A.Value) {
    var z1 = a.add(t0, t3)
    var z2 = a.add(t1, t2)
    var z3 = a.add(t0, t2)
    var z4 = a.add(t1, t3)
    let z5 = a.multiply(a.add(z3, z4), by: k.c1_175875602)
    let p0 = a.multiply(t0, by: k.c0_298631336)
    let p1 = a.multiply(t1, by: k.c2_053119869)
    let p2 = a.multiply(t2, by: k.c3_072711026)
    let p3 = a.multiply(t3, by: k.c1_501321110)
    z1 = a.multiply(z1, by: k.m0_899976223)
    z2 = a.multiply(z2, by: k.m2_562915447)
    z3 = a.multiply(z3, by: k.m1_961570560)
    z4 = a.multiply(z4, by: k.m0_390180644)
    z3 = a.add(z3, z5)
    z4 = a.add(z4, z5)
    return (a.add(p0, a.add(z1, z3)), a.add(p1, a.add(z2, z4)),
            a.add(p2, a.add(z2, z3)), a.add(p3, a.add(z1, z4)))
}

/// Forward 8-point DCT (jfdctint.c). Pass 1 keeps PASS1_BITS of extra precision:
/// out0/out4 = (tmp10 ± tmp11) << P, others DESCALE(·, CB − P). Pass 2 removes it:
/// out0/out4 = DESCALE(tmp10 ± tmp11, P), others DESCALE(·, CB + P).
@inlinable @inline(__always)
public func forwardDCT8<A: DatapathArithmetic>(_ d: Octet<A.Value>, pass: DCTPass,
                                               constants k: DCTConstants, pass1Bits p: Int,
                                               _ a: inout A) -> Octet<A.Value> {
    let tmp0 = a.add(d.v0, d.v7), tmp7 = a.subtract(d.v0, d.v7)
    let tmp1 = a.add(d.v1, d.v6), tmp6 = a.subtract(d.v1, d.v6)
    let tmp2 = a.add(d.v2, d.v5), tmp5 = a.subtract(d.v2, d.v5)
    let tmp3 = a.add(d.v3, d.v4), tmp4 = a.subtract(d.v3, d.v4)

    // Even part: out0, out4 exact; out2, out6 by the rotation z1 = (tmp12+tmp13)·√2c6.
    let tmp10 = a.add(tmp0, tmp3), tmp13 = a.subtract(tmp0, tmp3)
    let tmp11 = a.add(tmp1, tmp2), tmp12 = a.subtract(tmp1, tmp2)
    let dcScale = pass == .first ? -p : p            // << P in pass 1, DESCALE(·, P) in pass 2
    let acScale = pass == .first ? k.bits - p : k.bits + p
    let out0 = a.descale(a.add(tmp10, tmp11), dcScale)
    let out4 = a.descale(a.subtract(tmp10, tmp11), dcScale)
    let z1 = a.multiply(a.add(tmp12, tmp13), by: k.c0_541196100)
    let out2 = a.descale(a.add(z1, a.multiply(tmp13, by: k.c0_765366865)), acScale)
    let out6 = a.descale(a.subtract(z1, a.multiply(tmp12, by: k.c1_847759065)), acScale)

    // Odd part.
    let (o7, o5, o3, o1) = dctOddPart(tmp4, tmp5, tmp6, tmp7, k, &a)
    return Octet(out0, a.descale(o1, acScale), out2, a.descale(o3, acScale),
                 out4, a.descale(o5, acScale), out6, a.descale(o7, acScale))
}

/// Inverse 8-point DCT (jidctint.c). Pass 1 (columns): DESCALE(·, CB − P); pass 2 (rows):
/// DESCALE(·, CB + P + 3) — the 3 removes the factor 8 of the forward transform's scaling.
@inlinable @inline(__always)
public func inverseDCT8<A: DatapathArithmetic>(_ x: Octet<A.Value>, pass: DCTPass,
                                               constants k: DCTConstants, pass1Bits p: Int,
                                               _ a: inout A) -> Octet<A.Value> {
    // Even part: z1 = (in2+in6)·√2c6; tmp2 = z1 − in6·√2(c2+c6); tmp3 = z1 + in2·√2(c2−c6).
    let z1 = a.multiply(a.add(x.v2, x.v6), by: k.c0_541196100)
    let tmp2 = a.subtract(z1, a.multiply(x.v6, by: k.c1_847759065))
    let tmp3 = a.add(z1, a.multiply(x.v2, by: k.c0_765366865))
    let tmp0 = a.shiftLeft(a.add(x.v0, x.v4), k.bits)
    let tmp1 = a.shiftLeft(a.subtract(x.v0, x.v4), k.bits)
    let tmp10 = a.add(tmp0, tmp3), tmp13 = a.subtract(tmp0, tmp3)
    let tmp11 = a.add(tmp1, tmp2), tmp12 = a.subtract(tmp1, tmp2)

    // Odd part: t0..t3 = in7, in5, in3, in1.
    let (t0, t1, t2, t3) = dctOddPart(x.v7, x.v5, x.v3, x.v1, k, &a)

    let n = pass == .first ? k.bits - p : k.bits + p + 3
    return Octet(a.descale(a.add(tmp10, t3), n), a.descale(a.add(tmp11, t2), n),
                 a.descale(a.add(tmp12, t1), n), a.descale(a.add(tmp13, t0), n),
                 a.descale(a.subtract(tmp13, t0), n), a.descale(a.subtract(tmp12, t1), n),
                 a.descale(a.subtract(tmp11, t2), n), a.descale(a.subtract(tmp10, t3), n))
}
