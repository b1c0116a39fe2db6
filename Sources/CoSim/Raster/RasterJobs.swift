import Foundation
import Golden
import HLSGen

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
