/// Chroma downsampling and upsampling with libjpeg's exact integer rules (jcsample.c, jdsample.c), and
/// the edge padding that fills whole blocks.
public enum Resampling {
    /// Reduces a full-resolution plane (width × height) by (h, v) into a block-padded component plane.
    /// Padding (jcsample.c, jcprepct.c): columns replicate the last one; an odd height repeats the last
    /// row; reduced rows past ⌈height/v⌉ repeat the last reduced row.
    ///   h2v1: (a + b + bias) >> 1, bias 0, 1, 0, 1, … across output columns
    ///   h2v2: (a + b + c + d + bias) >> 2, bias 1, 2, 1, 2, …
    public static func downsample(_ full: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                                  factors: (h: Int, v: Int), threads: Int) -> ComponentPlane {
        var plane = ComponentPlane(width: (width + factors.h - 1) / factors.h,
                                   height: (height + factors.v - 1) / factors.v)
        let stride = plane.stride, realHeight = plane.height, paddedHeight = plane.paddedHeight
        plane.samples.withUnsafeMutableBufferPointer { out in
            let o = UncheckedSendable(out.baseAddress!)
            parallelChunks(paddedHeight, threads: threads, minimumChunk: 16) { rows in
                for y in rows {
                    let yc = min(y, realHeight - 1)
                    let dst = o.value + y * stride
                    switch factors {
                    case (1, 1):
                        let src = full.baseAddress! + yc * width
                        for x in 0..<stride { dst[x] = src[min(x, width - 1)] }
                    case (2, 1):
                        let src = full.baseAddress! + yc * width
                        for x in 0..<stride {
                            let a = Int(src[min(2 * x, width - 1)]), b = Int(src[min(2 * x + 1, width - 1)])
                            dst[x] = UInt8(truncatingIfNeeded: (a + b + (x & 1)) >> 1)
                        }
                    default:
                        let r0 = full.baseAddress! + min(2 * yc, height - 1) * width
                        let r1 = full.baseAddress! + min(2 * yc + 1, height - 1) * width
                        for x in 0..<stride {
                            let c0 = min(2 * x, width - 1), c1 = min(2 * x + 1, width - 1)
                            let s = Int(r0[c0]) + Int(r0[c1]) + Int(r1[c0]) + Int(r1[c1])
                            dst[x] = UInt8(truncatingIfNeeded: (s + 1 + (x & 1)) >> 2)
                        }
                    }
                }
            }
        }
        return plane
    }

    /// Brings a component plane back to width × height, row-major, into `out`.
    ///   box: C[y / v][x / h]
    ///   fancy h2v1 (chroma width > 2): even x = 2i: i = 0 ? C0 : (3Ci + Ci−1 + 1) >> 2;
    ///                                  odd x = 2i+1: i = last ? Ci : (3Ci + Ci+1 + 2) >> 2
    ///   fancy h2v2 (chroma width > 2): iy = y/2, ny = iy − 1 (even y) or iy + 1 (odd y), clamped to the
    ///     rows; cs(i) = 3·C[iy][i] + C[ny][i]; even x: i = 0 ? (4cs0 + 8) >> 4 : (3cs(i) + cs(i−1) + 8) >> 4;
    ///     odd x: i = last ? (4cs(i) + 7) >> 4 : (3cs(i) + cs(i+1) + 7) >> 4
    public static func upsample(_ plane: ComponentPlane, factors: (h: Int, v: Int), upsampling: Upsampling,
                                width: Int, height: Int, into out: UnsafeMutableBufferPointer<UInt8>, threads: Int) {
        let cw = plane.width, ch = plane.height, stride = plane.stride
        let fancy = upsampling == .fancy && cw > 2 && factors.h == 2
        let o = UncheckedSendable(out.baseAddress!)
        plane.samples.withUnsafeBufferPointer { p in
            let c = p.baseAddress!
            parallelChunks(height, threads: threads, minimumChunk: 16) { rows in
                for y in rows {
                    let dst = o.value + y * width
                    let iy = y / factors.v
                    let row = c + iy * stride
                    switch (factors.h, factors.v, fancy) {
                    case (1, 1, _):
                        dst.update(from: row, count: width)
                    case (_, _, false):
                        for x in 0..<width { dst[x] = row[x >> 1] }
                    case (2, 1, true):
                        for x in 0..<width {
                            let i = x >> 1, v3 = 3 * Int(row[i])
                            if x & 1 == 0 {
                                dst[x] = i == 0 ? row[0] : UInt8(truncatingIfNeeded: (v3 + Int(row[i - 1]) + 1) >> 2)
                            } else {
                                dst[x] = i == cw - 1 ? row[i] : UInt8(truncatingIfNeeded: (v3 + Int(row[i + 1]) + 2) >> 2)
                            }
                        }
                    default:
                        let ny = min(max(y & 1 == 0 ? iy - 1 : iy + 1, 0), ch - 1)
                        let near = row, far = c + ny * stride
                        @inline(__always) func cs(_ i: Int) -> Int { 3 * Int(near[i]) + Int(far[i]) }
                        for x in 0..<width {
                            let i = x >> 1
                            let v: Int
                            if x & 1 == 0 {
                                v = i == 0 ? (4 * cs(0) + 8) >> 4 : (3 * cs(i) + cs(i - 1) + 8) >> 4
                            } else {
                                v = i == cw - 1 ? (4 * cs(i) + 7) >> 4 : (3 * cs(i) + cs(i + 1) + 7) >> 4
                            }
                            dst[x] = UInt8(truncatingIfNeeded: v)
                        }
                    }
                }
            }
        }
    }
}
