import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import Testing

/// The raster front end's line buffers and block reader (`MCURowBuffer`) against `MCUOrder` (itself
/// checked against the golden planes): YCbCr pixels in raster order in, every block out in MCU order
/// with its 64 samples, its flags (start of frame, chroma, dummy) and tlast; frames of every size the
/// issue names and every chroma mode, back to back, under stalls on both sides.
@Suite struct MCURowBufferTests {
    /// A frame as the colour stage gives it: full-resolution planes and the chroma mode to code.
    struct Frame {
        var name: String
        var width: Int, height: Int
        var chroma: ChromaSubsampling
        var planes: [[UInt8]]
        var order: MCUOrder { MCUOrder(width: width, height: height, chroma: chroma, components: planes.count == 1 ? 1 : 3) }
    }

    typealias Beat = VideoDriver.Beat
    typealias SourceBeat = VideoDriver.SourceBeat

    /// What the block reader must give for `frame`: each block of `MCUOrder`, a row of 8 samples a
    /// beat; tuser on a block's first beat ({dummy, chroma, start of frame}), tlast on its 8th.
    static func expected(_ frame: Frame) -> [(block: MCUOrder.Block, beats: [Beat])] {
        let order = frame.order
        return order.blocks.enumerated().map { n, block in
            let samples = block.dummy ? [UInt8](repeating: 0, count: 64)
                : order.samples(of: block, from: frame.planes[block.component])
            let user = UInt64(block.dummy ? 4 : 0) | UInt64(block.component > 0 ? 2 : 0) | UInt64(n == 0 ? 1 : 0)
            return (block, (0..<8).map { r in
                Beat(data: samples[8 * r..<8 * r + 8].map(UInt64.init), user: r == 0 ? user : 0, last: r == 7 ? 1 : 0)
            })
        }
    }

    /// Each frame's YCbCr pixels ({Cr, Cb, Y}, Y lowest), `pixels` a beat.
    static func source(_ frames: [Frame], pixels: Int) -> [SourceBeat] {
        VideoDriver.beats(frames: frames.count, shape: { (frames[$0].width, frames[$0].height, frames[$0].planes.count == 1 ? .gray : frames[$0].chroma) },
                          pixels: pixels) { f, i in frames[f].planes.enumerated().reduce(0) { $0 | UInt64($1.element[i]) << UInt64(8 * $1.offset) } }
    }

    /// The driver's run on `frames` (or on `source`), until all their blocks have come out.
    static func drive(_ module: Module, frames: [Frame], pixels: Int, stall: Double, seed: UInt64,
                      source: [SourceBeat]? = nil, expecting: Int? = nil) -> VideoDriver.Run {
        VideoDriver.run(module, source: source ?? Self.source(frames, pixels: pixels), stall: stall, seed: seed,
                        expecting: expecting ?? frames.reduce(0) { $0 + 8 * $1.order.blocks.count }, idle: 400)
    }

    /// The first difference between what came out and what `frames` must give, naming the frame,
    /// block (component and place), row, lane, expected and actual; nil when equal.
    static func firstMismatch(_ given: [Beat], _ frames: [Frame]) -> (String?, blocks: Int, dummies: Int) {
        var at = 0, blocks = 0, dummies = 0
        for frame in frames {
            for (n, (block, beats)) in Self.expected(frame).enumerated() {
                for (r, want) in beats.enumerated() {
                    guard at < given.count else { return ("\(frame.name): output ended at block \(n) row \(r) (\(given.count) beats)", blocks, dummies) }
                    let got = given[at]
                    at += 1
                    let place = "\(frame.name) \(frame.chroma): block \(n) (component \(block.component), x \(block.x), y \(block.y)\(block.dummy ? ", dummy" : "")) row \(r)"
                    if got.user != want.user || got.last != want.last {
                        return ("\(place): tuser/tlast expected \(want.user)/\(want.last), got \(got.user)/\(got.last)", blocks, dummies)
                    }
                    if !block.dummy, let lane = (0..<8).first(where: { got.data[$0] != want.data[$0] }) {
                        return ("\(place) lane \(lane): expected \(want.data[lane]), got \(got.data[lane])", blocks, dummies)
                    }
                }
                if block.dummy { dummies += 1 } else { blocks += 1 }
            }
        }
        return (at == given.count ? nil : "\(given.count - at) beats more than expected", blocks, dummies)
    }

    static func frame(_ name: String, _ image: Image, _ chroma: ChromaSubsampling) -> Frame {
        let colour = ColourConversion(bits: DatapathConfig.libjpeg.colorBits)
        let grey = chroma == .gray || image.components == 1
        return Frame(name: name, width: image.width, height: image.height, chroma: grey ? .gray : chroma,
                     planes: MCUOrderTests.fullPlanes(image, colour: colour, grey: grey))
    }

    static func sizeFrames(_ chroma: ChromaSubsampling) throws -> [Frame] {
        let images = try Fixtures.sharedImages()
        let coffee = try #require(images.first { $0.name.hasPrefix("coffee") }).image
        return [(1, 1), (17, 9), (33, 17), (2, 3), (1, 7), (16, 16), (15, 8), (250, 131)].map { w, h in
            Self.frame("coffee \(w)x\(h)", coffee.window(x: 5, y: 3, width: w, height: h), chroma)
        }
    }

    /// Lines of one to four beats back to back with no stall: a 4:2:0 odd line's read of the even line's
    /// pair sums comes one to four clocks after their writes, so every write the read misses (those in
    /// flight in the writer's stages) must be taken from the writes.
    @Test(arguments: [1, 2, 4])
    func shortLinesWithoutStalls(pixels: Int) throws {
        let images = try Fixtures.sharedImages()
        let coffee = try #require(images.first { $0.name.hasPrefix("coffee") }).image
        let module = try MCURowBuffer(maxWidth: 64, pixels: pixels).module()
        for chroma in [ChromaSubsampling.s420, .s422] {
            let frames = (1...4).map { beats in
                Self.frame("coffee \(beats * pixels)x\(5 + beats)", coffee.window(x: 7, y: 2, width: beats * pixels, height: 5 + beats), chroma)
            }
            let run = Self.drive(module, frames: frames, pixels: pixels, stall: 0, seed: 7)
            let (mismatch, blocks, _) = Self.firstMismatch(run.given, frames)
            #expect(mismatch == nil, "\(chroma) at \(pixels) a beat: \(mismatch ?? "")")
            #expect(run.errorClock == nil && blocks > 0)
        }
    }

    @Test(arguments: ChromaSubsampling.allCases)
    func sizesBackToBackUnderStalls(_ chroma: ChromaSubsampling) throws {
        let module = try MCURowBuffer(maxWidth: 256).module()
        let frames = try Self.sizeFrames(chroma)
        let run = Self.drive(module, frames: frames, pixels: 1, stall: 0.3, seed: 2026)
        let (mismatch, blocks, dummies) = Self.firstMismatch(run.given, frames)
        #expect(mismatch == nil, "\(mismatch ?? "")")
        #expect(run.errorClock == nil, "frame_error on good frames")
        #expect(blocks > 500)
        #expect((dummies > 0) == (chroma == .s420 || chroma == .s422), "\(dummies) dummies")
    }
}

extension MCURowBufferTests {
    /// Every shared image whole, at 1, 2 and 4 pixels a beat (the chroma modes spread over them), back
    /// to back; without stalls a beat is taken every clock from the first to the last.
    @Test(arguments: [1, 2, 4])
    func wholeImagesAtEveryBeatWidth(pixels: Int) throws {
        let module = try MCURowBuffer(maxWidth: 1024, pixels: pixels).module()
        let modes = ChromaSubsampling.allCases
        let frames = try Fixtures.sharedImages().enumerated().map { n, named in
            Self.frame(named.name, named.image, modes[(n + pixels) % modes.count])
        }
        for stall in [0.0, 0.3] {
            let started = Date()
            let run = Self.drive(module, frames: frames, pixels: pixels, stall: stall, seed: 77)
            let (mismatch, blocks, _) = Self.firstMismatch(run.given, frames)
            #expect(mismatch == nil, "\(pixels) px, stall \(stall): \(mismatch ?? "")")
            #expect(run.errorClock == nil, "frame_error on good frames")
            let pixelCount = frames.reduce(0) { $0 + $1.width * $1.height }
            print("MCURowBuffer \(pixels) px, stall \(stall): \(blocks) blocks, \(pixelCount) pixels in \(run.span) clocks from first to last taken "
                  + "(\(String(format: "%.4f", Double(pixelCount) / Double(run.span))) pixels a clock), \(run.refused) refused, "
                  + "\(run.clocks) clocks, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            if stall == 0 && pixels == 1 {
                // The reader empties a bank in 3W clocks at most (4:4:4) while the writer fills the next in
                // 8W (at least 8W' for a following frame of width W' ≥ 3W/8), so no beat is refused.
                #expect(run.refused == 0 && run.span == pixelCount, "\(run.refused) refused, span \(run.span)")
            }
        }
    }
}

extension MCURowBufferTests {
    /// A line one pixel long, a line one pixel short, and tuser at the start of line 20 of a 40×40
    /// 4:2:0 frame: each sets frame_error, the MCU row already complete still comes out, the rest of
    /// the frame is dropped, and the good frame after it (or started by that tuser) comes out whole.
    @Test func malformedFramesSetTheErrorAndTheNextFrameIsWhole() throws {
        let module = try MCURowBuffer(maxWidth: 256).module()
        let images = try Fixtures.sharedImages()
        let bad = Self.frame("bad", images[0].image.window(x: 0, y: 0, width: 40, height: 40), .s420)
        let good = Self.frame("good", images[1].image.window(x: 9, y: 9, width: 33, height: 17), .s420)
        func beats(_ f: Frame, lines: Range<Int>, change: (inout [SourceBeat], Int) -> Void = { _, _ in }) -> [SourceBeat] {
            let all = Self.source([f], pixels: 1)
            return lines.flatMap { y in
                var line = Array(all[y * f.width..<(y + 1) * f.width])
                change(&line, y)
                return line
            }
        }
        let long = beats(bad, lines: 0..<40) { line, y in
            if y == 20 { line[39].last = 0; line.append(line[39]); line[40].last = 1 }
        }
        let short = beats(bad, lines: 0..<40) { line, y in
            if y == 20 { line.removeLast(); line[38].last = 1 }
        }
        let cut = beats(bad, lines: 0..<20)
        let whole = beats(good, lines: 0..<17)
        let source = long + whole + short + whole + cut + whole
        // The bad frame's first MCU row (16 lines, 3 MCUs of 6 blocks) comes out, then the good frame.
        let firstRow = Frame(name: "bad (rows 0-15)", width: 40, height: 16, chroma: .s420,
                             planes: bad.planes.map { Array($0[0..<40 * 16]) })
        let wanted = [firstRow, good, firstRow, good, firstRow, good]
        let run = Self.drive(module, frames: [bad, good], pixels: 1, stall: 0.3, seed: 9, source: source,
                             expecting: wanted.reduce(0) { $0 + 8 * $1.order.blocks.count })
        let (mismatch, _, _) = Self.firstMismatch(run.given, wanted)
        #expect(mismatch == nil, "\(mismatch ?? "")")
        // The error shows once line 20 goes wrong (the first frame's 20 lines of 40 pixels, stalls aside).
        let errorClock = try #require(run.errorClock, "frame_error never set")
        #expect(errorClock > 20 * 40, "frame_error at clock \(errorClock)")
        #expect(run.rows.count > errorClock && run.taken == source.count)
    }
}

extension MCURowBufferTests {
    /// Without stalls, frames of one size in every chroma mode, back to back, at 1 and 2 pixels a
    /// beat: no beat is refused, so the pixels a clock from the first beat to the last are the pixels
    /// a beat. (A frame whose first MCU row is written faster than the previous frame's last is read,
    /// such as a narrow grey frame after a wide 4:2:0 one at 2 pixels a beat, waits for it.)
    @Test(arguments: [1, 2])
    func sustainsAPixelsBeatEveryClock(pixels: Int) throws {
        let module = try MCURowBuffer(maxWidth: 1024, pixels: pixels).module()
        let camera = try #require(try Fixtures.sharedImages().first { $0.name.hasPrefix("camera") }).image
        let frames = ChromaSubsampling.allCases.map { Self.frame("camera", camera, $0) }
        let run = Self.drive(module, frames: frames, pixels: pixels, stall: 0, seed: 1)
        let pixelCount = frames.reduce(0) { $0 + $1.width * $1.height }
        #expect(Self.firstMismatch(run.given, frames).0 == nil)
        #expect(run.refused == 0 && run.span * pixels == pixelCount, "\(run.refused) refused, span \(run.span)")
    }
}

extension MCURowBufferTests {
    /// The printed Verilog (Verilator; Icarus on the first 3,000 clocks) and C++ (g++) agree with the
    /// description clock for clock on every output, on frames of several sizes in every chroma mode
    /// under stalls.
    @Test func verilatorIcarusAndCppAgreeWithTheDescription() throws {
        let module = try MCURowBuffer(maxWidth: 64).module()
        let images = try Fixtures.sharedImages()
        let frames = ChromaSubsampling.allCases.flatMap { chroma in
            [(17, 9), (1, 7), (33, 17), (16, 3)].map { w, h in
                Self.frame("\(w)x\(h)", images[2].image.window(x: 40, y: 30, width: w, height: h), chroma)
            }
        }
        let rows = Self.drive(module, frames: frames, pixels: 1, stall: 0.3, seed: 4).rows
        let swift = HardwareSimulators.swift(module, rows).map { $0.map { Optional($0) } }
        let cache = Paths.repository.appendingPathComponent(".build/hardware-sim")
        func difference(_ other: [[UInt64?]], _ label: String) -> String? {
            guard other.count == swift.count else { return "\(label): \(other.count) clocks against \(swift.count)" }
            let names = module.outputs.flatMap { p in (0..<p.count).map { p.count == 1 ? p.name : "\(p.name)[\($0)]" } }
            for (clock, (a, b)) in zip(swift, other).enumerated() where a != b {
                let k = a.indices.first { a[$0] != b[$0] }!
                return "\(label): clock \(clock), \(names[k]): \(String(describing: a[k])) against \(String(describing: b[k]))"
            }
            return nil
        }
        let verilator = try HardwareSimulators.verilator(.init(module), rows, cache: cache)
        #expect(difference(verilator.outputs, "Verilator") == nil)
        let apTypes = try locateAPTypes(searchFrom: [Paths.repository])
        let cpp = try HardwareSimulators.hls(module, rows, cache: cache, apTypes: apTypes)
        #expect(difference(cpp.outputs, "C++") == nil)
        let short = Array(rows.prefix(3000))
        let icarus = try HardwareSimulators.icarus(.init(module), short, scratch: FileManager.default.temporaryDirectory)
        #expect(difference(icarus.outputs + swift.dropFirst(short.count), "Icarus") == nil)
        #expect(rows.count > 3000)
    }
}
