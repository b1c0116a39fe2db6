extension Resampling {
    /// Brings a component plane to width × height when the frame's largest sampling factors are an
    /// integral multiple (h, v) of the component's, with the method libjpeg-turbo 2.1 chooses for that
    /// ratio (jdsample.c, jinit_upsampler):
    ///   (1, 1): a copy; (2, 1) and (2, 2): as `upsample(_:factors:…)` (fancy or box);
    ///   (1, 2) fancy, the triangle filter in the vertical only: output row y reads input row iy = y / 2
    ///     and its neighbour ny = iy − 1 (even y) or iy + 1 (odd y), clamped to the rows:
    ///     (3·C[iy][x] + C[ny][x] + bias) >> 2, bias 1 for even y, 2 for odd;
    ///   every other ratio, and (1, 2) box: replication, C[y / v][x / h] (int_upsample).
    public static func upsample(_ plane: ComponentPlane, ratio: (h: Int, v: Int), upsampling: Upsampling,
                                width: Int, height: Int, into out: UnsafeMutableBufferPointer<UInt8>, threads: Int) {
        precondition(ratio.h >= 1 && ratio.v >= 1 && out.count >= width * height)
        switch (ratio.h, ratio.v) {
        case (1, 1), (2, 1), (2, 2):
            upsample(plane, factors: ratio, upsampling: upsampling, width: width, height: height, into: out, threads: threads)
            return
        default: break
        }
        let lastRow = plane.height - 1, stride = plane.stride
        let verticalFancy = upsampling == .fancy && ratio == (1, 2)
        let o = UncheckedSendable(out.baseAddress!)
        plane.samples.withUnsafeBufferPointer { p in
            let c = p.baseAddress!
            parallelChunks(height, threads: threads, minimumChunk: 16) { rows in
                for y in rows {
                    let dst = o.value + y * width
                    let iy = y / ratio.v
                    let near = c + iy * stride
                    if verticalFancy {
                        let ny = min(max(y & 1 == 0 ? iy - 1 : iy + 1, 0), lastRow)
                        let far = c + ny * stride, bias = 1 + (y & 1)
                        for x in 0..<width {
                            dst[x] = UInt8(truncatingIfNeeded: (3 * Int(near[x]) + Int(far[x]) + bias) >> 2)
                        }
                    } else {
                        for x in 0..<width { dst[x] = near[x / ratio.h] }
                    }
                }
            }
        }
    }
}
