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
/// on the block's 8th beat. The read side is a two-stage pipeline (addresses, then the lane select)
/// into an output register, stalled as a whole, so tready on either side depends on state and the
/// other side's ready only.
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
    static let coordinateBits = 16

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
        func lanes(_ name: String, rows: Int, width: Int) -> Lanes {
            Lanes(memories: (0..<8).map { b.memory("\(name)\($0)", depth: rows * words, width: width, readLatency: 1) })
        }
        let luma = lanes("y_lane", rows: 32, width: 8)
        let chroma = [lanes("cb_lane", rows: 16, width: 8), lanes("cr_lane", rows: 16, width: 8)]
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
        let error = b.register("error", width: 1, reset: 0)
        b.output("frame_error", error)

        let input = b.inputChannel(valid: "s_axis_tvalid", ready: ("s_axis_tready", ~b.pick(wrBank, from: [full[0], full[1]])),
                                   fields: [.init("s_axis_tdata", width: 24, count: p), .init("s_axis_tuser", width: 1),
                                            .init("s_axis_tlast", width: 1)])
        let sof = input["s_axis_tuser"], tlast = input["s_axis_tlast"]
        let W = b.select(sof, widthIn, frameW), H = b.select(sof, heightIn, frameH), C = b.select(sof, chromaIn, frameC)
        let px = b.select(sof, k(0, cw), x), py = b.select(sof, k(0, cw), y), prow = b.select(sof, k(0, 4), row)
        let shapeFits = b.name(W.ne(0) & W.le(k(maxWidth, cw)) & H.ne(0) & (p == 1 ? b.one : W[pBits - 1, 0].eq(0)), "shape_fits")
        let inFrame = b.select(sof, shapeFits, ~awaiting)
        let lineEnd = b.name((px + p).eq(W), "line_end")
        let good = b.name(inFrame & tlast.eq(lineEnd), "beat_good")
        let lastLine = py.eq(H - 1), frameEnd = lineEnd & lastLine
        let lastRowOfBank = b.select(C.eq(2), prow.eq(15), prow.eq(7))
        let bankEnd = b.name(lineEnd & (frameEnd | lastRowOfBank), "bank_end")

        b.when(input.fire) {
            b.when(sof) {
                b.set(frameW, widthIn); b.set(frameH, heightIn); b.set(frameC, chromaIn)
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
                b.when(bankEnd) { b.set(wrBank, ~wrBank); b.set(firstRow, b.zero) }
            }
        }

        // 4:2:x chroma columns a beat completes: its pairs, and at the line's end ⌊W/2⌋ and ⌊W/2⌋ + 1.
        let half = W >> 1
        var columns: [(enable: Signal, column: Signal)] = []
        if p == 1 {
            columns.append((px[0] | lineEnd, px >> 1))
        } else {
            for j in 0..<p / 2 { columns.append((b.one, (px >> 1) + j)) }
        }
        columns.append((lineEnd, half))
        columns.append((lineEnd, half + 1))

        // Stage 2 (every clock): the beat taken, and what its writes need.
        let s2 = b.register("s2_valid", width: 1, reset: 0)
        b.set(s2, input.fire & good)
        func staged(_ name: String, _ value: Signal) -> Signal {
            let r = b.register("s2_\(name)", width: value.width, reset: nil)
            b.set(r, value)
            return r
        }
        let sPixels = input.elements("s_axis_tdata").enumerated().map { staged("pixel\($0)", $1) }
        let sX = staged("x", px), sRow = staged("row", prow), sBank = staged("bank", wrBank)
        let sLastLine = staged("last_line", lastLine)
        let sBankEnd = staged("bank_end", bankEnd), sFirst = staged("first", sof | firstRow)
        let sW = staged("w", W), sC = staged("c", C)
        let sColumns = columns.enumerated().map { j, c in (enable: staged("col\(j)_en", c.enable), column: staged("col\(j)", c.column)) }

        // The pair memories' reads, issued with the beat: lane m reads the word of the column that
        // lands in it (columns of one beat are consecutive, so at most one does).
        func laneOf(_ column: Signal, _ m: Int) -> Signal { column[2, 0].eq(m) }
        func landingWord(_ m: Int) -> Signal {
            columns.reversed().reduce(columns[0].column[wordBits + 2, 3]) { word, c in
                b.select(c.enable & laneOf(c.column, m), c.column[wordBits + 2, 3], word)
            }
        }
        let readWord = (0..<8).map(landingWord)
        let pairRead = pairs.map { lanes in (0..<8).map { m in b.read(lanes.memories[m], at: readWord[m], enable: input.fire) } }

        // Stage 2's writes.
        let previous = b.register("s2_previous", width: 24, reset: nil)
        b.when(s2) { b.set(previous, sPixels[p - 1]) }
        let s420 = sC.eq(2), s422 = sC.eq(1), s444 = sC.eq(0)
        // Luma and 4:4:4 chroma: pixel j goes to lane (x + j) mod 8.
        let lumaWord = sX[wordBits + 2, 3], lumaLane = sX[2, 0]
        for m in 0..<8 {
            let j = m % p
            let mine = s2 & (pBits == 3 ? b.one : lumaLane[2, pBits].eq(m / p))
            b.when(mine) {
                b.write(luma.memories[m], at: b.concat(sBank, sRow, lumaWord), sPixels[j][7, 0])
                b.when(s444) {
                    for (c, lanes) in chroma.enumerated() {
                        b.write(lanes.memories[m], at: b.concat(sBank, sRow[2, 0], lumaWord), sPixels[j][8 * c + 15, 8 * c + 8])
                    }
                }
            }
        }
        // 4:2:x chroma: each column's horizontal sum, then 4:2:2's or 4:2:0's value.
        let evenRow = ~sRow[0]
        let keepPairs = b.name(s2 & s420 & evenRow & ~sLastLine, "keep_pairs")
        let chromaRow = b.select(s420, sRow[3, 1], sRow[2, 0])
        for c in 0..<2 {
            func sample(_ pixel: Signal) -> Signal { pixel[8 * c + 15, 8 * c + 8].zeroExtended(to: 10) }
            let last = sample(sPixels[p - 1])
            var sums: [Signal] = []
            if p == 1 {
                sums.append(b.select(sX[0], sample(previous) + last, last + last))
            } else {
                for j in 0..<p / 2 { sums.append(sample(sPixels[2 * j]) + sample(sPixels[2 * j + 1])) }
            }
            sums += [last + last, last + last]
            // The even line's sums, from the pair memory or from the write it met.
            let hits = (0..<8).map { b.register("pair_bypass\(c)_\($0)", width: 1, reset: 0) }
            let held = (0..<8).map { b.register("pair_held\(c)_\($0)", width: 9, reset: nil) }
            let stored = (0..<8).map { m in b.select(hits[m], held[m], pairRead[c][m]).zeroExtended(to: 10) }
            for m in 0..<8 {
                var enable = b.zero, word = sColumns[0].column[wordBits + 2, 3], value = sums[0], parity = sColumns[0].column[0]
                for (j, col) in sColumns.enumerated().reversed() {
                    let here = col.enable & laneOf(col.column, m)
                    enable = enable | here
                    word = b.select(here, col.column[wordBits + 2, 3], word)
                    value = b.select(here, sums[j], value)
                    parity = b.select(here, col.column[0], parity)
                }
                let reduced422 = (value + parity.zeroExtended(to: 10)) >> 1
                let total = b.select(evenRow, value + value, value + stored[m])
                let reduced420 = (total + 1 + parity.zeroExtended(to: 10)) >> 2
                let writePair = keepPairs & enable
                b.when(writePair) { b.write(pairs[c].memories[m], at: word, value[8, 0]) }
                b.when(s2 & enable & (s422 | (s420 & ~keepPairs))) {
                    b.write(chroma[c].memories[m], at: b.concat(sBank, chromaRow, word),
                            b.select(s422, reduced422, reduced420)[7, 0])
                }
                // A read issued now of the word written now gets the old word: keep the new one.
                b.when(input.fire) {
                    b.set(hits[m], writePair & readWord[m].eq(word))
                    b.set(held[m], value[8, 0])
                }
            }
        }

        // Bank bookkeeping: complete once its last beat is written.
        let metaW = (0..<2).map { b.register("bank\($0)_w", width: cw, reset: 0) }
        let metaC = (0..<2).map { b.register("bank\($0)_c", width: 2, reset: 0) }
        let metaRows = (0..<2).map { b.register("bank\($0)_rows", width: 5, reset: 0) }
        let metaFirst = (0..<2).map { b.register("bank\($0)_first", width: 1, reset: 0) }
        b.when(s2 & sBankEnd) {
            b.set(full, bit: sBank, to: b.one)
            for n in 0..<2 {
                b.when(sBank.eq(n)) {
                    b.set(metaW[n], sW); b.set(metaC[n], sC)
                    b.set(metaRows[n], sRow.zeroExtended(to: 5) + 1); b.set(metaFirst[n], sFirst)
                }
            }
        }

        // ---- Reader: MCU order over the bank that is full.
        let rdBank = b.register("rd_bank", width: 1, reset: 0)
        let mx = b.register("mcu", width: cw, reset: 0)
        let blk = b.register("block", width: 3, reset: 0)
        let line = b.register("line", width: 3, reset: 0)
        let rW = b.pick(rdBank, from: metaW), rC = b.pick(rdBank, from: metaC)
        let rRows = b.pick(rdBank, from: metaRows), rFirst = b.pick(rdBank, from: metaFirst)
        let available = b.pick(rdBank, from: [full[0], full[1]])
        let r420 = rC.eq(2), r422 = rC.eq(1), grey = rC.eq(3), wide = r420 | r422
        let lumaBlocks = b.select(r420, k(4, 3), b.select(r422, k(2, 3), k(1, 3)))
        let lastBlock = b.select(grey, k(0, 3), lumaBlocks + 1)
        let lastMCU = b.select(wide, (rW - 1) >> 4, (rW - 1) >> 3)
        let isLuma = blk.lt(lumaBlocks)
        let component = b.select(isLuma, k(0, 2), (blk - lumaBlocks + 1)[1, 0])
        let dx = wide & blk[0], dy = r420 & blk[1]
        let bx = b.select(isLuma & wide, (mx << 1) | dx.zeroExtended(to: cw), mx)
        let blockRow = b.select(isLuma, b.concat(dy, line), line.zeroExtended(to: 4))
        let rowsHere = b.select(~isLuma & r420, (rRows + 1) >> 1, rRows)
        let readRow = minimum(blockRow.zeroExtended(to: 5), rowsHere - 1)[3, 0]
        let parityEdge = ~isLuma & wide
        let e = (rW >> 1) + 1, lastColumn = rW - 1
        let limit = b.select(parityEdge, e, lastColumn)
        let dummy = isLuma & (((bx << 3).ge(rW)) | (b.concat(dy, k(0, 3)).zeroExtended(to: 5).ge(rRows)))


        // Stage A (the reads): lane m of the block row is column 8·bx + m, or the edge column it
        // replicates; memory m reads the word of the column that lives in it.
        let outValid = b.register("out_valid", width: 1, reset: 0)
        let outData = (0..<8).map { b.register("out_lane\($0)", width: 8, reset: nil) }
        let outUser = b.register("out_user", width: 3, reset: nil), outLast = b.register("out_last", width: 1, reset: nil)
        let out = b.outputChannel(valid: ("m_axis_tvalid", outValid), ready: "m_axis_tready",
                                  fields: [("m_axis_tdata", outData), ("m_axis_tuser", [outUser]), ("m_axis_tlast", [outLast])])
        let advance = b.name(~outValid | out.ready, "advance")
        let issue = b.name(available & advance, "issue")
        var select: [Signal] = []
        var lumaRead: [Signal] = [], chromaRead: [[Signal]] = [[], []]
        for m in 0..<8 {
            let column = (bx << 3) + m
            let real = column.le(limit)
            let replica = b.select(parityEdge, b.select(e[2, 0].eq(m), e, e - 1), lastColumn)
            let word = b.select(real, bx, replica >> 3)[wordBits - 1, 0]
            let edge = b.select(parityEdge, e - (column - e)[0].zeroExtended(to: cw), lastColumn)
            select.append(b.select(real, column, edge)[2, 0])
            lumaRead.append(b.read(luma.memories[m], at: b.concat(rdBank, readRow, word), enable: advance))
            for c in 0..<2 { chromaRead[c].append(b.read(chroma[c].memories[m], at: b.concat(rdBank, readRow[2, 0], word), enable: advance)) }
        }
        // Stage B: the words read, and each lane's pick among them.
        let bValid = b.register("b_valid", width: 1, reset: 0)
        let bSelect = (0..<8).map { b.register("b_select\($0)", width: 3, reset: nil) }
        let bComponent = b.register("b_component", width: 2, reset: nil)
        let bUser = b.register("b_user", width: 3, reset: nil), bLast = b.register("b_last", width: 1, reset: nil)
        let firstBeat = line.eq(0)
        let user = b.select(firstBeat, b.concat(dummy, ~isLuma, rFirst & mx.eq(0) & blk.eq(0)), k(0, 3))
        b.when(advance) {
            b.set(outValid, bValid)
            for l in 0..<8 {
                let words = [lumaRead, chromaRead[0], chromaRead[1]].map { b.pick(bSelect[l], from: $0) }
                b.set(outData[l], b.pick(bComponent, from: words))
            }
            b.set(outUser, bUser)
            b.set(outLast, bLast)
            b.set(bValid, issue)
            for l in 0..<8 { b.set(bSelect[l], select[l]) }
            b.set(bComponent, component)
            b.set(bUser, user)
            b.set(bLast, line.eq(7))
        }
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
