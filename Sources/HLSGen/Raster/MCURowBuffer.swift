import Golden
import Hardware

/// The raster front end's line buffers and block reader: YCbCr pixels in, in raster order, 8×8 blocks
/// out a row of 8 samples a beat, in JPEG's MCU order (`MCUOrder` states the order and the address
/// rules; this is them in hardware).
///
/// **Buffers.** Two banks, ping-pong: the writer fills one MCU row (16 lines at 4:2:0, 8 otherwise)
/// while the reader empties the other. Each component's lines are spread over 8 lane memories
/// (column c in memory c mod 8, word c / 8), so the reader gets a block row, 8 samples, in one read
/// of each, and a memory read address can differ by lane, which replicates the right edge:
///   luma, 4:4:4 chroma   Y[min(c, W−1)]: a lane past the edge reads column W−1;
///   4:2:x chroma         columns up to e = ⌊W/2⌋ + 1 are written (the last two from 2·P[W−1]);
///                        column c > e reads e − ((c − e) & 1), which has the same bias parity.
/// Rows past the frame's last (the last MCU row) read the last written row.
///
/// **Chroma reduced as written.** 4:2:2 and 4:2:0 chroma is summed in horizontal pairs as pixels
/// arrive (s = P[2c] + P[2c+1], the last column paired with itself when W is odd). 4:2:2 stores
/// (s + (c & 1)) >> 1. 4:2:0 keeps an even line's sums in a one-line pair memory and, on the odd line,
/// stores (s_even + s_odd + 1 + (c & 1)) >> 2; an even last line of the frame pairs with itself (2s).
/// Writes happen a clock after the pixel is taken, so the pair memory's read (issued when taken) is
/// there; the one read that can meet a write to the same word (a line of one beat) takes the written
/// value.
///
/// **Frames.** `frame_width`, `frame_height` and `frame_chroma` (0 4:4:4, 1 4:2:2, 2 4:2:0, 3 grey)
/// are sampled with the start of frame (tuser). tlast must come exactly on a line's last beat. A
/// line longer or shorter than the width, tuser in mid-frame, a beat outside a frame, or a shape that
/// does not fit (width 0 or above the maximum, or not a multiple of the pixels a beat; height 0) sets
/// `frame_error` (sticky until reset) and beats are dropped until the next tuser, which starts a
/// frame afresh (a tuser in mid-frame does so at once). Banks already complete are still read.
///
/// **Blocks out.** m_axis_tdata is 8 lanes of 8 bits; on a block's first beat, tuser[0] starts a frame,
/// tuser[1] says chroma (its quantization table), tuser[2] marks a dummy block (libjpeg codes it as
/// all AC zero with the DC of the component's block before; its samples are not meaningful); tlast is
/// on the block's 8th beat. The read side is a five-stage pipeline (place, addresses, the block RAMs'
/// output registers, the words again in the fabric, the lane pick) into an output register, stalled as
/// a whole, so tready on either side depends on state and the other side's ready only.
public struct MCURowBuffer: Sendable {
    /// Widest frame, a power of two ≥ 16 (fixed when generated; the memories hold two MCU rows of it).
    public let maxWidth: Int
    /// Pixels a beat on the way in: 1, 2 or 4 (UG934: the first lowest); the width must be a multiple.
    public let pixels: Int

    public init(maxWidth: Int = 2048, pixels: Int = 1) {
        precondition(maxWidth >= 16 && maxWidth & (maxWidth - 1) == 0, "the maximum width is a power of two ≥ 16")
        precondition([1, 2, 4].contains(pixels), "1, 2 or 4 pixels a beat")
        self.maxWidth = maxWidth
        self.pixels = pixels
    }

    /// The `frame_chroma` code of a subsampling.
    public static func code(_ chroma: ChromaSubsampling) -> Int {
        switch chroma { case .s444: 0; case .s422: 1; case .s420: 2; case .gray: 3 }
    }

    /// Words (of 8 columns) in a line, and their address bits.
    var words: Int { maxWidth / 8 }
    var wordBits: Int { Module.addressBits(depth: words) }
    /// Bits of a coordinate or size.
    public static let coordinateBits = 16

    /// One kind of line store: 8 lane memories (column c in lane c mod 8).
    struct Lanes { let memories: [ModuleBuilder.MemoryHandle] }

    public func module(name: String = "fxc_mcu_rows") throws -> Module {
        let b = ModuleBuilder(name, summary: "Raster YCbCr in (\(pixels) pixel\(pixels == 1 ? "" : "s") a beat), 8x8 blocks out in JPEG MCU order, a row a beat; two MCU rows of up to \(maxWidth) pixels in lane memories.")
        let cw = Self.coordinateBits, p = pixels, pBits = p.trailingZeroBitCount
        func k(_ value: Int, _ width: Int) -> Signal { b.constant(value, width: width) }
        func minimum(_ a: Signal, _ c: Signal) -> Signal { b.select(a.lt(c), a, c) }

        let widthIn = b.input("frame_width", width: cw), heightIn = b.input("frame_height", width: cw)
        let chromaIn = b.input("frame_chroma", width: 2)

        // Memories: luma two banks × 16 rows, chroma two banks × 8 rows, pair sums one line.
        // The line stores are block RAMs with their output registers (`BlockRAM`: a word two reads
        // after its address), the pair sums plain memories read in one clock.
        func lanes(_ name: String, rows: Int, width: Int) -> Lanes {
            Lanes(memories: (0..<8).map { b.memory("\(name)\($0)", depth: rows * words, width: width, readLatency: 1) })
        }
        func store(_ name: String, rows: Int) -> [InstanceHandle] {
            let ram = BlockRAM(depth: rows * words, width: 8)
            return (0..<8).map { b.instance(ram.block, name: "\(name)\($0)") }
        }
        let luma = store("y_lane", rows: 32)
        let chroma = [store("cb_lane", rows: 16), store("cr_lane", rows: 16)]
        let pairs = [lanes("cb_pair", rows: 1, width: 9), lanes("cr_pair", rows: 1, width: 9)]

        // ---- Writer, stage 1: the beat taken, checked against the frame's shape.
        let awaiting = b.register("awaiting", width: 1, reset: 1)
        let x = b.register("x", width: cw, reset: 0), y = b.register("y", width: cw, reset: 0)
        let row = b.register("row", width: 4, reset: 0)
        let firstRow = b.register("first_row", width: 1, reset: 0)
        let wrBank = b.register("wr_bank", width: 1, reset: 0)
        let full = b.register("full", width: 2, reset: 0)
        let frameW = b.register("frame_w", width: cw, reset: 0), frameH = b.register("frame_h", width: cw, reset: 0)
        let frameC = b.register("frame_c", width: 2, reset: 0)
        // The next beat ends a line, or is on the frame's last line: kept ahead, so a beat's checks
        // wait for no comparison.
        let atLineEnd = b.register("at_line_end", width: 1, reset: 0), atLastLine = b.register("at_last_line", width: 1, reset: 0)
        // The frame's edge columns and MCU count, from its width when it starts.
        let frameLast = b.register("frame_last_column", width: cw, reset: 0), frameHalf = b.register("frame_half", width: cw, reset: 0)
        let frameLumaWide = b.register("frame_luma_blocks", width: cw, reset: 0), frameLastMCU = b.register("frame_last_mcu", width: cw, reset: 0)
        let frameE = b.register("frame_e", width: cw, reset: 0), frameChromaLimit = b.register("frame_chroma_limit", width: cw, reset: 0)
        // Per lane memory, whether a line's last beat writes a 4:2:x chroma column there beyond its
        // pairs (⌊W/2⌋ or ⌊W/2⌋ + 1), and that column's word.
        let frameEndLands = (0..<8).map { b.register("frame_end_lands\($0)", width: 1, reset: 0) }
        let frameEndWord = (0..<8).map { b.register("frame_end_word\($0)", width: wordBits, reset: 0) }
        let error = b.register("error", width: 1, reset: 0)
        b.output("frame_error", error)

        let input = b.inputChannel(valid: "s_axis_tvalid", ready: ("s_axis_tready", ~b.pick(wrBank, from: [full[0], full[1]])),
                                   fields: [.init("s_axis_tdata", width: 24, count: p), .init("s_axis_tuser", width: 1),
                                            .init("s_axis_tlast", width: 1)])
        let sof = input["s_axis_tuser"], tlast = input["s_axis_tlast"]
        let W = b.select(sof, widthIn, frameW), H = b.select(sof, heightIn, frameH), C = b.select(sof, chromaIn, frameC)
        let px = b.select(sof, k(0, cw), x), py = b.select(sof, k(0, cw), y), prow = b.select(sof, k(0, 4), row)
        // The shape of a frame that starts (it matters only then): from the ports, with no select
        // before it; W ≤ 2^k is W >> k = 0, or W >> k = 1 with the low bits 0.
        let kBits = maxWidth.trailingZeroBitCount, above = widthIn[cw - 1, kBits]
        let widthFits = above.eq(0) | (above.eq(1) & widthIn[kBits - 1, 0].eq(0))
        let shapeFits = b.name(widthIn.ne(0) & widthFits & heightIn.ne(0) & (p == 1 ? b.one : widthIn[pBits - 1, 0].eq(0)), "shape_fits")
        let inFrame = b.select(sof, shapeFits, ~awaiting)
        let lineEnd = b.name(b.select(sof, widthIn.eq(p), atLineEnd), "line_end")
        let lastLine = b.select(sof, heightIn.eq(1), atLastLine), frameEnd = lineEnd & lastLine
        let good = b.name(inFrame & tlast.eq(lineEnd), "beat_good")
        let lastRowOfBank = b.select(C.eq(2), prow.eq(15), prow.eq(7))
        let bankEnd = b.name(lineEnd & (frameEnd | lastRowOfBank), "bank_end")

        b.when(input.fire) {
            b.when(sof) {
                b.set(frameW, widthIn); b.set(frameH, heightIn); b.set(frameC, chromaIn)
                b.set(frameLast, widthIn - 1); b.set(frameHalf, widthIn >> 1); b.set(frameLumaWide, (widthIn + 7) >> 3)
                let halved = chromaIn.eq(1) | chromaIn.eq(2)
                b.set(frameLastMCU, b.select(halved, (widthIn - 1) >> 4, (widthIn - 1) >> 3))
                b.set(frameE, (widthIn >> 1) + 1)
                b.set(frameChromaLimit, b.select(halved, (widthIn >> 1) + 1, widthIn - 1))
                let end = [widthIn >> 1, (widthIn >> 1) + 1]
                for m in 0..<8 {
                    let first = end[0][2, 0].eq(m)
                    b.set(frameEndLands[m], first | end[1][2, 0].eq(m))
                    b.set(frameEndWord[m], b.select(first, end[0], end[1])[wordBits + 2, 3])
                }
                b.set(firstRow, b.one)
                b.when(~awaiting | ~shapeFits) { b.set(error, b.one) }
            }
            b.when(~inFrame | ~good) { b.set(awaiting, b.one) }
            b.when(~good & (inFrame | ~sof)) { b.set(error, b.one) }
            b.when(good) {
                b.set(awaiting, frameEnd)
                b.set(x, b.select(lineEnd, k(0, cw), px + p))
                b.set(y, b.select(lineEnd, py + 1, py))
                b.set(row, b.select(lineEnd, b.select(bankEnd, k(0, 4), prow + 1), prow))
                b.set(atLineEnd, b.select(lineEnd, W.eq(p), (px + 2 * p).eq(W)))
                b.when(lineEnd) { b.set(atLastLine, (py + 2).eq(H)) }
                b.when(bankEnd) { b.set(wrBank, ~wrBank); b.set(firstRow, b.zero) }
            }
        }

        // 4:2:x chroma columns a beat completes: its pairs, and at the line's end ⌊W/2⌋ and ⌊W/2⌋ + 1.
        func chromaColumns(x: Signal, lineEnd: Signal, half: Signal) -> [(enable: Signal, column: Signal)] {
            var columns: [(enable: Signal, column: Signal)] = []
            if p == 1 {
                columns.append((x[0] | lineEnd, x >> 1))
            } else {
                for j in 0..<p / 2 { columns.append((b.one, (x >> 1) + j)) }
            }
            return columns + [(lineEnd, half), (lineEnd, half + 1)]
        }
        let columns = chromaColumns(x: px, lineEnd: lineEnd, half: W >> 1)

        // Stages 2 and 3 (every clock): the beat taken, and what its writes need. While the pair
        // memories' words come (stage 2), each chroma lane's column, sum and biased values are worked
        // out; stage 3 registers the words (a block RAM's output goes to a register before any
        // arithmetic), adds the one sum that needs them, and writes.
        let s2 = b.register("s2_valid", width: 1, reset: 0), s3 = b.register("s3_valid", width: 1, reset: 0)
        b.set(s2, input.fire & good)
        b.set(s3, s2)
        func staged(_ name: String, _ value: Signal) -> Signal { stagedBoth(name, value).s3 }
        func stagedBoth(_ name: String, _ value: Signal) -> (s2: Signal, s3: Signal) {
            let r2 = b.register("s2_\(name)", width: value.width, reset: nil), r3 = b.register("s3_\(name)", width: value.width, reset: nil)
            b.set(r2, value)
            b.set(r3, r2)
            return (r2, r3)
        }
        let pixelsBoth = input.elements("s_axis_tdata").enumerated().map { stagedBoth("pixel\($0)", $1) }
        let sPixels = pixelsBoth.map(\.s3)
        let xBoth = stagedBoth("x", px), sX = xBoth.s3, sRow = staged("row", prow), sBank = staged("bank", wrBank)
        let sLastLine = staged("last_line", lastLine)
        let sBankEnd = staged("bank_end", bankEnd), sFirst = staged("first", sof | firstRow)
        let sC = staged("c", C)
        // The frame's registers as stage 2 sees them: still the beat's frame (a start of frame taken
        // in that clock changes them at its end).
        func frameStaged(_ name: String, _ register: Signal) -> Signal {
            let r = b.register("s3_\(name)", width: register.width, reset: nil)
            b.set(r, register)
            return r
        }
        let sLast = frameStaged("last_column", frameLast), sHalf = frameStaged("half", frameHalf)
        let sLumaWide = frameStaged("luma_blocks", frameLumaWide), sLastMCU = frameStaged("last_mcu", frameLastMCU)
        let sE = frameStaged("e", frameE), sChromaLimit = frameStaged("chroma_limit", frameChromaLimit)
        let s2Columns = columns.enumerated().map { j, c in
            (enable: b.register("s2_col\(j)_en", width: 1, reset: nil), column: b.register("s2_col\(j)", width: cw, reset: nil), c)
        }.map { r in
            b.set(r.enable, r.2.enable); b.set(r.column, r.2.column)
            return (enable: r.enable, column: r.column)
        }

        // The pair memories' reads, issued with the beat, at addresses from registers alone: lane m
        // reads the word of the column that lands in it (a beat's columns are consecutive, so at most
        // one does): the beat's pairs are all in word x / 16, the line's last columns in their own.
        // (A start of frame is an even line, which reads nothing.)
        func laneOf(_ column: Signal, _ m: Int) -> Signal { column[2, 0].eq(m) }
        let readWord = (0..<8).map { m in b.select(atLineEnd & frameEndLands[m], frameEndWord[m], x[wordBits + 3, 4]) }
        let pairRead = pairs.map { lanes in (0..<8).map { m in b.read(lanes.memories[m], at: readWord[m], enable: input.fire) } }
        let readWordStaged = (0..<8).map { m in
            let r = b.register("s2_pair_word\(m)", width: wordBits, reset: nil)
            b.set(r, readWord[m])
            return r
        }

        // Stage 3's writes. `previous` is the pixel of the beat before stage 2's.
        let previous = b.register("s2_previous", width: 24, reset: nil)
        b.when(s2) { b.set(previous, pixelsBoth[p - 1].s2) }
        let s420 = sC.eq(2), s422 = sC.eq(1), s444 = sC.eq(0)
        // Luma and 4:4:4 chroma: pixel j goes to lane (x + j) mod 8.
        let lumaWord = sX[wordBits + 2, 3], lumaLane = sX[2, 0]
        // 4:4:4 chroma's writes, joined below with 4:2:x's (the two never write in one clock).
        var fullChroma: [[(enable: Signal, word: Signal, value: Signal)]] = [[], []]
        for m in 0..<8 {
            let j = m % p
            let mine = s3 & (pBits == 3 ? b.one : lumaLane[2, pBits].eq(m / p))
            luma[m].connect("we", mine)
            luma[m].connect("wa", b.concat(sBank, sRow, lumaWord))
            luma[m].connect("wd", sPixels[j][7, 0])
            for c in 0..<2 {
                fullChroma[c].append((mine & s444, b.concat(sBank, sRow[2, 0], lumaWord), sPixels[j][8 * c + 15, 8 * c + 8]))
            }
        }
        // 4:2:x chroma: each column's horizontal sum, then 4:2:2's or 4:2:0's value.
        let evenRow = ~sRow[0]
        let keepPairs = b.name(s3 & s420 & evenRow & ~sLastLine, "keep_pairs")
        let chromaRow = b.select(s420, sRow[3, 1], sRow[2, 0])
        for c in 0..<2 {
            // Stage 2: the horizontal sums s of the columns the beat completes, and for each lane
            // memory the column landing in it with 4:2:2's (s + bias) >> 1, the last line's
            // (2s + 1 + bias) >> 2 and s + 1 + bias (to which 4:2:0 adds the even line's sum).
            func sample(_ pixel: Signal) -> Signal { pixel[8 * c + 15, 8 * c + 8].zeroExtended(to: 10) }
            let last = sample(pixelsBoth[p - 1].s2)
            var sums: [Signal] = []
            if p == 1 {
                sums.append(b.select(xBoth.s2[0], sample(previous) + last, last + last))
            } else {
                for j in 0..<p / 2 { sums.append(sample(pixelsBoth[2 * j].s2) + sample(pixelsBoth[2 * j + 1].s2)) }
            }
            sums += [last + last, last + last]
            struct Landing { var enable, word, sum, reduced422, lastLine420, biased: Signal }
            let landing = (0..<8).map { m -> Landing in
                var enable = b.zero, word = s2Columns[0].column[wordBits + 2, 3], value = sums[0], parity = s2Columns[0].column[0]
                for (j, col) in s2Columns.enumerated().reversed() {
                    let here = col.enable & laneOf(col.column, m)
                    enable = enable | here
                    word = b.select(here, col.column[wordBits + 2, 3], word)
                    value = b.select(here, sums[j], value)
                    parity = b.select(here, col.column[0], parity)
                }
                let bias = parity.zeroExtended(to: 10)
                func register(_ name: String, _ v: Signal) -> Signal {
                    let r = b.register("s3_\(name)\(c)_\(m)", width: v.width, reset: nil)
                    b.set(r, v)
                    return r
                }
                return Landing(enable: register("lands", enable), word: register("lands_word", word), sum: register("sum", value[8, 0]),
                               reduced422: register("reduced422_", ((value + bias) >> 1)[7, 0]),
                               lastLine420: register("last_line420_", ((value + value + 1 + bias) >> 2)[7, 0]),
                               biased: register("biased", value + 1 + bias))
            }
            // Stage 3. The even line's sum: the pair memory's word, registered, unless one of the two
            // writes before this clock went to that word after it was read (a read sees the memory as
            // it was before its clock's write). Stage 2 finds those writes: stage 3's now, and the one
            // before.
            let memory = (0..<8).map { m in b.register("s3_pair\(c)_\(m)", width: 9, reset: nil) }
            let recent = (0..<8).map { m in (hit: b.register("s3_pair_recent\(c)_\(m)", width: 1, reset: 0),
                                              value: b.register("s3_pair_recent_value\(c)_\(m)", width: 9, reset: nil)) }
            let older = (0..<8).map { m in (hit: b.register("s3_pair_older\(c)_\(m)", width: 1, reset: 0),
                                             value: b.register("s3_pair_older_value\(c)_\(m)", width: 9, reset: nil)) }
            let lastWrite = (0..<8).map { m in (enable: b.register("pair_written\(c)_\(m)", width: 1, reset: 0),
                                                 word: b.register("pair_written_word\(c)_\(m)", width: wordBits, reset: nil),
                                                 value: b.register("pair_written_value\(c)_\(m)", width: 9, reset: nil)) }
            for m in 0..<8 {
                let lands = landing[m]
                let stored = b.select(recent[m].hit, recent[m].value, b.select(older[m].hit, older[m].value, memory[m])).zeroExtended(to: 10)
                let writePair = keepPairs & lands.enable
                b.when(writePair) { b.write(pairs[c].memories[m], at: lands.word, lands.sum) }
                // Stages 4 and 5 of the chroma writes: the even line's sum and the values it is added to
                // registered, then the word to write registered beside its block RAM, so that neither
                // the add nor the route to the block RAM share a clock with anything else.
                let reduced = s3 & lands.enable & (s422 | (s420 & ~keepPairs)), full = fullChroma[c][m]
                func later(_ name: String, _ v: Signal) -> Signal {
                    let r = b.register("\(name)\(c)_\(m)", width: v.width, reset: v.width == 1 ? 0 : nil)
                    b.set(r, v)
                    return r
                }
                let enable4 = later("s4_write", reduced | full.enable)
                let word4 = later("s4_word", b.select(s444, full.word, b.concat(sBank, chromaRow, lands.word)))
                let value4 = later("s4_value", b.select(s444, full.value, b.select(s422, lands.reduced422, lands.lastLine420)))
                let stored4 = later("s4_stored", stored), biased4 = later("s4_biased", lands.biased)
                let added4 = later("s4_added", s420 & ~evenRow)
                chroma[c][m].connect("we", later("s5_write", enable4))
                chroma[c][m].connect("wa", later("s5_word", word4))
                chroma[c][m].connect("wd", later("s5_value", b.select(added4, ((biased4 + stored4) >> 2)[7, 0], value4)))
                b.set(lastWrite[m].enable, writePair)
                b.set(lastWrite[m].word, lands.word)
                b.set(lastWrite[m].value, lands.sum)
                b.set(memory[m], pairRead[c][m])
                b.set(recent[m].hit, writePair & lands.word.eq(readWordStaged[m]))
                b.set(recent[m].value, lands.sum)
                b.set(older[m].hit, lastWrite[m].enable & lastWrite[m].word.eq(readWordStaged[m]))
                b.set(older[m].value, lastWrite[m].value)
            }
        }

        // Bank bookkeeping: complete once its last beat is written.
        struct Bank { var c, lastRow, lastChromaRow, first, last, half, e, chromaLimit, lumaWide, lastMCU: Signal }
        let banks = (0..<2).map { n in
            Bank(c: b.register("bank\(n)_c", width: 2, reset: 0), lastRow: b.register("bank\(n)_last_row", width: 4, reset: 0),
                 lastChromaRow: b.register("bank\(n)_last_chroma_row", width: 4, reset: 0),
                 first: b.register("bank\(n)_first", width: 1, reset: 0), last: b.register("bank\(n)_last_column", width: cw, reset: 0),
                 half: b.register("bank\(n)_half", width: cw, reset: 0), e: b.register("bank\(n)_e", width: cw, reset: 0),
                 chromaLimit: b.register("bank\(n)_chroma_limit", width: cw, reset: 0), lumaWide: b.register("bank\(n)_luma_blocks", width: cw, reset: 0),
                 lastMCU: b.register("bank\(n)_last_mcu", width: cw, reset: 0))
        }
        // A bank is full two clocks after its last beat's stage 3, when its last chroma words are in
        // their block RAMs; its figures are set at stage 3 (the reader reads them only when it is full).
        let done = [b.register("bank_done4", width: 1, reset: 0), b.register("bank_done5", width: 1, reset: 0)]
        let doneBank = [b.register("bank_done4_bank", width: 1, reset: 0), b.register("bank_done5_bank", width: 1, reset: 0)]
        b.set(done[0], s3 & sBankEnd); b.set(doneBank[0], sBank)
        b.set(done[1], done[0]); b.set(doneBank[1], doneBank[0])
        b.when(done[1]) { b.set(full, bit: doneBank[1], to: b.one) }
        b.when(s3 & sBankEnd) {
            for (n, bank) in banks.enumerated() {
                b.when(sBank.eq(n)) {
                    b.set(bank.c, sC); b.set(bank.lastRow, sRow); b.set(bank.lastChromaRow, b.select(s420, sRow >> 1, sRow))
                    b.set(bank.first, sFirst); b.set(bank.last, sLast); b.set(bank.half, sHalf)
                    b.set(bank.lumaWide, sLumaWide); b.set(bank.lastMCU, sLastMCU)
                    b.set(bank.e, sE); b.set(bank.chromaLimit, sChromaLimit)
                }
            }
        }

        // ---- Reader: MCU order over the bank that is full, in five stages that all move together
        // (when the output register is empty or taken): A0 the block row's place, A1 the reads, B the
        // words in the block RAMs' output registers, C the words registered in the fabric, D each
        // lane's pick.
        let rdBank = b.register("rd_bank", width: 1, reset: 0)
        let mx = b.register("mcu", width: cw, reset: 0)
        let blk = b.register("block", width: 3, reset: 0)
        let line = b.register("line", width: 3, reset: 0)
        func bank(_ field: KeyPath<Bank, Signal>) -> Signal { b.pick(rdBank, from: banks.map { $0[keyPath: field] }) }
        let rC = bank(\.c), rFirst = bank(\.first)
        let available = b.pick(rdBank, from: [full[0], full[1]])
        let r420 = rC.eq(2), r422 = rC.eq(1), grey = rC.eq(3), wide = r420 | r422
        let lumaBlocks = b.select(r420, k(4, 3), b.select(r422, k(2, 3), k(1, 3)))
        let lastBlock = b.select(grey, k(0, 3), lumaBlocks + 1)
        let isLuma = blk.lt(lumaBlocks)
        let component = b.select(isLuma, k(0, 2), (blk - lumaBlocks + 1)[1, 0])
        let dx = wide & blk[0], dy = r420 & blk[1]
        let bx = b.select(isLuma & wide, (mx << 1) | dx.zeroExtended(to: cw), mx)
        let blockRow = b.select(isLuma, b.concat(dy, line), line.zeroExtended(to: 4))
        let lastRowHere = b.select(isLuma, bank(\.lastRow), bank(\.lastChromaRow))
        let readRow = minimum(blockRow, lastRowHere)
        // Lane m is column 8·bx + m up to the limit (W − 1; e = ⌊W/2⌋ + 1 for 4:2:x chroma), past it
        // the edge column it replicates.
        let parityEdge = ~isLuma & wide
        let e = bank(\.e), lastColumn = bank(\.last)
        let limit = b.select(isLuma, lastColumn, bank(\.chromaLimit))
        let limitWord = limit >> 3
        let dummy = isLuma & (bx.ge(bank(\.lumaWide)) | (dy & ~bank(\.lastRow)[3]))

        let outValid = b.register("out_valid", width: 1, reset: 0)
        let outData = (0..<8).map { b.register("out_lane\($0)", width: 8, reset: nil) }
        let outUser = b.register("out_user", width: 3, reset: nil), outLast = b.register("out_last", width: 1, reset: nil)
        let out = b.outputChannel(valid: ("m_axis_tvalid", outValid), ready: "m_axis_tready",
                                  fields: [("m_axis_tdata", outData), ("m_axis_tuser", [outUser]), ("m_axis_tlast", [outLast])])
        let advance = b.name(~outValid | out.ready, "advance")
        let issue = b.name(available & advance, "issue")
        func stage(_ name: String, _ value: Signal) -> Signal {
            let r = b.register(name, width: value.width, reset: name.hasSuffix("valid") ? 0 : nil)
            b.when(advance) { b.set(r, value) }
            return r
        }
        // A0.
        let firstBeat = line.eq(0)
        let a0Valid = stage("a0_valid", issue), a0Bank = stage("a0_bank", rdBank), a0Component = stage("a0_component", component)
        let a0Word = stage("a0_word", bx[wordBits - 1, 0]), a0Row = stage("a0_row", readRow)
        let a0Below = stage("a0_below", bx.lt(limitWord)), a0At = stage("a0_at", bx.eq(limitWord))
        let a0Parity = stage("a0_parity", parityEdge), a0LimitLow = stage("a0_limit_low", limit[2, 0])
        let a0E = stage("a0_e", e[wordBits + 2, 0]), a0Half = stage("a0_half", bank(\.half)[wordBits + 2, 0])
        let a0Last = stage("a0_last_column", lastColumn[wordBits + 2, 0])
        let a0User = stage("a0_user", b.select(firstBeat, b.concat(dummy, ~isLuma, rFirst & mx.eq(0) & blk.eq(0)), k(0, 3)))
        let a0LastBeat = stage("a0_last", line.eq(7))
        // A1: memory m reads the word of the column that lives in it; lane m picks memory m, or past
        // the limit the edge column: W − 1, or e − ((column − e) & 1), the one of its parity.
        var select: [Signal] = []
        var lumaRead: [Signal] = [], chromaRead: [[Signal]] = [[], []]
        for m in 0..<8 {
            let real = a0Below | (m == 0 ? a0At : a0At & k(m, 3).le(a0LimitLow))
            let eHere = a0E[2, 0].eq(m)
            let replica = b.select(a0Parity, b.select(eHere, a0E, a0Half), a0Last)
            let word = b.select(real, a0Word, replica[wordBits + 2, 3])
            let sameParity = a0E[0].eq(m & 1)
            let edge = b.select(a0Parity, b.select(sameParity, a0E[2, 0], a0Half[2, 0]), a0Last[2, 0])
            select.append(b.select(real, k(m, 3), edge))
            luma[m].connect("re", advance)
            luma[m].connect("ra", b.concat(a0Bank, a0Row, word))
            lumaRead.append(luma[m].output("rd"))
            for c in 0..<2 {
                chroma[c][m].connect("re", advance)
                chroma[c][m].connect("ra", b.concat(a0Bank, a0Row[2, 0], word))
                chromaRead[c].append(chroma[c][m].output("rd"))
            }
        }
        let bValid = stage("b_valid", a0Valid), bComponent = stage("b_component", a0Component)
        let bSelect = select.enumerated().map { stage("b_select\($0)", $1) }
        let bUser = stage("b_user", a0User), bLast = stage("b_last", a0LastBeat)
        // B: the words in the block RAMs' output registers, which move with the stages; C: the words
        // registered again in the fabric (a block RAM sits far from the lanes' picks).
        let cValid = stage("c_valid", bValid), cComponent = stage("c_component", bComponent)
        let cSelect = bSelect.enumerated().map { stage("c_select\($0)", $1) }
        let cUser = stage("c_user", bUser), cLast = stage("c_last", bLast)
        let dValid = stage("d_valid", cValid), dComponent = stage("d_component", cComponent)
        let dWords = [lumaRead, chromaRead[0], chromaRead[1]].enumerated().map { c, reads in
            reads.enumerated().map { m, read in stage("d_word\(c)_\(m)", read) }
        }
        let dSelect = cSelect.enumerated().map { stage("d_select\($0)", $1) }
        let dUser = stage("d_user", cUser), dLast = stage("d_last", cLast)
        // D: each lane's pick, into the output register.
        b.when(advance) {
            b.set(outValid, dValid)
            for l in 0..<8 { b.set(outData[l], b.pick(dComponent, from: dWords.map { b.pick(dSelect[l], from: $0) })) }
            b.set(outUser, dUser)
            b.set(outLast, dLast)
        }
        let lastMCU = bank(\.lastMCU)
        // The counters: line of the block, block of the MCU, MCU of the row, then the other bank.
        let endOfBlock = line.eq(7), endOfMCU = endOfBlock & blk.eq(lastBlock), endOfBank = endOfMCU & mx.eq(lastMCU)
        b.when(issue) {
            b.set(line, line + 1)
            b.when(endOfBlock) { b.set(blk, b.select(endOfMCU, k(0, 3), blk + 1)) }
            b.when(endOfMCU) { b.set(mx, b.select(endOfBank, k(0, cw), mx + 1)) }
            b.when(endOfBank) {
                b.set(rdBank, ~rdBank)
                b.set(full, bit: rdBank, to: b.zero)
            }
        }
        return try b.build()
    }
}
