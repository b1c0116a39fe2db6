import Foundation
import Golden

/// Raster jobs made from images: the frame's beats as a UG934 source gives them, and the golden
/// model's quantized coefficients of every block in JPEG MCU order.
public enum RasterJobs {
    /// What the frame claims on the shape ports: a grey image is always grey.
    public static func chroma(of image: Image, requested: ChromaSubsampling) -> ChromaSubsampling {
        image.components == 1 ? .gray : requested
    }

    /// The beats of one frame of `image`: `pixels` RGB words a beat, tuser on the first, tlast on each
    /// line's last (a grey image's sample in all three bytes).
    public static func beats(of image: Image, pixels: Int) -> (flags: [UInt8], words: [UInt32]) {
        precondition(image.width % pixels == 0, "a line is a whole number of beats")
        var flags: [UInt8] = [], words: [UInt32] = []
        flags.reserveCapacity(image.width * image.height / pixels)
        words.reserveCapacity(image.width * image.height)
        for y in 0..<image.height {
            for x in stride(from: 0, to: image.width, by: pixels) {
                flags.append((x == 0 && y == 0 ? 1 : 0) | (x + pixels == image.width ? 2 : 0))
                for i in (y * image.width + x)..<(y * image.width + x + pixels) {
                    let (r, g, b) = image.components == 1 ? (image.samples[i], image.samples[i], image.samples[i])
                        : (image.samples[3 * i], image.samples[3 * i + 1], image.samples[3 * i + 2])
                    words.append(UInt32(g) | UInt32(b) << 8 | UInt32(r) << 16)
                }
            }
        }
        return (flags, words)
    }

    /// The blocks of `image` in MCU order with their tuser {dummy, table, start of frame} and golden
    /// coefficients (nil for a dummy block), and where each is.
    public static func blocks(of image: Image, name: String, chroma requested: ChromaSubsampling, codec: ImageCodec,
                              blockCodec: BlockCodec, tables: [QuantTable])
        -> (users: [UInt8], expected: [[Int32]?], places: [String]) {
        let chroma = Self.chroma(of: image, requested: requested)
        let (_, planes) = codec.componentPlanes(image, chroma: chroma)
        let coefficients = planes.enumerated().map { c, plane in
            blockCodec.encode(samples: plane.blocks(), table: tables[c == 0 ? 0 : min(1, tables.count - 1)], trackRanges: false,
                              threads: processorCount).coefficients
        }
        let order = MCUOrder(width: image.width, height: image.height, chroma: chroma, components: image.components)
        let names = ["Y", "Cb", "Cr"]
        var users: [UInt8] = [], expected: [[Int32]?] = [], places: [String] = []
        for (n, block) in order.blocks.enumerated() {
            users.append((block.dummy ? 4 : 0) | (block.component > 0 ? 2 : 0) | (n == 0 ? 1 : 0))
            places.append("\(name) MCU-order block \(n): \(names[block.component]) x \(block.x) y \(block.y)\(block.dummy ? " (dummy)" : "")")
            if block.dummy {
                expected.append(nil)
            } else {
                let index = block.y * planes[block.component].blocksWide + block.x
                expected.append(Array(coefficients[block.component][64 * index..<64 * index + 64]))
            }
        }
        return (users, expected, places)
    }

    /// One frame of `image`.
    public static func frame(_ image: Image, name: String, chroma requested: ChromaSubsampling, pixels: Int, codec: ImageCodec,
                             blockCodec: BlockCodec, tables: [QuantTable], runs: [StallSetting]) -> RasterJob {
        let chroma = Self.chroma(of: image, requested: requested)
        let (flags, words) = beats(of: image, pixels: pixels)
        let (users, expected, places) = blocks(of: image, name: name, chroma: chroma, codec: codec, blockCodec: blockCodec, tables: tables)
        return RasterJob(width: image.width, height: image.height, chroma: chroma, expectFrameError: false, runs: runs,
                         pixelsPerBeat: pixels, beatFlags: flags, pixels: words, users: users, expected: expected,
                         label: "\(name) \(image.width)x\(image.height) \(chroma.rawValue)", places: places)
    }

    /// How a frame goes wrong (issue 14's malformed frames).
    public enum Fault: String, CaseIterable, Sendable {
        /// The second line ends one beat early.
        case shortLine = "short-line"
        /// The second line has one beat more (the line's last pixels again, with tlast).
        case longLine = "long-line"
        /// Halfway through the third line, the next frame's start of frame arrives.
        case startInMidFrame = "start-in-mid-frame"
    }

    /// `fault` in the first lines of a frame of `good`'s shape, then `good` whole: the sticky
    /// frame_error must be set, nothing of the broken frame comes out (no MCU row of it completes),
    /// and the good frame's blocks all do.
    public static func malformed(_ fault: Fault, then good: RasterJob) -> RasterJob {
        let p = good.pixelsPerBeat, beatsPerLine = good.width / p
        precondition(beatsPerLine >= 2 && good.height >= 3, "a malformed frame needs two beats a line and three lines")
        var flags: [UInt8] = [], words: [UInt32] = []
        func line(_ y: Int, beats count: Int) {
            for k in 0..<count {
                let from = min(y * beatsPerLine + k, (y + 1) * beatsPerLine - 1)
                flags.append((good.beatFlags[from] & 1) | (k == count - 1 ? 2 : 0))
                words += good.pixels[(from * p)..<(from * p + p)]
            }
        }
        switch fault {
        case .shortLine: line(0, beats: beatsPerLine); line(1, beats: beatsPerLine - 1); line(2, beats: beatsPerLine)
        case .longLine: line(0, beats: beatsPerLine); line(1, beats: beatsPerLine + 1); line(2, beats: beatsPerLine)
        case .startInMidFrame:
            line(0, beats: beatsPerLine); line(1, beats: beatsPerLine)
            line(2, beats: beatsPerLine / 2)
            flags[flags.count - 1] &= ~2  // cut off in mid-line: no tlast
        }
        var job = good
        job.beatFlags = flags + good.beatFlags
        job.pixels = words + good.pixels
        job.expectFrameError = true
        job.label = "\(fault.rawValue) frame, then \(good.label)"
        return job
    }
}

extension RasterJobs {
    /// The raster project's standard stimulus: seeded RGB noise over gradients (every sample value
    /// reached, hard edges for the transform) in frames whose edges cut blocks and MCUs — 17×9 at 4:2:0,
    /// 33×17 at 4:2:2, 9×20 at 4:4:4, 16×9 grey — and a 4:2:0 frame after each malformed one, each at
    /// stalls 0 and 0.3, with `design`'s reset tables.
    public static func standard(design: RTLDesign, pixels: Int) throws -> [RasterJob] {
        let codec = try ImageCodec(config: design.config, threads: 1, trackRanges: false)
        let blockCodec = try BlockCodec(design.config)
        let runs = [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2026)]
        func pattern(_ w: Int, _ h: Int, seed: UInt64) -> Image {
            var random = SplitMix64(seed: seed)
            var samples: [UInt8] = []
            for y in 0..<h {
                for x in 0..<w {
                    let noise = random.next()
                    for c in 0..<3 {
                        let ramp = (x * 255 / max(1, w - 1) + y * 37 * (c + 1)) & 255
                        samples.append(UInt8(truncatingIfNeeded: (x + y + c) % 5 == 0 ? Int(noise >> UInt64(8 * c)) & 255 : ramp))
                    }
                }
            }
            return Image(width: w, height: h, components: 3, samples: samples)
        }
        let widths = [(17, 9, ChromaSubsampling.s420), (33, 17, .s422), (9, 20, .s444), (16, 9, .gray)]
            .map { w, h, chroma in ((w + pixels - 1) / pixels * pixels, h, chroma) }
        var jobs = widths.enumerated().map { n, shape in
            frame(pattern(shape.0, shape.1, seed: UInt64(n + 1)), name: "pattern \(n + 1)", chroma: shape.2, pixels: pixels,
                  codec: codec, blockCodec: blockCodec, tables: design.tables, runs: runs)
        }
        let good = frame(pattern(32, 17, seed: 9), name: "pattern 9", chroma: .s420, pixels: pixels, codec: codec,
                         blockCodec: blockCodec, tables: design.tables, runs: runs)
        jobs += Fault.allCases.map { malformed($0, then: good) }
        return jobs
    }
}
