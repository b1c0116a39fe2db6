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
/// The pair memory's word, read a clock after the pixel is taken (its address registered beside the
/// block RAM), is in the fabric four clocks after the pixel, with the pixel's other figures; a write
/// to that word the read missed (a line of two beats or fewer) is taken from the writes.
///
/// **Frames.** `frame_width`, `frame_height` and `frame_chroma` (0 4:4:4, 1 4:2:2, 2 4:2:0, 3 grey)
/// are sampled with the start of frame (tuser), as it enters the input register slice. tlast must come exactly on a line's last beat. A
/// line longer or shorter than the width, tuser in mid-frame, a beat outside a frame, or a shape that
/// does not fit (width 0 or above the maximum, or not a multiple of the pixels a beat; height 0) sets
/// `frame_error` (sticky until reset) and beats are dropped until the next tuser, which starts a
/// frame afresh (a tuser in mid-frame does so at once). Banks already complete are still read.
///
/// **Blocks out.** m_axis_tdata is 8 lanes of 8 bits; on a block's first beat, tuser[0] starts a frame,
/// tuser[1] says chroma (its quantization table), tuser[2] marks a dummy block (libjpeg codes it as
/// all AC zero with the DC of the component's block before; its samples are not meaningful); tlast is
/// on the block's 8th beat. The read side is a pipeline (block, place, addresses, the block RAMs' read
/// and output registers, the words again in the fabric, the lane pick) that never stalls: a row is issued
/// against a credit of a queue before the output register. s_axis_tready and m_axis_tvalid are
/// registers; m_axis_tready reaches the queue and the output register only.
///
/// **Timing.** Every block RAM is read through its output register and written from registers beside
/// it (copies where lanes share a value); the checks of a beat against the frame's shape are worked
/// out a beat ahead or as the beat enters, so a beat's acceptance waits on no adder.
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
    /// Rows the reader's queue holds, and so its credits: at least the clocks from a row's issue to
    /// its credit's return (eleven) for a row a clock.
    public static let queueDepth = 16

    public func module(name: String = "fxc_mcu_rows") throws -> Module {
        let b = ModuleBuilder(name, summary: "Raster YCbCr in (\(pixels) pixel\(pixels == 1 ? "" : "s") a beat), 8x8 blocks out in JPEG MCU order, a row a beat; two MCU rows of up to \(maxWidth) pixels in lane memories.")
        let cw = Self.coordinateBits, p = pixels, pBits = p.trailingZeroBitCount
        func k(_ value: Int, _ width: Int) -> Signal { b.constant(value, width: width) }
        func minimum(_ a: Signal, _ c: Signal) -> Signal { b.select(a.lt(c), a, c) }

        let widthIn = b.input("frame_width", width: cw), heightIn = b.input("frame_height", width: cw)
        let chromaIn = b.input("frame_chroma", width: 2)

        // Memories: luma two banks × 16 rows, chroma two banks × 8 rows, pair sums one line; all
        // block RAMs with their output registers (`BlockRAM`: a word two clocks after its address).
        func store(_ name: String, rows: Int, width: Int = 8) -> [InstanceHandle] {
            let ram = BlockRAM(depth: rows * words, width: width)
            return (0..<8).map { b.instance(ram.block, name: "\(name)\($0)") }
        }
        let luma = store("y_lane", rows: 32)
        let chroma = [store("cb_lane", rows: 16), store("cr_lane", rows: 16)]
        let pairs = [store("cb_pair", rows: 1, width: 9), store("cr_pair", rows: 1, width: 9)]

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

        // ---- Stage 0: a register slice (a beat register and a skid register behind it), so that
        // s_axis_tready is a register and the checks of a starting frame's shape are registered before
        // stage 1 uses them. The shape ports are sampled with the beat that enters.
        let kBits = maxWidth.trailingZeroBitCount, above = widthIn[cw - 1, kBits]
        // W ≤ 2^k is W >> k = 0, or W >> k = 1 with the low bits 0.
        let widthFits = above.eq(0) | (above.eq(1) & widthIn[kBits - 1, 0].eq(0))
        let shapeFits = widthIn.ne(0) & widthFits & heightIn.ne(0) & (p == 1 ? b.one : widthIn[pBits - 1, 0].eq(0))
        let skidValid = b.sliceSkidValid("in")
        let input = b.inputChannel(valid: "s_axis_tvalid", ready: ("s_axis_tready", ~skidValid),
                                   fields: [.init("s_axis_tdata", width: 24, count: p), .init("s_axis_tuser", width: 1),
                                            .init("s_axis_tlast", width: 1)])
        // The beat and its frame's shape.
        // With it, the sums a starting frame's edge registers need (W − 1, ⌊W/2⌋ + 1, ⌈W/8⌉), so that
        // stage 1 waits for no adder.
        let arriving: [Signal] = input.elements("s_axis_tdata") + [input["s_axis_tuser"], input["s_axis_tlast"], widthIn, heightIn, chromaIn,
                                  shapeFits, widthIn.eq(p), widthIn.eq(2 * p), heightIn.eq(1), heightIn.eq(2),
                                  widthIn - 1, (widthIn >> 1) + 1, (widthIn + 7) >> 3, widthIn.eq(3 * p), widthIn - p]
        let canTake = ~b.pick(wrBank, from: [full[0], full[1]])
        let slice = b.registerSlice("in", valid: input.valid, fields: arriving, skidValid: skidValid, ready: canTake)
        let fields = slice.fields
        let fire = b.name(slice.valid & canTake, "beat_taken")
        let pixelsIn = Array(fields[0..<p])
        let sof = fields[p], tlast = fields[p + 1], width = fields[p + 2], height = fields[p + 3], shapeChroma = fields[p + 4]
        let (fits, widthIsOne, widthIsTwo, heightIsOne, heightIsTwo) = (fields[p + 5], fields[p + 6], fields[p + 7], fields[p + 8], fields[p + 9])
        let (widthLess, halfMore, widthBlocks) = (fields[p + 10], fields[p + 11], fields[p + 12])
        let (widthIsThree, widthLessBeat) = (fields[p + 13], fields[p + 14])

        // ---- Stage 1: the beat taken, checked against the frame's shape. x2 and y2 are x + 2p and
        // y + 2, kept beside them so that the checks a beat ahead wait for no adder.
        let x2 = b.register("x2", width: cw, reset: 0), y2 = b.register("y2", width: cw, reset: 0)
        let frameWIsOne = b.register("frame_w_is_one_beat", width: 1, reset: 0)
        // Whether x2 = W, kept with x2 (from W − p and the frame's shape), so that at_line_end waits for
        // no compare.
        let frameWIsTwo = b.register("frame_w_is_two_beats", width: 1, reset: 0), frameWLessBeat = b.register("frame_w_less_beat", width: cw, reset: 0)
        let x2AtEnd = b.register("x2_at_end", width: 1, reset: 0)
        let W = b.select(sof, width, frameW), C = b.select(sof, shapeChroma, frameC)
        let px = b.select(sof, k(0, cw), x), py = b.select(sof, k(0, cw), y), prow = b.select(sof, k(0, 4), row)
        let inFrame = b.select(sof, fits, ~awaiting)
        let lineEnd = b.name(b.select(sof, widthIsOne, atLineEnd), "line_end")
        let lastLine = b.select(sof, heightIsOne, atLastLine), frameEnd = lineEnd & lastLine
        let good = b.name(inFrame & tlast.eq(lineEnd), "beat_good")
        let lastRowOfBank = b.select(C.eq(2), prow.eq(15), prow.eq(7))
        let bankEnd = b.name(lineEnd & (frameEnd | lastRowOfBank), "bank_end")

        b.when(fire) {
            b.when(sof) {
                b.set(frameW, width); b.set(frameH, height); b.set(frameC, shapeChroma); b.set(frameWIsOne, widthIsOne)
                b.set(frameWIsTwo, widthIsTwo); b.set(frameWLessBeat, widthLessBeat)
                b.set(frameLast, widthLess); b.set(frameHalf, width >> 1); b.set(frameLumaWide, widthBlocks)
                let halved = shapeChroma.eq(1) | shapeChroma.eq(2)
                b.set(frameLastMCU, b.select(halved, widthLess >> 4, widthLess >> 3))
                b.set(frameE, halfMore)
                b.set(frameChromaLimit, b.select(halved, halfMore, widthLess))
                let end = [width >> 1, halfMore]
                for m in 0..<8 {
                    let first = end[0][2, 0].eq(m)
                    b.set(frameEndLands[m], first | end[1][2, 0].eq(m))
                    b.set(frameEndWord[m], b.select(first, end[0], end[1])[wordBits + 2, 3])
                }
                b.set(firstRow, b.one)
                b.when(~awaiting | ~fits) { b.set(error, b.one) }
            }
            b.when(~inFrame | ~good) { b.set(awaiting, b.one) }
            b.when(~good & (inFrame | ~sof)) { b.set(error, b.one) }
            b.when(good) {
                b.set(awaiting, frameEnd)
                // (x, y and row add to their registers, the start of a frame chosen after: no select
                // before an adder.)
                b.set(x, b.select(lineEnd, k(0, cw), b.select(sof, k(p, cw), x + p)))
                b.set(x2, b.select(lineEnd, k(2 * p, cw), b.select(sof, k(3 * p, cw), x2 + p)))
                b.set(y, b.select(sof, b.select(lineEnd, k(1, cw), k(0, cw)), b.select(lineEnd, y + 1, y)))
                b.when(lineEnd) { b.set(y2, b.select(sof, k(3, cw), y2 + 1)) }
                b.when(sof & ~lineEnd) { b.set(y2, k(2, cw)) }
                b.set(row, b.select(lineEnd, b.select(bankEnd | sof, b.select(bankEnd, k(0, 4), k(1, 4)), row + 1), b.select(sof, k(0, 4), row)))
                // The next beat ends its line: a one-beat line, or (this beat not the end) x + 2p = W.
                b.set(atLineEnd, b.select(lineEnd, b.select(sof, widthIsOne, frameWIsOne), b.select(sof, widthIsTwo, x2AtEnd)))
                // x2's next value is W: 2p = W after a line's end, 3p = W after a frame's first beat, else x2 + p = W.
                b.set(x2AtEnd, b.select(lineEnd, b.select(sof, widthIsTwo, frameWIsTwo), b.select(sof, widthIsThree, x2.eq(frameWLessBeat))))
                b.when(lineEnd) { b.set(atLastLine, b.select(sof, heightIsTwo, y2.eq(frameH))) }
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
        b.set(s2, fire & good)
        b.set(s3, s2)
        func staged(_ name: String, _ value: Signal) -> Signal { stagedBoth(name, value).s3 }
        func stagedBoth(_ name: String, _ value: Signal) -> (s2: Signal, s3: Signal) {
            let r2 = b.register("s2_\(name)", width: value.width, reset: nil), r3 = b.register("s3_\(name)", width: value.width, reset: nil)
            b.set(r2, value)
            b.set(r3, r2)
            return (r2, r3)
        }
        let pixelsBoth = pixelsIn.enumerated().map { stagedBoth("pixel\($0)", $1) }
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

        // The pair memories' reads, a clock after the beat, at addresses from registers alone: lane m
        // reads the word of the column that lands in it (a beat's columns are consecutive, so at most
        // one does): the beat's pairs are all in word x / 16, the line's last columns in their own.
        // (A start of frame is an even line, which reads nothing.)
        func laneOf(_ column: Signal, _ m: Int) -> Signal { column[2, 0].eq(m) }
        let readWord = (0..<8).map { m in b.select(atLineEnd & frameEndLands[m], frameEndWord[m], x[wordBits + 3, 4]) }
        // Each block RAM's address is worked out from its component's copies of those registers and
        // registered beside it (one shared select would be a net spread over all sixteen block RAMs).
        let xCopies = b.copies(of: x, count: 2), lineEndCopies = b.copies(of: atLineEnd, count: 2)
        let landsCopies = frameEndLands.map { b.copies(of: $0, count: 2) }, endWordCopies = frameEndWord.map { b.copies(of: $0, count: 2) }
        // Read every clock: the word of the beat taken is in its block RAM's output register at its stage 4.
        let pairRead = pairs.enumerated().map { c, lanes in
            (0..<8).map { m -> Signal in
                lanes[m].connect("re", b.one)
                let address = b.register("s2_pair_address\(c)_\(m)", width: wordBits, reset: nil)
                b.set(address, b.select(lineEndCopies[c] & landsCopies[m][c], endWordCopies[m][c], xCopies[c][wordBits + 3, 4]))
                lanes[m].connect("ra", address)
                return lanes[m].output("rd")
            }
        }
        // The word each lane read, for the bypass's compares: the same value as the lane's two address
        // registers, kept apart so that those stay beside their block RAMs.
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
        let lumaAddressRegister = b.register("s4_luma_word", width: 1 + 4 + wordBits, reset: nil)
        b.set(lumaAddressRegister, b.concat(sBank, sRow, lumaWord))
        let lumaAddress = b.copies(of: lumaAddressRegister, count: 8)
        let lumaPixel = (0..<p).map { j in
            let r = b.register("s4_luma_pixel\(j)", width: 8, reset: nil)
            b.set(r, sPixels[j][7, 0])
            return b.copies(of: r, count: 8 / p)
        }
        for m in 0..<8 {
            let j = m % p
            let mine = s3 & (pBits == 3 ? b.one : lumaLane[2, pBits].eq(m / p))
            // Stage 4 of the luma writes: the write registered beside each lane's block RAM (copies
            // of one register where the lanes' words are equal).
            let we = b.register("s4_luma_write\(m)", width: 1, reset: 0)
            b.set(we, mine)
            luma[m].connect("we", we)
            luma[m].connect("wa", lumaAddress[m])
            luma[m].connect("wd", lumaPixel[j][m / p])
            for c in 0..<2 {
                fullChroma[c].append((mine & s444, b.concat(sBank, sRow[2, 0], lumaWord), sPixels[j][8 * c + 15, 8 * c + 8]))
            }
        }
        // 4:2:x chroma: each column's horizontal sum, then 4:2:2's or 4:2:0's value.
        let evenRow = ~sRow[0]
        let keepPairs = b.name(s3 & s420 & evenRow & ~sLastLine, "keep_pairs")
        // Whether a 4:2:x beat writes its chroma columns (4:2:2, or 4:2:0 but for the even lines that keep
        // pairs), worked out from stage 1's values and staged with them.
        let sReduces = staged("reduces", C.eq(1) | (C.eq(2) & (prow[0] | lastLine)))
        let chromaRow = b.select(s420, sRow[3, 1], sRow[2, 0])
        for c in 0..<2 {
            // Stage 2: the horizontal sums s of the columns the beat completes, and for each lane
            // memory the column landing in it (which one, its word and its parity, the bias).
            func sample(_ pixel: Signal) -> Signal { pixel[8 * c + 15, 8 * c + 8].zeroExtended(to: 10) }
            let last = sample(pixelsBoth[p - 1].s2)
            var sums: [Signal] = []
            if p == 1 {
                sums.append(b.select(xBoth.s2[0], sample(previous) + last, last + last))
            } else {
                for j in 0..<p / 2 { sums.append(sample(pixelsBoth[2 * j].s2) + sample(pixelsBoth[2 * j + 1].s2)) }
            }
            sums += [last + last, last + last]
            let sumsStaged = sums.enumerated().map { j, sum in
                let r = b.register("s3_col_sum\(c)_\(j)", width: 10, reset: nil)
                b.set(r, sum)
                return r
            }
            struct Landing { var enable, word, value, parity: Signal }
            let choiceBits = Module.addressBits(depth: sums.count)
            let landing = (0..<8).map { m -> Landing in
                var enable = b.zero, word = s2Columns[0].column[wordBits + 2, 3], choice = k(0, choiceBits), parity = s2Columns[0].column[0]
                for (j, col) in s2Columns.enumerated().reversed() {
                    let here = col.enable & laneOf(col.column, m)
                    enable = enable | here
                    word = b.select(here, col.column[wordBits + 2, 3], word)
                    choice = b.select(here, k(j, choiceBits), choice)
                    parity = b.select(here, col.column[0], parity)
                }
                func register(_ name: String, _ v: Signal) -> Signal {
                    let r = b.register("s3_\(name)\(c)_\(m)", width: v.width, reset: nil)
                    b.set(r, v)
                    return r
                }
                // Stage 3: the landing column's sum.
                return Landing(enable: register("lands", enable), word: register("lands_word", word),
                               value: b.pick(register("lands_choice", choice), from: sumsStaged), parity: register("lands_parity", parity))
            }
            // The even line's sum: the pair memory's word (read at stage 2, in its block RAM's output
            // register at stage 4, then in the fabric at stage 5), unless one of the two writes before
            // stage 4 went to that word after it was read (a pair write is registered at stage 3 and
            // written a clock later; a read sees the memory as it was before its clock's write). Stage 2
            // finds those writes: stage 3's now, and the one in the write register, written at the
            // read's clock; stage 3 keeps the later that hit.
            let memory = pairRead[c]
            let recent = (0..<8).map { m in (hit: b.register("s3_pair_recent\(c)_\(m)", width: 1, reset: 0),
                                              value: b.register("s3_pair_recent_value\(c)_\(m)", width: 9, reset: nil)) }
            let older = (0..<8).map { m in (hit: b.register("s3_pair_older\(c)_\(m)", width: 1, reset: 0),
                                             value: b.register("s3_pair_older_value\(c)_\(m)", width: 9, reset: nil)) }
            let lastWrite = (0..<8).map { m in (enable: b.register("pair_written\(c)_\(m)", width: 1, reset: 0),
                                                 word: b.register("pair_written_word\(c)_\(m)", width: wordBits, reset: nil),
                                                 value: b.register("pair_written_value\(c)_\(m)", width: 9, reset: nil)) }
            for m in 0..<8 {
                let lands = landing[m]
                let bypass = b.select(recent[m].hit, recent[m].value, older[m].value)
                let writePair = keepPairs & lands.enable
                // The write register's own copy drives the block RAM, placed beside it.
                pairs[c][m].connect("we", b.copies(of: lastWrite[m].enable, count: 1)[0])
                pairs[c][m].connect("wa", b.copies(of: lastWrite[m].word, count: 1)[0])
                pairs[c][m].connect("wd", b.copies(of: lastWrite[m].value, count: 1)[0])
                // Stages 4 to 7 of the chroma writes: the sum s, t = s + 1 + bias, the bypass and what to
                // do with them registered (4), and again beside the pair memory's word (5); the value
                // worked out (6): 4:2:2's (s + bias) >> 1, 4:2:0's (s_even + t) >> 2 or, on an even last
                // line, (s + t) >> 2; the write registered beside its block RAM (7). Neither the adds nor
                // the route to the block RAM share a clock with anything else.
                let reduced = s3 & lands.enable & sReduces, full = fullChroma[c][m]
                func later(_ name: String, _ v: Signal) -> Signal {
                    let r = b.register("\(name)\(c)_\(m)", width: v.width, reset: v.width == 1 ? 0 : nil)
                    b.set(r, v)
                    return r
                }
                // Registered at stage 4 and again at stage 5.
                func twice(_ name: String, _ v: Signal) -> Signal { later("s5_\(name)", later("s4_\(name)", v)) }
                let enable5 = twice("write", reduced | full.enable)
                let word5 = twice("word", b.select(s444, full.word, b.concat(sBank, chromaRow, lands.word)))
                let value5 = twice("value", b.select(s444, full.value.zeroExtended(to: 10), lands.value))
                let bypassed5 = twice("bypassed", recent[m].hit | older[m].hit)
                let bypass5 = twice("bypass", bypass).zeroExtended(to: 10), pair5 = later("s5_pair", memory[m]).zeroExtended(to: 10)
                let bias5 = twice("bias", lands.parity).zeroExtended(to: 10)
                let biased5 = twice("biased", lands.value + 1 + lands.parity.zeroExtended(to: 10))
                // 0 as it is (4:4:4), 1 4:2:2, 2 4:2:0 on an even last line, 3 4:2:0 on an odd line.
                let kind5 = twice("kind", b.select(s444, k(0, 2), b.select(s422, k(1, 2), b.select(evenRow, k(2, 2), k(3, 2)))))
                // (The even line's sum is added both ways, bypass and memory word, and chosen after the adds.)
                let value6 = b.pick(kind5, from: [value5[7, 0], ((value5 + bias5) >> 1)[7, 0], ((value5 + biased5) >> 2)[7, 0],
                                                 b.select(bypassed5, ((biased5 + bypass5) >> 2)[7, 0], ((biased5 + pair5) >> 2)[7, 0])])
                let enable6 = later("s6_write", enable5), word6 = later("s6_word", word5), written6 = later("s6_value", value6)
                chroma[c][m].connect("we", later("s7_write", enable6))
                chroma[c][m].connect("wa", later("s7_word", word6))
                chroma[c][m].connect("wd", later("s7_value", written6))
                b.set(lastWrite[m].enable, writePair)
                b.set(lastWrite[m].word, lands.word)
                b.set(lastWrite[m].value, lands.value[8, 0])
                b.set(recent[m].hit, writePair & lands.word.eq(readWordStaged[m]))
                b.set(recent[m].value, lands.value[8, 0])
                b.set(older[m].hit, lastWrite[m].enable & lastWrite[m].word.eq(readWordStaged[m]))
                b.set(older[m].value, lastWrite[m].value)
            }
        }

        // Bank bookkeeping: complete once its last beat is written.
        // Its chroma mode is kept decoded: 4:2:0, 4:2:x, grey, its luma blocks and its last block.
        struct Bank { var r420, wide, grey, lumaBlocks, lastBlock, lastRow, lastChromaRow, first, last, half, e, chromaLimit, lumaWide, lastMCU: Signal }
        let banks = (0..<2).map { n in
            Bank(r420: b.register("bank\(n)_420", width: 1, reset: 0), wide: b.register("bank\(n)_wide", width: 1, reset: 0),
                 grey: b.register("bank\(n)_grey", width: 1, reset: 0), lumaBlocks: b.register("bank\(n)_luma_per_mcu", width: 3, reset: 0),
                 lastBlock: b.register("bank\(n)_last_block", width: 3, reset: 0), lastRow: b.register("bank\(n)_last_row", width: 4, reset: 0),
                 lastChromaRow: b.register("bank\(n)_last_chroma_row", width: 4, reset: 0),
                 first: b.register("bank\(n)_first", width: 1, reset: 0), last: b.register("bank\(n)_last_column", width: cw, reset: 0),
                 half: b.register("bank\(n)_half", width: cw, reset: 0), e: b.register("bank\(n)_e", width: cw, reset: 0),
                 chromaLimit: b.register("bank\(n)_chroma_limit", width: cw, reset: 0), lumaWide: b.register("bank\(n)_luma_blocks", width: cw, reset: 0),
                 lastMCU: b.register("bank\(n)_last_mcu", width: cw, reset: 0))
        }
        // A bank is full two clocks after its last beat's stage 3. Its last chroma words are written two
        // clocks later (stage 7), and a full bank's first read comes five clocks after it is full (P,
        // A0, A1, A2, then the read), so no read meets a write. Its figures are set at stage 3 (the reader
        // reads them only when it is full).
        let done = [b.register("bank_done4", width: 1, reset: 0), b.register("bank_done5", width: 1, reset: 0)]
        let doneBank = [b.register("bank_done4_bank", width: 1, reset: 0), b.register("bank_done5_bank", width: 1, reset: 0)]
        b.set(done[0], s3 & sBankEnd); b.set(doneBank[0], sBank)
        b.set(done[1], done[0]); b.set(doneBank[1], doneBank[0])
        b.when(done[1]) { b.set(full, bit: doneBank[1], to: b.one) }
        b.when(s3 & sBankEnd) {
            for (n, bank) in banks.enumerated() {
                b.when(sBank.eq(n)) {
                    let lumaBlocks = b.select(s420, k(4, 3), b.select(s422, k(2, 3), k(1, 3)))
                    b.set(bank.r420, s420); b.set(bank.wide, s420 | s422); b.set(bank.grey, sC.eq(3))
                    b.set(bank.lumaBlocks, lumaBlocks); b.set(bank.lastBlock, b.select(sC.eq(3), k(0, 3), lumaBlocks + 1))
                    b.set(bank.lastRow, sRow); b.set(bank.lastChromaRow, b.select(s420, sRow >> 1, sRow))
                    b.set(bank.first, sFirst); b.set(bank.last, sLast); b.set(bank.half, sHalf)
                    b.set(bank.lumaWide, sLumaWide); b.set(bank.lastMCU, sLastMCU)
                    b.set(bank.e, sE); b.set(bank.chromaLimit, sChromaLimit)
                }
            }
        }

        // ---- Reader: MCU order over the bank that is full, in stages that move every clock: P the
        // row's block, A0 the block row's place, A1 and A2 the read addresses, B and C the block RAMs'
        // read and output registers, D the words registered in the fabric (a block RAM sits far from
        // the lanes' picks), E each lane's pick, into a queue before the output register. Nothing
        // stalls the stages: a row is issued only against a credit, one for each place in the queue,
        // given back when a row leaves, so m_axis_tready reaches the queue and the output register
        // alone.
        let rdBank = b.register("rd_bank", width: 1, reset: 0)
        let mx = b.register("mcu", width: cw, reset: 0)
        let blk = b.register("block", width: 3, reset: 0)
        let line = b.register("line", width: 3, reset: 0)
        let available = b.pick(rdBank, from: [full[0], full[1]])
        func field(_ field: KeyPath<Bank, Signal>, of n: Signal) -> Signal { b.pick(n, from: banks.map { $0[keyPath: field] }) }

        let queue = b.creditedQueue("out", depth: Self.queueDepth)
        let issue = b.name(available & queue.credit, "issue")
        func stage(_ name: String, _ value: Signal) -> Signal { b.registered(name, value, reset: name.hasSuffix("valid") ? 0 : nil) }
        // P: the row issued, by its counters: luma or which chroma, the block's offsets in the MCU, its
        // column of blocks bx, and the last column its lanes may read (W − 1; e = ⌊W/2⌋ + 1 for 4:2:x
        // chroma).
        let lumaBlocks = field(\.lumaBlocks, of: rdBank), wide = field(\.wide, of: rdBank)
        // Whether the block is luma, a register kept with blk: at a block's end it becomes 1 for the next
        // MCU, else whether blk + 1 is luma (registered a clock behind blk, read eight issues later).
        let isLuma = b.register("luma_now", width: 1, reset: 1)
        let nextIsLuma = stage("next_is_luma", (blk + 1).lt(lumaBlocks))
        let pValid = stage("p_valid", issue), pBank = stage("p_bank", rdBank), pLuma = stage("p_luma", isLuma), pWide = stage("p_wide", wide)
        let pComponent = stage("p_component", b.select(isLuma, k(0, 2), (blk - lumaBlocks + 1)[1, 0]))
        let dx = wide & blk[0]
        let pDy = stage("p_dy", field(\.r420, of: rdBank) & blk[1])
        let pBx = stage("p_bx", b.select(isLuma & wide, (mx << 1) | dx.zeroExtended(to: cw), mx)), pLine = stage("p_line", line)
        let pLimit = stage("p_limit", b.select(isLuma, field(\.last, of: rdBank), field(\.chromaLimit, of: rdBank)))
        let pFirstOfFrame = stage("p_first_of_frame", field(\.first, of: rdBank) & mx.eq(0) & blk.eq(0))
        // A0: the block row's place, where its lanes meet the limit, and whether it is a dummy block
        // (a luma block right of the frame's blocks, or below its rows).
        // The bank's figures A0 needs, registered at P (a pick by P's bank would sit before A0's compares).
        func bank(_ f: KeyPath<Bank, Signal>, _ name: String) -> Signal { stage("p_bank_\(name)", field(f, of: rdBank)) }
        let blockRow = b.select(pLuma, b.concat(pDy, pLine), pLine.zeroExtended(to: 4))
        let lastRowHere = stage("p_last_row_here", b.select(isLuma, field(\.lastRow, of: rdBank), field(\.lastChromaRow, of: rdBank).zeroExtended(to: 4)))
        let limitWord = pLimit >> 3
        let a0Valid = stage("a0_valid", pValid), a0Bank = stage("a0_bank", pBank), a0Component = stage("a0_component", pComponent)
        let a0Word = stage("a0_word", pBx[wordBits - 1, 0]), a0Row = stage("a0_row", minimum(blockRow, lastRowHere))
        let a0Below = stage("a0_below", pBx.lt(limitWord)), a0At = stage("a0_at", pBx.eq(limitWord))
        // Past the limit a lane replicates an edge column: W − 1, or for 4:2:x chroma the column of e
        // or e − 1 with its parity.
        let a0Parity = stage("a0_parity", ~pLuma & pWide), a0LimitLow = stage("a0_limit_low", pLimit[2, 0])
        let a0E = stage("a0_e", bank(\.e, "e")[wordBits + 2, 0]), a0Half = stage("a0_half", bank(\.half, "half")[wordBits + 2, 0])
        let a0Last = stage("a0_last_column", bank(\.last, "last")[wordBits + 2, 0])
        let a0Dummy = stage("a0_dummy_right", pLuma & pBx.ge(bank(\.lumaWide, "luma_wide")))
        let a0Below0 = stage("a0_dummy_below", pLuma & pDy & ~stage("p_bank_last_row3", field(\.lastRow, of: rdBank)[3]))
        let a0Flags = stage("a0_flags", b.concat(pLine.eq(0), ~pLuma, pFirstOfFrame))
        let a0User = b.select(a0Flags[2], b.concat(a0Dummy | a0Below0, a0Flags[1, 0]), k(0, 3))
        let a0LastBeat = stage("a0_last", pLine.eq(7))
        // A1: memory m reads the word of the column that lives in it; lane m picks memory m, or past
        // the limit the edge column: W − 1, or e − ((column − e) & 1), the one of its parity. The
        // address is registered (A1), then again (A2) in a copy for each of the 24 memories, beside it.
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
            // {bank, row (4 bits), word}; chroma's rows are 3 bits.
            let address = b.copies(of: stage("a2_address\(m)", stage("a1_address\(m)", b.concat(a0Bank, a0Row, word))), count: 3)
            luma[m].connect("re", b.one)
            luma[m].connect("ra", address[0])
            lumaRead.append(luma[m].output("rd"))
            for c in 0..<2 {
                let a = address[1 + c]
                chroma[c][m].connect("re", b.one)
                chroma[c][m].connect("ra", b.concat(a[wordBits + 4], a[wordBits + 2, 0]))
                chromaRead[c].append(chroma[c][m].output("rd"))
            }
        }
        // What goes with a row to its pick: valid, component, each lane's choice, tuser and tlast, from
        // A1 through A2, B (the words in the block RAMs' read registers), C (their output registers) and
        // D (the words registered in the fabric).
        func carried(_ name: String, _ value: Signal) -> Signal {
            ["a1", "a2", "b", "c", "d"].reduce(value) { v, s in stage("\(s)_\(name)", v) }
        }
        let dValid = carried("valid", a0Valid), dComponent = carried("component", a0Component)
        let dSelect = select.enumerated().map { carried("select\($0)", $1) }
        let dUser = carried("user", a0User), dLast = carried("last", a0LastBeat)
        let dWords = [lumaRead, chromaRead[0], chromaRead[1]].enumerated().map { c, reads in
            reads.enumerated().map { m, read in stage("d_word\(c)_\(m)", read) }
        }
        // D: each lane's pick of the eight words of each component; E: the component's, written to the
        // queue (lane 0 lowest; {tlast, tuser} beside). The output register takes the queue's head
        // when it is empty or taken.
        let eWords = dWords.enumerated().map { c, words in (0..<8).map { l in stage("e_lane\(c)_\(l)", b.pick(dSelect[l], from: words)) } }
        let eValid = stage("e_valid", dValid), eComponent = stage("e_component", dComponent)
        let eUser = stage("e_user", dUser), eLast = stage("e_last", dLast)
        let lanes = (0..<8).map { l in b.pick(eComponent, from: eWords.map { $0[l] }) }
        _ = queue.drain(issue: issue, arriving: eValid, fields: lanes + [eUser, eLast]) { valid, fields in
            b.outputChannel(valid: ("m_axis_tvalid", valid), ready: "m_axis_tready",
                            fields: [("m_axis_tdata", Array(fields[0..<8])), ("m_axis_tuser", [fields[8]]), ("m_axis_tlast", [fields[9]])]).ready
        }
        // The counters: line of the block, block of the MCU, MCU of the row, then the other bank. Whether
        // the block and the MCU are the last is registered a clock behind its counter: it is read only at
        // a block's last row, eight issues at least after the counter last moved, and the bank's figures
        // are set two clocks at least before it is full.
        let blockIsLast = stage("block_is_last", blk.eq(field(\.lastBlock, of: rdBank)))
        let mcuIsLast = stage("mcu_is_last", mx.eq(field(\.lastMCU, of: rdBank)))
        let endOfBlock = line.eq(7), endOfMCU = endOfBlock & blockIsLast, endOfBank = endOfMCU & mcuIsLast
        b.when(issue) {
            b.set(line, line + 1)
            b.when(endOfBlock) { b.set(blk, b.select(endOfMCU, k(0, 3), blk + 1)); b.set(isLuma, endOfMCU | nextIsLuma) }
            b.when(endOfMCU) { b.set(mx, b.select(endOfBank, k(0, cw), mx + 1)) }
            b.when(endOfBank) {
                b.set(rdBank, ~rdBank)
                b.set(full, bit: rdBank, to: b.zero)
            }
        }
        return try b.build()
    }
}
