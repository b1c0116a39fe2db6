/// RGB ↔ YCbCr with SCALEBITS = S fractional bits (jccolor.c, jdcolor.c), as integer maths.
/// Constants are FIX(x) = round(x · 2^S); ONE_HALF = 2^(S−1).
///   Y  = ( FIX(0.299)R + FIX(0.587)G + FIX(0.114)B + ONE_HALF) >> S
///   Cb = (−FIX(0.16874)R − FIX(0.33126)G + FIX(0.5)B + (128 << S) + ONE_HALF − 1) >> S
///   Cr = ( FIX(0.5)R − FIX(0.41869)G − FIX(0.08131)B + (128 << S) + ONE_HALF − 1) >> S
/// and back, with x = Cb − 128 or Cr − 128:
///   R = Y + ((FIX(1.402)x_r + ONE_HALF) >> S)
///   G = Y + ((−FIX(0.34414)x_b + ONE_HALF − FIX(0.71414)x_r) >> S)
///   B = Y + ((FIX(1.772)x_b + ONE_HALF) >> S),  each clamped to 0...255.
public struct ColourConversion: Sendable, Hashable {
    public let bits: Int
    let yR, yG, yB, cbR, cbG, cbB, crR, crG, crB: Int
    let rCr, gCb, gCr, bCb: Int

    public init(bits: Int) {
        self.bits = bits
        func fix(_ x: Double) -> Int { Int((x * Double(1 << bits)).rounded()) }
        (yR, yG, yB) = (fix(0.29900), fix(0.58700), fix(0.11400))
        (cbR, cbG, cbB) = (-fix(0.16874), -fix(0.33126), fix(0.5))
        (crR, crG, crB) = (fix(0.5), -fix(0.41869), -fix(0.08131))
        (rCr, gCb, gCr, bCb) = (fix(1.40200), -fix(0.34414), -fix(0.71414), fix(1.77200))
    }

    @inlinable var oneHalf: Int { 1 << (bits - 1) }

    /// The forward constants, rows Y, Cb, Cr and columns R, G, B (negative where the formula subtracts).
    public var forwardMatrix: [[Int]] { [[yR, yG, yB], [cbR, cbG, cbB], [crR, crG, crB]] }
    /// What Cb and Cr add before the shift: (128 << S) + ONE_HALF − 1.
    @inlinable var chromaOffset: Int { (128 << bits) + (1 << (bits - 1)) - 1 }
    /// What each forward row adds before the shift: ONE_HALF for Y, `chromaOffset` for Cb and Cr.
    public var forwardOffsets: [Int] { [oneHalf, chromaOffset, chromaOffset] }

    @inline(__always)
    public func luma(_ r: Int, _ g: Int, _ b: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (yR * r + yG * g + yB * b + (1 << (bits - 1))) >> bits)
    }

    @inline(__always)
    public func forward(_ r: Int, _ g: Int, _ b: Int) -> (y: UInt8, cb: UInt8, cr: UInt8) {
        let offset = chromaOffset
        return (luma(r, g, b),
                UInt8(truncatingIfNeeded: (cbR * r + cbG * g + cbB * b + offset) >> bits),
                UInt8(truncatingIfNeeded: (crR * r + crG * g + crB * b + offset) >> bits))
    }

    @inline(__always)
    public func inverse(_ y: Int, _ cb: Int, _ cr: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let xb = cb - 128, xr = cr - 128, half = 1 << (bits - 1)
        @inline(__always) func clamp(_ v: Int) -> UInt8 { UInt8(truncatingIfNeeded: min(max(v, 0), 255)) }
        return (clamp(y + ((rCr * xr + half) >> bits)),
                clamp(y + ((gCb * xb + half + gCr * xr) >> bits)),
                clamp(y + ((bCb * xb + half) >> bits)))
    }
}
