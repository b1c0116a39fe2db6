import Golden
import Hardware
@testable import HLSGen
import JPEG
import Testing

/// The entropy coder alone, in the Swift evaluation of its description: the golden model's blocks in
/// MCU order go in, and the bytes must be the golden writer's file.
@Suite struct EntropyCoderTests {
    /// Seeded noise over gradients, as the raster project's stimulus.
    static func pattern(_ w: Int, _ h: Int, seed: UInt64, noise: Int = 5) -> Image {
        var random = SplitMix64(seed: seed)
        var samples: [UInt8] = []
        for y in 0..<h {
            for x in 0..<w {
                let n = random.next()
                for c in 0..<3 {
                    let ramp = (x * 255 / max(1, w - 1) + y * 37 * (c + 1)) & 255
                    samples.append(UInt8(truncatingIfNeeded: (x + y + c) % noise == 0 ? Int(truncatingIfNeeded: n >> UInt64(8 * c)) & 255 : ramp))
                }
            }
        }
        return Image(width: w, height: h, components: 3, samples: samples)
    }

    struct Outcome { var bytes: [UInt8]; var clocks: Int; var lastMarked: Bool }

    /// Runs one frame through the coder: its numbers, then its blocks (a dummy block's rows are zero);
    /// the output is always ready unless `stall`.
    static func code(_ image: Image, chroma: ChromaSubsampling, restart: Int, quality: Int = 75, stall: Double = 0)
        throws -> (outcome: Outcome, expected: [UInt8]) {
        let config = DatapathConfig.libjpeg
        let design = try RTLDesign(config: config, quality: quality)
        let coder = EntropyCoderStage(coefficientBits: design.laneBits, tables: design.tables)
        let simulator = CycleSimulator(try coder.module())
        let codec = try ImageCodec(config: config, threads: 1, trackRanges: false)
        let used = RasterJobs.chroma(of: image, requested: chroma)
        let blocks = RasterJobs.blocks(of: image, name: "pattern", chroma: used, codec: codec, blockCodec: try BlockCodec(config), tables: design.tables)
        let (encoded, _) = codec.encode(image, settings: EncodeSettings(quality: quality, chroma: used, tables: design.tables))
        let expected = try JPEGWriter.write(encoded, options: JPEGWriteOptions(restart: restart > 0 ? .mcus(restart) : nil))

        var random = SplitMix64(seed: 7)
        var rows: [([UInt64], UInt64, UInt64)] = []
        for (n, block) in blocks.expected.enumerated() {
            for r in 0..<8 {
                let mask = Signal.mask(design.laneBits)
                rows.append(((0..<8).map { c in block.map { UInt64(bitPattern: Int64($0[8 * r + c])) & mask } ?? 0 },
                             r == 0 ? UInt64(blocks.users[n]) : 0, r == 7 ? 1 : 0))
            }
        }
        var next = 0, frameGiven = false, bytes: [UInt8] = [], clocks = 0, lastMarked = false
        while clocks < 200_000 {
            let ready: UInt64 = Double(random.next() % 1000) < stall * 1000 ? 0 : 1
            var inputs: [String: [UInt64]] = ["m_axis_tready": [ready]]
            if !frameGiven {
                inputs["frame_valid"] = [1]
                inputs["frame_width"] = [UInt64(image.width)]; inputs["frame_height"] = [UInt64(image.height)]
                inputs["frame_chroma"] = [UInt64(MCURowBuffer.code(used))]; inputs["frame_restart"] = [UInt64(restart)]
            }
            if next < rows.count {
                inputs["s_axis_tvalid"] = [1]
                inputs["s_axis_tdata"] = rows[next].0; inputs["s_axis_tuser"] = [rows[next].1]; inputs["s_axis_tlast"] = [rows[next].2]
            }
            let out = simulator.step(inputs)
            clocks += 1
            if !frameGiven && out["frame_ready"]![0] != 0 { frameGiven = true }
            if next < rows.count && out["s_axis_tready"]![0] != 0 { next += 1 }
            if out["m_axis_tvalid"]![0] != 0 && ready != 0 {
                bytes.append(UInt8(out["m_axis_tdata"]![0]))
                if out["m_axis_tlast"]![0] != 0 { lastMarked = true; break }
            }
        }
        return (Outcome(bytes: bytes, clocks: clocks, lastMarked: lastMarked), expected)
    }

    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        guard let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) else { return "lengths \(a.count) and \(b.count)" }
        return "byte \(i): expected \(String(b[i], radix: 16)), got \(String(a[i], radix: 16)) (lengths \(a.count), \(b.count))"
    }

    /// Frames whose edges cut MCUs, with and without restarts, from smooth (q10) to noise at q100
    /// (every coefficient non-zero, long codes, FF bytes stuffed).
    @Test(arguments: [(ChromaSubsampling.s420, 0, 75, 5), (.s422, 0, 50, 5), (.s444, 2, 90, 5), (.s420, 3, 10, 5), (.gray, 5, 75, 5),
                      (.s420, 1, 100, 1), (.s444, 0, 100, 1)])
    func bytesEqualTheGoldenFile(_ chroma: ChromaSubsampling, _ restart: Int, _ quality: Int, _ noise: Int) throws {
        let image = Self.pattern(37, 21, seed: 3, noise: noise)
        let (outcome, expected) = try Self.code(image, chroma: chroma, restart: restart, quality: quality, stall: 0.3)
        print("coder q\(quality) \(chroma.rawValue) restart \(restart): \(outcome.bytes.count) bytes of \(expected.count), \(outcome.clocks) clocks")
        #expect(outcome.lastMarked)
        let same = outcome.bytes == expected
        #expect(same, "\(chroma.rawValue) restart \(restart): \(Self.firstDifference(outcome.bytes, expected))")
    }

    /// The merged header program holds each kind of header, in order, and is shorter than the four apart.
    @Test func headerProgramHoldsEachKindOfHeader() {
        let dc = [HuffmanSpec.luminanceDC, .chrominanceDC], ac = [HuffmanSpec.luminanceAC, .chrominanceAC]
        let program = HeaderProgram(dc: dc, ac: ac)
        var apart = 0
        for kind in 0..<4 {
            let items = FrameHeader.items(.baseline(components: kind >= 2 ? 3 : 1, restart: kind & 1 == 1), dc: dc, ac: ac)
            apart += items.count
            let played = program.items(kind: kind).map { $0 & 0xFFF }
            let expected = HeaderProgram.steps(items).map { item -> UInt64 in
                let (op, operand) = HeaderProgram.encode(item)
                return UInt64(op.rawValue << 8 | operand)
            }
            #expect(played == expected, "kind \(kind)")
        }
        #expect(program.words.count < apart / 2, "\(program.words.count) words for \(apart) apart")
    }
}
