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
                                   height: (height + factors.v - 1) / factors.v, uninitialized: true)
        let stride = plane.stride, realHeight = plane.height, paddedHeight = plane.paddedHeight
        // Every padded row is written below.
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

    /// Brings a component plane back to width × height, row-major, into `out`; `factors` is the ratio
    /// of the frame's largest sampling factors to the component's (see `upsampleRow` for the methods).
    public static func upsample(_ plane: ComponentPlane, factors: (h: Int, v: Int), upsampling: Upsampling,
                                width: Int, height: Int, into out: UnsafeMutableBufferPointer<UInt8>, threads: Int) {
        precondition(factors.h >= 1 && factors.v >= 1 && out.count >= width * height)
        let o = UncheckedSendable(out.baseAddress!)
        plane.samples.withUnsafeBufferPointer { p in
            let source = PlaneRows(plane, p)
            parallelChunks(height, threads: threads, minimumChunk: 16) { rows in
                for y in rows {
                    upsampleRow(source, factors: factors, upsampling: upsampling, y: y, width: width,
                                into: o.value + y * width)
                }
            }
        }
    }

    /// A component plane's samples as the row functions read them.
    struct PlaneRows {
        let base: UnsafePointer<UInt8>
        let width: Int, height: Int, stride: Int

        init(_ plane: ComponentPlane, _ samples: UnsafeBufferPointer<UInt8>) {
            base = samples.baseAddress!
            (width, height, stride) = (plane.width, plane.height, plane.stride)
        }

        init(base: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int) {
            (self.base, self.width, self.height, self.stride) = (base, width, height, stride)
        }
    }

    /// Output row y (`width` samples) of a component upsampled by `factors` = (h, v), with the method
    /// libjpeg-turbo 2.1 chooses for that ratio (jdsample.c, jinit_upsampler):
    ///   (1, 1): a copy of row y
    ///   fancy (2, 1), chroma width > 2: even x = 2i: i = 0 ? C0 : (3Ci + Ci−1 + 1) >> 2;
    ///                                   odd x = 2i+1: i = last ? Ci : (3Ci + Ci+1 + 2) >> 2
    ///   fancy (2, 2), chroma width > 2: iy = y/2, ny = iy − 1 (even y) or iy + 1 (odd y), clamped to the
    ///     rows; cs(i) = 3·C[iy][i] + C[ny][i]; even x: i = 0 ? (4cs0 + 8) >> 4 : (3cs(i) + cs(i−1) + 8) >> 4;
    ///     odd x: i = last ? (4cs(i) + 7) >> 4 : (3cs(i) + cs(i+1) + 7) >> 4
    ///   fancy (1, 2): iy and ny as for (2, 2); (3·C[iy][x] + C[ny][x] + bias) >> 2, bias 1 (even y), 2 (odd)
    ///   otherwise (box, and every other integral ratio): replication, C[y / v][x / h]
    @inline(__always)
    static func upsampleRow(_ plane: PlaneRows, factors: (h: Int, v: Int), upsampling: Upsampling, y: Int,
                            width: Int, into dst: UnsafeMutablePointer<UInt8>) {
        let cw = plane.width, c = plane.base, stride = plane.stride
        let iy = y / factors.v
        let row = c + iy * stride
        // The neighbouring row of the vertical triangle filters.
        @inline(__always) func farRow() -> UnsafePointer<UInt8> {
            c + min(max(y & 1 == 0 ? iy - 1 : iy + 1, 0), plane.height - 1) * stride
        }
        let fancy = upsampling == .fancy
        switch (factors.h, factors.v) {
        case (1, 1):
            dst.update(from: row, count: width)
        case (2, 1) where fancy && cw > 2:
            @inline(__always) func sample(_ x: Int) -> UInt8 {
                let i = x >> 1, v3 = 3 * Int(row[i])
                if x & 1 == 0 {
                    return i == 0 ? row[0] : UInt8(truncatingIfNeeded: (v3 + Int(row[i - 1]) + 1) >> 2)
                }
                return i == cw - 1 ? row[i] : UInt8(truncatingIfNeeded: (v3 + Int(row[i + 1]) + 2) >> 2)
            }
            // The edges through `sample`; the pairs 0 < i < last, without its edge tests.
            let interior = max(1, min(width >> 1, cw - 1))
            for x in 0..<min(2, width) { dst[x] = sample(x) }
            var i = 1
            while i < interior {
                let v3 = 3 * Int(row[i])
                dst[2 * i] = UInt8(truncatingIfNeeded: (v3 + Int(row[i - 1]) + 1) >> 2)
                dst[2 * i + 1] = UInt8(truncatingIfNeeded: (v3 + Int(row[i + 1]) + 2) >> 2)
                i += 1
            }
            var x = 2 * interior
            while x < width { dst[x] = sample(x); x += 1 }
        case (2, 2) where fancy && cw > 2:
            let near = row, far = farRow()
            @inline(__always) func cs(_ i: Int) -> Int { 3 * Int(near[i]) + Int(far[i]) }
            @inline(__always) func sample(_ x: Int) -> UInt8 {
                let i = x >> 1
                let v: Int
                if x & 1 == 0 {
                    v = i == 0 ? (4 * cs(0) + 8) >> 4 : (3 * cs(i) + cs(i - 1) + 8) >> 4
                } else {
                    v = i == cw - 1 ? (4 * cs(i) + 7) >> 4 : (3 * cs(i) + cs(i + 1) + 7) >> 4
                }
                return UInt8(truncatingIfNeeded: v)
            }
            // As for (2, 1): edges through `sample`, interior pairs carrying the column sums along.
            let interior = max(1, min(width >> 1, cw - 1))
            for x in 0..<min(2, width) { dst[x] = sample(x) }
            if interior > 1 {
                var previous = cs(0), current = cs(1)
                for i in 1..<interior {
                    let next = cs(i + 1)
                    dst[2 * i] = UInt8(truncatingIfNeeded: (3 * current + previous + 8) >> 4)
                    dst[2 * i + 1] = UInt8(truncatingIfNeeded: (3 * current + next + 7) >> 4)
                    (previous, current) = (current, next)
                }
            }
            var x = 2 * interior
            while x < width { dst[x] = sample(x); x += 1 }
        case (1, 2) where fancy:
            let far = farRow(), bias = 1 + (y & 1)
            for x in 0..<width { dst[x] = UInt8(truncatingIfNeeded: (3 * Int(row[x]) + Int(far[x]) + bias) >> 2) }
        case (2, _):
            let pairs = width >> 1
            for i in 0..<pairs {
                dst[2 * i] = row[i]
                dst[2 * i + 1] = row[i]
            }
            if width & 1 != 0 { dst[width - 1] = row[pairs] }
        default:
            for x in 0..<width { dst[x] = row[x / factors.h] }
        }
    }
}
