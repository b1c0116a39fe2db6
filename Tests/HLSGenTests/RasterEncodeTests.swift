import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import Testing

/// The raster front end into the 8-lane core in encode mode (`RasterFront.encodeModule`): RGB video
/// in, the golden model's quantized coefficients out in JPEG MCU order, dummy blocks flagged, under
/// stalls on both sides.
@Suite struct RasterEncodeTests {
    struct Frame {
        var name: String
        var image: Image
        var chroma: ChromaSubsampling
        var used: ChromaSubsampling { image.components == 1 ? .gray : chroma }
        var order: MCUOrder { MCUOrder(width: image.width, height: image.height, chroma: used, components: image.components) }
    }

    /// The golden coefficients of every block of `frame` in MCU order (nil for a dummy), with the
    /// tuser the top gives on its first row: {dummy, table, start of frame}.
    static func expected(_ frame: Frame, codec: ImageCodec, blocks: BlockCodec, tables: [QuantTable]) -> [(block: MCUOrder.Block, user: UInt64, coefficients: [Int32]?)] {
        let (_, planes) = codec.componentPlanes(frame.image, chroma: frame.used)
        let coefficients = planes.enumerated().map { c, plane in
            blocks.encode(samples: plane.blocks(), table: tables[c == 0 ? 0 : 1], trackRanges: false).coefficients
        }
        return frame.order.blocks.enumerated().map { n, block in
            let user = UInt64(block.dummy ? 4 : 0) | UInt64(block.component > 0 ? 2 : 0) | UInt64(n == 0 ? 1 : 0)
            guard !block.dummy else { return (block, user, nil) }
            let plane = planes[block.component], index = block.y * plane.blocksWide + block.x
            return (block, user, Array(coefficients[block.component][64 * index..<64 * index + 64]))
        }
    }

    /// Each frame's RGB pixels (UG934: G, B, R from the low byte; a grey image's sample in all three).
    static func source(_ frames: [Frame], pixels: Int) -> [VideoDriver.SourceBeat] {
        VideoDriver.beats(frames: frames.count, shape: { (frames[$0].image.width, frames[$0].image.height, frames[$0].used) },
                          pixels: pixels) { f, i in
            let image = frames[f].image
            let (r, g, b) = image.components == 1 ? (image.samples[i], image.samples[i], image.samples[i])
                : (image.samples[3 * i], image.samples[3 * i + 1], image.samples[3 * i + 2])
            return UInt64(g) | UInt64(b) << 8 | UInt64(r) << 16
        }
    }

    /// Mismatches between the beats and the golden blocks, the first named (frame, block, component,
    /// place, row, lane, expected, actual).
    static func compare(_ given: [VideoDriver.Beat], _ expected: [(frame: String, blocks: [(block: MCUOrder.Block, user: UInt64, coefficients: [Int32]?)])],
                        laneBits: Int) -> (mismatches: Int, first: String?, blocks: Int, dummies: Int) {
        var at = 0, mismatches = 0, first: String?, blocks = 0, dummies = 0
        let sign = UInt64(1) << UInt64(laneBits - 1)
        for (name, frame) in expected {
            for (n, entry) in frame.enumerated() {
                let place = "\(name): block \(n) (component \(entry.block.component), x \(entry.block.x), y \(entry.block.y))"
                for r in 0..<8 {
                    guard at < given.count else { return (mismatches + 1, first ?? "\(place) row \(r): output ended", blocks, dummies) }
                    let beat = given[at]
                    at += 1
                    let (user, last) = (r == 0 ? entry.user : 0, UInt64(r == 7 ? 1 : 0))
                    if beat.user != user || beat.last != last {
                        mismatches += 1
                        first = first ?? "\(place) row \(r): tuser/tlast expected \(user)/\(last), got \(beat.user)/\(beat.last)"
                    }
                    guard let coefficients = entry.coefficients else { continue }
                    for lane in 0..<8 {
                        let got = Int(bitPattern: UInt(beat.data[lane] ^ sign)) - Int(bitPattern: UInt(sign))
                        if got != Int(coefficients[8 * r + lane]) {
                            mismatches += 1
                            first = first ?? "\(place) row \(r) lane \(lane): expected \(coefficients[8 * r + lane]), got \(got)"
                        }
                    }
                }
                if entry.coefficients == nil { dummies += 1 } else { blocks += 1 }
            }
        }
        if at != given.count { mismatches += 1; first = first ?? "\(given.count - at) beats more than expected" }
        return (mismatches, first, blocks, dummies)
    }

    static func check(frames: [Frame], pixels: Int, stall: Double, seed: UInt64 = 2026,
                      shapeWrites: VideoDriver.ShapeWrites = .beforeTheFrame) throws -> (VideoDriver.Run, blocks: Int) {
        let config = DatapathConfig.libjpeg
        let design = try RTLDesign(config: config, quality: 75)
        let module = try RasterFront(colorBits: config.colorBits, pixels: pixels, maxWidth: 1024).encodeModule(design: design)
        let codec = try ImageCodec(config: config), blocks = try BlockCodec(config)
        let expected = frames.map { ($0.name + " " + $0.used.rawValue, Self.expected($0, codec: codec, blocks: blocks, tables: design.tables)) }
        let run = VideoDriver.run(module, source: Self.source(frames, pixels: pixels), stall: stall, seed: seed,
                                  expecting: expected.reduce(0) { $0 + 8 * $1.1.count }, shapeWrites: shapeWrites)
        let result = Self.compare(run.given, expected, laneBits: design.laneBits)
        #expect(result.mismatches == 0, "\(result.mismatches) mismatches; first: \(result.first ?? "")")
        #expect(run.errorClock == nil, "an error flag on good frames")
        return (run, result.blocks)
    }

    @Test(arguments: ChromaSubsampling.allCases)
    func sizesAndWindowsUnderStalls(_ chroma: ChromaSubsampling) throws {
        let images = try Fixtures.sharedImages()
        let coffee = try #require(images.first { $0.name.hasPrefix("coffee") }).image
        var frames = [(1, 1), (17, 9), (33, 17), (250, 131)].map { w, h in
            Frame(name: "coffee \(w)x\(h)", image: coffee.window(x: 5, y: 3, width: w, height: h), chroma: chroma)
        }
        frames += images.map { Frame(name: "\($0.name)[97x83]", image: $0.image.window(x: 61, y: 47, width: 97, height: 83), chroma: chroma) }
        let (_, blocks) = try Self.check(frames: frames, pixels: 1, stall: 0.3)
        #expect(blocks > 1000)
    }

    /// The register port: a frame keeps the shape it started with while the next frame's (another
    /// size and chroma) is written in mid-frame; and with no shape written, a frame is refused
    /// (frame_error) and nothing comes out.
    @Test func aFrameKeepsItsShapeWhileTheNextIsWritten() throws {
        let coffee = try #require(try Fixtures.sharedImages().first { $0.name.hasPrefix("coffee") }).image
        let frames = [(33, 17, ChromaSubsampling.s420), (17, 9, .s444), (40, 8, .s422), (9, 20, .gray)].map { w, h, chroma in
            Frame(name: "coffee \(w)x\(h)", image: coffee.window(x: 11, y: 7, width: w, height: h), chroma: chroma)
        }
        let (run, blocks) = try Self.check(frames: frames, pixels: 1, stall: 0.3, shapeWrites: .duringTheFrameBefore)
        #expect(blocks == frames.reduce(0) { $0 + $1.order.blocks.filter { !$0.dummy }.count })
        #expect(run.taken == frames.reduce(0) { $0 + $1.image.width * $1.image.height })

        let config = DatapathConfig.libjpeg
        let module = try RasterFront(colorBits: config.colorBits, pixels: 1, maxWidth: 1024).encodeModule(design: try RTLDesign(config: config, quality: 75))
        let unset = VideoDriver.run(module, source: Self.source([frames[0]], pixels: 1), stall: 0, seed: 1, expecting: 0, idle: 200, shapeWrites: .never)
        #expect(unset.errorClock != nil && unset.given.isEmpty && unset.taken == 33 * 17)
    }
}
