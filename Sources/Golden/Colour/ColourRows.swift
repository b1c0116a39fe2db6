import CLanes

extension ColourConversion {
    /// One row of Y, Cb and Cr samples → interleaved RGB: `inverse` for every sample, evaluated eight
    /// samples at a time in 32-bit lanes when that is exact. The largest intermediate is
    /// |1.772 · 2^S · 128| + 2^(S−1) < 2^31 for S = `bits` ≤ 23; wider constants take the scalar path.
    func rgbRow(y: UnsafePointer<UInt8>, cb: UnsafePointer<UInt8>, cr: UnsafePointer<UInt8>, count: Int,
                into out: UnsafeMutablePointer<UInt8>) {
        var i = 0
        if bits <= 23 {
            let toR = fx_splat(Int32(rCr)), toB = fx_splat(Int32(bCb))
            let gFromCb = fx_splat(Int32(gCb)), gFromCr = fx_splat(Int32(gCr))
            let half = fx_splat(Int32(1 << (bits - 1))), shift = Int32(bits)
            while i + 8 <= count {
                let luma = fx_load_samples(y + i)
                let xb = fx_add_scalar(fx_load_samples(cb + i), -128), xr = fx_add_scalar(fx_load_samples(cr + i), -128)
                let r = fx_add(luma, fx_sra(fx_add(fx_mul(toR, xr), half), shift))
                let g = fx_add(luma, fx_sra(fx_add(fx_add(fx_mul(gFromCb, xb), half), fx_mul(gFromCr, xr)), shift))
                let b = fx_add(luma, fx_sra(fx_add(fx_mul(toB, xb), half), shift))
                fx_store_rgb(out + 3 * i, fx_clamp(r, 0, 255), fx_clamp(g, 0, 255), fx_clamp(b, 0, 255))
                i += 8
            }
        }
        while i < count {
            let c = inverse(Int(y[i]), Int(cb[i]), Int(cr[i]))
            out[3 * i] = c.r
            out[3 * i + 1] = c.g
            out[3 * i + 2] = c.b
            i += 1
        }
    }
}
