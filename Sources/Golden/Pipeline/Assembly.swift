extension ImageCodec {
    /// Component planes (as the IDCT leaves them) → image, row by row: each component's row upsampled
    /// by its ratio, the frame's largest sampling factors over its own (`Resampling.upsampleRow`:
    /// libjpeg's method for each ratio), then YCbCr → RGB (`ColourConversion.inverse`), or the three
    /// rows interleaved as they are when `convertsColour` is false (an RGB JPEG), or the grey row.
    public func assemble(_ planes: [ComponentPlane], width: Int, height: Int, ratios: [(h: Int, v: Int)],
                         upsampling: Upsampling, convertsColour: Bool = true) -> Image {
        precondition(planes.count == ratios.count && (planes.count == 1 || planes.count == 3), "grey or three components")
        precondition(zip(planes, ratios).allSatisfy { plane, ratio in
            ratio.h >= 1 && ratio.v >= 1 && plane.width * ratio.h >= width && plane.height * ratio.v >= height
        }, "each plane covers the image at its ratio")
        let n = planes.count, count = width * height * n, threads = self.threads
        let samples = [UInt8](largeUninitialized: count) { out in
            let o = UncheckedSendable(out.baseAddress!)
            Self.withRows(planes) { sources in
                parallelChunks(height, threads: threads, minimumChunk: 16) { rows in
                    assembleRows(rows, sources, width: width, ratios: ratios, upsampling: upsampling,
                                 convertsColour: convertsColour, into: o.value)
                }
            }
        }
        return Image(width: width, height: height, components: n, samples: samples)
    }

    /// Image rows `rows` into `out` (the whole image's samples, row-major): for each, every
    /// component's row upsampled, then converted (or interleaved, or the grey row).
    func assembleRows(_ rows: Range<Int>, _ sources: [Resampling.PlaneRows], width: Int, ratios: [(h: Int, v: Int)],
                      upsampling: Upsampling, convertsColour: Bool, into out: UnsafeMutablePointer<UInt8>) {
        let n = sources.count, colour = self.colour
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, n * width)) { buffer in
            let b = buffer.baseAddress!
            for y in rows {
                let dst = out + y * width * n
                if n == 1 {
                    Resampling.upsampleRow(sources[0], factors: ratios[0], upsampling: upsampling, y: y,
                                           width: width, into: dst)
                    continue
                }
                for c in 0..<3 {
                    Resampling.upsampleRow(sources[c], factors: ratios[c], upsampling: upsampling, y: y,
                                           width: width, into: b + c * width)
                }
                if convertsColour {
                    colour.rgbRow(y: b, cb: b + width, cr: b + 2 * width, count: width, into: dst)
                } else {
                    for x in 0..<width {
                        dst[3 * x] = b[x]
                        dst[3 * x + 1] = b[width + x]
                        dst[3 * x + 2] = b[2 * width + x]
                    }
                }
            }
        }
    }

    /// Runs `body` with the samples of one or three planes.
    private static func withRows<R>(_ planes: [ComponentPlane], _ body: ([Resampling.PlaneRows]) -> R) -> R {
        planes[0].samples.withUnsafeBufferPointer { p0 in
            let first = Resampling.PlaneRows(planes[0], p0)
            guard planes.count == 3 else { return body([first]) }
            return planes[1].samples.withUnsafeBufferPointer { p1 in
                planes[2].samples.withUnsafeBufferPointer { p2 in
                    body([first, Resampling.PlaneRows(planes[1], p1), Resampling.PlaneRows(planes[2], p2)])
                }
            }
        }
    }
}
