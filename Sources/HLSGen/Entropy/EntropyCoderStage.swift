import Golden
import Hardware
import JPEG

/// The encoder's last stage, `fxc_entropy_coder`: quantized blocks in (a row of 8 coefficients a beat,
/// natural order, tuser {dummy, table, start of frame}), a JFIF file out, a byte a beat. One frame's
/// numbers (size, chroma, restart interval) come on the frame channel before its blocks; the DQT
/// segments' steps are in a memory written through `dqt_*` (reset: the design's tables); the Huffman
/// tables (the code memory and the DHT segments' bytes) are written through `ht_*` (power-on: Annex K's).
///
///   header    the header program (`HeaderProgram`) plays the frame's header, a byte a clock;
///   buffer    two block buffers (8 LUT-RAM lanes of 2 × 8 rows), a block written a row a clock from
///             the input registers, and beside each a mask of its non-zero coefficients in zigzag order;
///   issue     one item a clock while the queue has credit: a block's DC, each non-zero AC after a
///             ZRL per 16 zeros (the next position from the mask: its lowest set bit), EOB unless
///             position 63 was coded; after an MCU that ends a restart interval, RSTn; after the
///             frame's last MCU, EOI. A dummy block is DC difference 0 and EOB;
///   value     the coefficient at the item's position; a DC's difference from its component's
///             predictor (0 after RSTn and at a frame's start; a dummy block leaves it alone);
///   category  size s = bit length of |v|, extra bits v (v ≥ 0) or v − 1 (v < 0) in s bits (T.81 F.1.2);
///   code      the Huffman code and length from the code memory (a block RAM, two clocks: 4 tables of
///             256 words, code << 5 | length: DC luma, DC chroma, AC luma, AC chroma), code << s | bits;
///             a symbol whose length is 0 (not in the loaded table) sets `code_missing`;
///   queue     a credited queue, so nothing before it ever stalls; each symbol goes in already shifted
///             by the bits before it in its byte (which follow from the symbols' lengths alone);
///   packer    a 64-bit accumulator, most significant bit first, a symbol placed by whole bytes; a byte
///             out a clock, 00 after each FF (T.81 F.1.2.3); before a marker, 1-bits to the byte
///             boundary, then FF Dn.
public struct EntropyCoderStage: Sendable {
    public static let name = "fxc_entropy_coder"
    /// Bits of a frame's width, height and restart interval (a JPEG frame's 16).
    public static let numberBits = 16
    public static let queueDepth = 16

    public let coefficientBits: Int
    /// The DQT memory's reset contents: luma and chroma tables (entries 1…255).
    public let tables: [QuantTable]
    public let dc: [HuffmanSpec], ac: [HuffmanSpec]

    public init(coefficientBits: Int, tables: [QuantTable]) {
        precondition(coefficientBits >= 12, "coefficients of at least 12 bits (an 8-bit JPEG's DC and AC ranges)")
        self.coefficientBits = coefficientBits
        self.tables = tables.count == 1 ? [tables[0], tables[0]] : Array(tables.prefix(2))
        dc = [.luminanceDC, .chrominanceDC]
        ac = [.luminanceAC, .chrominanceAC]
    }

    // MARK: the Huffman table port
    // `ht_we`, `ht_addr`, `ht_data`, a word a clock, between frames (a table is not read while written):
    //   0x000 + t · 256 + symbol   the code memory: the code left-justified in 16 bits << 5 | its length
    //                              (0: the symbol has no code)
    //   0x800 + t · 512 + k        the DHT memory: byte k of table t's DHT segment after its marker
    //                              (length, Tc << 4 | Th, BITS, HUFFVAL)
    // t = Tc · 2 + Th: DC luma, DC chroma, AC luma, AC chroma.
    public static let tableAddressBits = 12, tableDataBits = 21
    public static let dhtBase = 0x800, regionBytes = 512

    /// Table t of a DHT segment's Tc << 4 | Th.
    public static func region(table: Int) -> Int { (table >> 4) * 2 + (table & 15) }

    public struct TableWrite: Sendable, Hashable {
        public var address: Int, data: UInt64
    }

    /// The writes that load `dc` and `ac` (a spec per slot: 1 or 2): each table's 256 code words and
    /// its DHT segment's bytes.
    public static func tableWrites(dc: [HuffmanSpec], ac: [HuffmanSpec]) throws(HuffmanSpecError) -> [TableWrite] {
        precondition((1...2).contains(dc.count) && dc.count == ac.count, "one or two Huffman table slots")
        var writes: [TableWrite] = []
        for (isAC, specs) in [(false, dc), (true, ac)] {
            for (slot, spec) in specs.enumerated() {
                let index = (isAC ? 0x10 : 0) | slot, t = region(table: index)
                writes += try codeWords(spec, isDC: !isAC).enumerated().map { TableWrite(address: 256 * t + $0, data: $1) }
                writes += FrameHeader.huffmanSegment(index: index, spec).enumerated().map {
                    TableWrite(address: dhtBase + regionBytes * t + $0, data: UInt64($1))
                }
            }
        }
        return writes
    }

    /// A table's 256 code-memory words.
    static func codeWords(_ spec: HuffmanSpec, isDC: Bool) throws(HuffmanSpecError) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: 256)
        for c in try spec.codes(isDC: isDC) { words[Int(c.symbol)] = UInt64(c.code << (16 - c.length)) << 5 | UInt64(c.length) }
        return words
    }

    /// The power-on contents of the code memory and the DHT memory: the writes of `dc` and `ac`.
    var tableContents: (codes: [UInt64], dht: [UInt64]) {
        var codes = [UInt64](repeating: 0, count: 1024), dht = [UInt64](repeating: 0, count: 4 * Self.regionBytes)
        for w in try! Self.tableWrites(dc: dc, ac: ac) {
            if w.address >= Self.dhtBase { dht[w.address - Self.dhtBase] = w.data } else { codes[w.address] = w.data }
        }
        return (codes, dht)
    }

    /// The DQT memory's reset words: slot · 64 + zigzag position.
    var quantWords: [UInt64] {
        tables.flatMap { table in Zigzag.natural.map { UInt64(min(255, table.values[$0])) } }
    }

    /// Item kinds on their way to the packer.
    enum Kind: Int { case dc = 0, ac, endOfBlock, zeroRun, restart, endOfImage }

    public func module() throws -> Module {
        let b = ModuleBuilder(Self.name, summary: "Quantized 8x8 blocks in (a row a beat, natural order, tuser {dummy, table, start of frame}), a baseline JFIF file out a byte a beat (Annex K Huffman tables); the frame's size, chroma and restart interval on the frame channel first.")
        let cw = coefficientBits, nb = Self.numberBits

        // MARK: frame numbers and the header
        // The state, one-hot: idle (waiting for a frame's numbers), header, scan, ending (EOI on its way out).
        let inIdle = b.register("in_idle", width: 1, reset: 1), inHeader = b.register("in_header", width: 1, reset: 0)
        let inScan = b.register("in_scan", width: 1, reset: 0), inEnding = b.register("in_ending", width: 1, reset: 0)
        let states = [inIdle, inHeader, inScan, inEnding]
        func enter(_ next: Int) { for (k, s) in states.enumerated() { b.set(s, k == next ? b.one : b.zero) } }
        let frame = b.inputChannel(valid: "frame_valid", ready: ("frame_ready", inIdle),
                                   fields: [.init("frame_width", width: nb), .init("frame_height", width: nb),
                                            .init("frame_chroma", width: 2), .init("frame_restart", width: nb)])
        let width = b.register("width", width: nb, reset: 0), height = b.register("height", width: nb, reset: 0)
        let restart = b.register("restart", width: nb, reset: 0)
        // The interval's last MCU (restart − 1) and whether there are intervals, from the frame's numbers.
        let restartLast = b.register("restart_last", width: nb, reset: 0), restarting = b.register("restarting", width: 1, reset: 0)
        let lastColumn = b.register("last_column", width: nb, reset: 0), lastRow = b.register("last_row", width: nb, reset: 0)
        let lumaBlocks = b.register("luma_blocks", width: 3, reset: 1), lastBlock = b.register("last_block", width: 3, reset: 0)
        let sampling = b.register("luma_sampling", width: 8, reset: 0x11)
        let program = HeaderProgram(dc: dc, ac: ac)
        let contents = tableContents
        // The program as a tree of selects on constants, so synthesis makes it logic (a memory would go to
        // block RAM, whose word comes 5.6 ns after the edge on ECP5).
        let pcBits = Module.addressBits(depth: program.words.count)
        let pc = b.register("header_pc", width: pcBits, reset: 0)
        let headerKind = b.register("header_kind", width: 2, reset: 0)
        do {
            // chroma 0 4:4:4, 1 4:2:2, 2 4:2:0, 3 grey: MCU (8·h) × (8·v) pixels, h·v luma blocks.
            let chroma = frame["frame_chroma"]
            let wide = chroma.eq(1) | chroma.eq(2), tall = chroma.eq(2), grey = chroma.eq(3)
            // The scan's numbers are worked out from the registered ones, a clock after they are taken
            // (the header comes first).
            let wideNow = b.register("frame_wide", width: 1, reset: 0), tallNow = b.register("frame_tall", width: 1, reset: 0)
            b.set(restartLast, restart - 1); b.set(restarting, restart.ne(0))
            b.set(lastColumn, b.select(wideNow, (width - 1) >> 4, (width - 1) >> 3))
            b.set(lastRow, b.select(tallNow, (height - 1) >> 4, (height - 1) >> 3))
            b.when(frame.fire) {
                b.set(width, frame["frame_width"]); b.set(height, frame["frame_height"]); b.set(restart, frame["frame_restart"])
                b.set(wideNow, wide); b.set(tallNow, tall)
                let luma = b.select(tall, b.constant(4, width: 3), b.select(wide, b.constant(2, width: 3), b.constant(1, width: 3)))
                b.set(lumaBlocks, luma)
                b.set(lastBlock, b.select(grey, b.constant(0, width: 3), luma + 1))
                b.set(sampling, b.concat(b.constant(0, width: 2), wide, ~wide, b.constant(0, width: 2), tall, ~tall))
                b.set(pc, b.constant(0, width: pcBits))
                b.set(headerKind, b.concat(~grey, frame["frame_restart"].ne(0)))
                enter(1)
            }
        }

        // MARK: the block buffers
        let rowIn = b.register("row_in", width: 3, reset: 0), writeBank = b.register("write_bank", width: 1, reset: 0)
        let full = (0..<2).map { b.register("full\($0)", width: 1, reset: 0) }
        let masks = (0..<2).map { b.register("mask\($0)", width: 64, reset: nil) }
        let dummies = (0..<2).map { b.register("dummy\($0)", width: 1, reset: nil) }
        let lanes = (0..<8).map { b.memory("block_lane\($0)", depth: 16, width: cw, readLatency: 0) }
        // A row is taken into the input registers (with its non-zero flags) and written from them a clock
        // later; its bank and row are counted as it is taken, so the ready looks at the bank it goes to.
        let takeBank = b.register("take_bank", width: 1, reset: 0), takeRow = b.register("take_row", width: 3, reset: 0)
        let input = b.inputChannel(valid: "s_axis_tvalid", ready: ("s_axis_tready", ~b.select(takeBank, full[1], full[0])),
                                   fields: [.init("s_axis_tdata", width: cw, count: 8), .init("s_axis_tuser", width: 3), .init("s_axis_tlast", width: 1)])
        b.when(input.fire) {
            b.set(takeRow, takeRow + 1)
            b.when(takeRow.eq(7)) { b.set(takeBank, ~takeBank) }
        }
        let inValid = b.registered("in_valid", input.fire, reset: 0)
        let offered = input.elements("s_axis_tdata")
        let row = offered.enumerated().map { b.registered("in_row\($0)", $1) }
        let nonzero = offered.enumerated().map { b.registered("in_nonzero\($0)", $1.anySet) }
        let inDummy = b.registered("in_dummy", input["s_axis_tuser"][2])
        do {
            // The row's non-zero bits at their zigzag positions.
            var placed: [Signal] = []
            for r in 0..<8 {
                var bits = [Signal](repeating: b.zero, count: 64)
                for c in 0..<8 { bits[Zigzag.position[8 * r + c]] = nonzero[c] }
                placed.append(b.concat(bits.reversed()))
            }
            // Each bank's mask reads its own copy of the row counter (each copy drives 64 bits).
            let rowCopies = b.copies(of: rowIn, count: 2)
            b.when(inValid) {
                for (k, lane) in lanes.enumerated() { b.write(lane, at: b.concat(writeBank, rowIn), row[k]) }
                for bank in 0..<2 {
                    b.when(writeBank.eq(bank)) {
                        let at = rowCopies[bank], rowBits = b.pick(at, from: placed)
                        b.set(masks[bank], b.select(at.eq(0), rowBits, masks[bank] | rowBits))
                        b.when(rowIn.eq(0)) { b.set(dummies[bank], inDummy) }
                        b.when(rowIn.eq(7)) { b.set(full[bank], b.one) }
                    }
                }
                b.set(rowIn, rowIn + 1)
                b.when(rowIn.eq(7)) { b.set(writeBank, ~writeBank) }
            }
        }

        // MARK: positions (X1, E, X2)
        // X1 walks a full bank's mask: its DC; each non-zero AC as a one-hot of the lowest bit left
        // (remaining & (remaining − 1) clears it); then the block's end. E turns the one-hot into its
        // position k; X2 works out the zeros since the last non-zero (run, mod 16) and the ZRLs due before
        // it (run / 16), and marks whether an EOB is due at the end (unless position 63 was coded).
        let queue = b.creditedQueue("symbols", depth: Self.queueDepth)
        let x1Bank = b.register("x1_bank", width: 1, reset: 0), x1Walking = b.register("x1_walking", width: 1, reset: 0)
        // The mask's bits not yet walked, in two halves (low: positions 0–31), each with a carry chain of 32.
        let remainingLow = b.register("remaining_low", width: 32, reset: 0), remainingHigh = b.register("remaining_high", width: 32, reset: 0)
        let x1Valid = b.register("x1_valid", width: 1, reset: 0), x1Type = b.register("x1_type", width: 2, reset: nil)  // 0 DC, 1 AC, 2 end
        let x1Onehot = b.register("x1_onehot", width: 64, reset: nil), x1Dummy = b.register("x1_dummy", width: 1, reset: nil)
        let x1ItemBank = b.register("x1_item_bank", width: 1, reset: nil)
        let x2Valid = b.register("x2_valid", width: 1, reset: 0), x2Type = b.register("x2_type", width: 2, reset: nil)
        let x2Position = b.register("x2_position", width: 6, reset: nil), x2Run = b.register("x2_run", width: 4, reset: nil)
        let x2Zeros = b.register("x2_zero_runs", width: 2, reset: nil), x2Needs = b.register("x2_needs_eob", width: 1, reset: nil)
        // X2's item's flags, registered with it: a ZRL due first, an end that needs no EOB, an end.
        let x2ZeroRunDue = b.register("x2_zero_run_due", width: 1, reset: 0), x2Silent = b.register("x2_silent_end", width: 1, reset: 0)
        let x2End = b.register("x2_end", width: 1, reset: 0)
        let x2Dummy = b.register("x2_dummy", width: 1, reset: nil), x2Bank = b.register("x2_bank", width: 1, reset: nil)
        let x2Previous = b.register("x2_previous", width: 6, reset: 0)
        // A bank X1 has started, until Y frees it (X1 may be a block ahead of Y).
        let walked = (0..<2).map { b.register("walked\($0)", width: 1, reset: 0) }

        // MARK: issue (Y)
        // One item a clock while the queue has credit: RSTn or EOI when due, else X2's item (a ZRL for
        // each 16 zeros first, X2 holding its item meanwhile). A block's end frees its bank and moves the
        // MCU, row and restart counters; the compares read counters registered a clock before.
        let readBank = b.register("read_bank", width: 1, reset: 0)
        let blockInMCU = b.register("block_in_mcu", width: 3, reset: 0)
        let column = b.register("mcu_column", width: nb, reset: 0), mcuRow = b.register("mcu_row", width: nb, reset: 0)
        let inSegment = b.register("mcu_in_segment", width: nb, reset: 0), segment = b.register("segment", width: 3, reset: 0)
        let markerDue = b.register("marker_due", width: 2, reset: 0)   // 0 none, 1 RSTn, 2 EOI
        let atMCUEnd = b.registered("at_mcu_end", blockInMCU.eq(lastBlock), reset: 0)
        let atRowEnd = b.registered("at_row_end", column.eq(lastColumn), reset: 0)
        let atLastRow = b.registered("at_last_row", mcuRow.eq(lastRow), reset: 0)
        let atIntervalEnd = b.registered("at_interval_end", restarting & inSegment.eq(restartLast), reset: 0)
        let lumaNow = blockInMCU.lt(lumaBlocks), chromaIndex = (blockInMCU - lumaBlocks)[0]
        let scanning = inScan
        let markerNow = markerDue.ne(0)
        let zeroRunFirst = x2ZeroRunDue, silentEnd = x2Silent
        let issue = b.name(scanning & queue.credit & (markerNow | (x2Valid & ~silentEnd)), "issue")
        let consume = b.name(scanning & ~markerNow & x2Valid & ~zeroRunFirst & (queue.credit | silentEnd), "consume")
        let x2Load = ~x2Valid | consume
        // E is a register slice: X1 moves on whenever its skid register is free, a register alone, so
        // X1's enable waits for no stage after it.
        let eSkidValid = b.sliceSkidValid("e")
        let x1Load = ~x1Valid | ~eSkidValid

        // X1.
        let fullWalk = b.select(x1Bank, full[1] & ~walked[1], full[0] & ~walked[0])
        b.when(x1Load) {
            b.set(x1Valid, b.zero)
            b.when(~x1Walking) {
                b.when(fullWalk) {
                    b.set(x1Valid, b.one); b.set(x1Type, b.constant(0, width: 2)); b.set(x1ItemBank, x1Bank)
                    let dummy = b.select(x1Bank, dummies[1], dummies[0])
                    b.set(x1Dummy, dummy)
                    let walk = b.select(dummy, b.constant(0, width: 64), b.select(x1Bank, masks[1], masks[0]) & ~b.constant(1, width: 64))
                    b.set(remainingLow, walk[31, 0]); b.set(remainingHigh, walk[63, 32])
                    b.set(x1Walking, b.one)
                    for bank in 0..<2 { b.when(x1Bank.eq(bank)) { b.set(walked[bank], b.one) } }
                }
            } otherwise: {
                b.set(x1Valid, b.one); b.set(x1ItemBank, x1Bank)
                // The lowest bit as a one-hot, and cleared (r & (r − 1)): from the low half while it has
                // one, else from the high half; with none left both are 0.
                let lessLow = remainingLow - 1, lessHigh = remainingHigh - 1
                let lowAny = remainingLow.anySet, zeros = b.constant(0, width: 32)
                b.set(x1Onehot, b.select(lowAny, b.concat(zeros, remainingLow & ~lessLow), b.concat(remainingHigh & ~lessHigh, zeros)))
                b.when(lowAny) { b.set(remainingLow, remainingLow & lessLow) } otherwise: { b.set(remainingHigh, remainingHigh & lessHigh) }
                b.when(lowAny | remainingHigh.anySet) {
                    b.set(x1Type, b.constant(1, width: 2))
                } otherwise: {
                    b.set(x1Type, b.constant(2, width: 2))
                    b.set(x1Walking, b.zero)
                    b.set(x1Bank, ~x1Bank)
                }
            }
        }

        // X2.
        let position = b.concat((0..<6).reversed().map { (j: Int) -> Signal in
            var having: UInt64 = 0   // the positions whose bit j is 1
            for k in 0..<64 where (k >> j) & 1 == 1 { having |= UInt64(1) << UInt64(k) }
            return (x1Onehot & b.constant(bits: having, width: 64)).anySet
        })
        let e = b.registerSlice("e", valid: x1Valid, fields: [x1Type, b.select(x1Type.eq(1), position, b.constant(0, width: 6)), x1Dummy, x1ItemBank],
                                skidValid: eSkidValid, ready: x2Load)
        let eValid = e.valid, eType = e.fields[0], ePosition = e.fields[1], eDummy = e.fields[2], eBank = e.fields[3]
        let run = ePosition - x2Previous - 1
        b.when(x2Load) {
            b.set(x2Valid, eValid)
            b.set(x2Type, eType); b.set(x2Dummy, eDummy); b.set(x2Bank, eBank)
            b.set(x2Position, ePosition)
            b.set(x2Run, run[3, 0]); b.set(x2Zeros, run[5, 4])
            b.set(x2Needs, x2Previous.ne(63))
            b.set(x2ZeroRunDue, eType.eq(1) & run[5, 4].ne(0)); b.set(x2Silent, eType.eq(2) & x2Previous.eq(63)); b.set(x2End, eType.eq(2))
            b.when(eValid) {
                b.when(eType.eq(0)) { b.set(x2Previous, b.constant(0, width: 6)) }
                b.when(eType.eq(1)) { b.set(x2Previous, ePosition) }
            }
        }
        // A ZRL issued: one fewer due (some are left if there were 2 or 3).
        b.when(~x2Load & issue & ~markerNow & zeroRunFirst) { b.set(x2Zeros, x2Zeros - 1); b.set(x2ZeroRunDue, x2Zeros[1]) }

        // Y.
        let natural = Zigzag.natural
        let kind = b.register("i_kind", width: 3, reset: nil), itemRun = b.register("i_run", width: 4, reset: nil)
        let itemRow = b.register("i_row", width: 3, reset: nil), itemColumn = b.register("i_column", width: 3, reset: nil)
        let itemMarker = b.register("i_marker", width: 3, reset: nil), itemBank = b.register("i_bank", width: 1, reset: nil)
        let itemComponent = b.register("i_component", width: 2, reset: nil), itemDummy = b.register("i_dummy", width: 1, reset: nil)
        let itemValid = b.registered("i_valid", issue, reset: 0)
        func item(_ k: Kind) { b.set(kind, b.constant(k.rawValue, width: 3)) }
        // The item's registers take X2's item every clock (no enable): the value stage reads them the clock
        // after an issue, and i_valid says whether there was one.
        do {
            b.set(itemBank, x2Bank); b.set(itemDummy, x2Dummy); b.set(itemMarker, segment)
            b.set(itemComponent, b.select(lumaNow, b.constant(0, width: 2), b.concat(chromaIndex, ~chromaIndex)))
            b.set(itemRow, b.pick(x2Position, from: natural.map { b.constant($0 >> 3, width: 3) }))
            b.set(itemColumn, b.pick(x2Position, from: natural.map { b.constant($0 & 7, width: 3) }))
            b.set(itemRun, x2Run)
            b.when(markerNow) {
                b.set(kind, b.select(markerDue.eq(1), b.constant(Kind.restart.rawValue, width: 3), b.constant(Kind.endOfImage.rawValue, width: 3)))
            } otherwise: {
                b.when(x2Type.eq(0)) { item(.dc) }
                b.when(x2Type.eq(1)) { b.when(zeroRunFirst) { item(.zeroRun) } otherwise: { item(.ac) } }
                b.when(x2Type.eq(2)) { item(.endOfBlock) }
            }
        }
        b.when(scanning & queue.credit & markerNow) {
            b.set(markerDue, b.constant(0, width: 2))
            b.when(markerDue.eq(1)) { b.set(segment, segment + 1) }
            b.when(markerDue.eq(2)) { enter(3) }
        }
        // A block's end: its bank is free once its last item has been issued (the value stage reads the
        // coefficients a clock after issue, the writer writes a clock after the bank is free).
        let blockDone = b.name(consume & x2End, "block_done")
        b.when(blockDone) {
            for bank in 0..<2 { b.when(readBank.eq(bank)) { b.set(full[bank], b.zero); b.set(walked[bank], b.zero) } }
            b.set(readBank, ~readBank)
            b.set(blockInMCU, b.select(atMCUEnd, b.constant(0, width: 3), blockInMCU + 1))
            b.when(atMCUEnd) {
                b.set(column, b.select(atRowEnd, b.constant(0, width: nb), column + 1))
                b.when(atRowEnd) { b.set(mcuRow, mcuRow + 1) }
                b.set(inSegment, b.select(atIntervalEnd, b.constant(0, width: nb), inSegment + 1))
                b.when(atRowEnd & atLastRow) {
                    b.set(markerDue, b.constant(2, width: 2))
                    b.set(column, b.constant(0, width: nb)); b.set(mcuRow, b.constant(0, width: nb))
                    b.set(inSegment, b.constant(0, width: nb))
                } otherwise: {
                    b.when(atIntervalEnd) { b.set(markerDue, b.constant(1, width: 2)) }
                }
            }
        }

        // MARK: value
        // The coefficient (registered), then a DC's difference from its component's predictor.
        let word = b.pick(itemColumn, from: lanes.map { b.read($0, at: b.concat(itemBank, itemRow)) })
        let wWord = b.registered("w_word", word), wValid = b.registered("w_valid", itemValid, reset: 0)
        let wKind = b.registered("w_kind", kind), wRun = b.registered("w_run", itemRun), wComponent = b.registered("w_component", itemComponent)
        let wDummy = b.registered("w_dummy", itemDummy), wMarker = b.registered("w_marker", itemMarker)
        let predictors = (0..<3).map { b.register("predictor\($0)", width: cw, reset: 0) }
        let vValid = b.registered("v_valid", wValid, reset: 0)
        let vKind = b.registered("v_kind", wKind), vRun = b.registered("v_run", wRun), vComponent = b.registered("v_component", wComponent)
        let vMarker = b.registered("v_marker", wMarker)
        let predictor = b.pick(wComponent, from: predictors)
        let isDC = wKind.eq(Kind.dc.rawValue)
        let difference = b.arithmetic(.sub, wWord, b.select(isDC, predictor, b.constant(0, width: cw)), width: cw + 1, signed: true)
        let value = b.registered("v_value", b.select(isDC & wDummy, b.constant(0, width: cw + 1), difference))
        b.when(wValid) {
            b.when(isDC & ~wDummy) {
                for (c, p) in predictors.enumerated() { b.when(wComponent.eq(c)) { b.set(p, wWord) } }
            }
            b.when(wKind.eq(Kind.restart.rawValue) | wKind.eq(Kind.endOfImage.rawValue)) {
                for p in predictors { b.set(p, b.constant(0, width: cw)) }
            }
        }

        // MARK: magnitude
        // x: the magnitude, or its one's complement for a negative value (whose low s bits are v − 1).
        let negative = value[cw]
        let magnitude = b.select(negative, b.constant(0, width: cw + 1) - value, value).resized(to: 11)
        let extraBits = vKind.lt(Kind.endOfBlock.rawValue)   // DC and AC carry extra bits
        let mMagnitude = b.registered("m_magnitude", b.select(extraBits, magnitude, b.constant(0, width: 11)))
        let mOnes = b.registered("m_ones", b.select(negative, ~magnitude, magnitude))
        let mValid = b.registered("m_valid", vValid, reset: 0), mKind = b.registered("m_kind", vKind), mRun = b.registered("m_run", vRun)
        let mComponent = b.registered("m_component", vComponent), mMarker = b.registered("m_marker", vMarker)

        // MARK: category
        // s = bit length of the magnitude (registered); the extra bits left-justified in 11: x << (11 − s).
        let size = b.registered("n_size", mMagnitude.bitLength.resized(to: 4)), nOnes = b.registered("n_ones", mOnes)
        let nShift = b.registered("n_shift", b.constant(11, width: 4) - mMagnitude.bitLength.resized(to: 4))
        let nValid = b.registered("n_valid", mValid, reset: 0), nKind = b.registered("n_kind", mKind), nRun = b.registered("n_run", mRun)
        let nComponent = b.registered("n_component", mComponent), nMarker = b.registered("n_marker", mMarker)
        let leftBits = nOnes << nShift.zeroExtended(to: 11)
        // The symbol: DC size; AC run << 4 | size; EOB 00; ZRL F0. Table: DC/AC << 1 | chroma.
        let symbol = b.pick(nKind, from: [size.zeroExtended(to: 8), b.concat(nRun, size), b.constant(0, width: 8), b.constant(0xF0, width: 8)])
        let table = b.concat(~nKind.eq(Kind.dc.rawValue), nComponent.ne(0))
        let cAddress = b.registered("c_address", b.concat(table, symbol)), cSize = b.registered("c_size", size)
        let cBits = b.registered("c_bits", leftBits)
        let cValid = b.registered("c_valid", nValid, reset: 0), cKind = b.registered("c_kind", nKind), cMarker = b.registered("c_marker", nMarker)

        // MARK: code
        // The code memory (a block RAM with its output register) holds each code left-justified in 16 bits
        // beside its length; its word comes two clocks after the address, beside stage h's registers.
        let tableWrite = b.input("ht_we", width: 1), tableAddress = b.input("ht_addr", width: Self.tableAddressBits)
        let tableData = b.input("ht_data", width: Self.tableDataBits)
        let codes = b.instance(BlockRAM(depth: 1024, width: 21, contents: contents.codes, label: "huffman_codes").block, name: "huffman_codes")
        codes.connect("we", tableWrite & ~tableAddress[11]); codes.connect("wa", tableAddress[9, 0]); codes.connect("wd", tableData)
        codes.connect("re", b.one); codes.connect("ra", cAddress)
        let gSize = b.registered("g_size", cSize), gBits = b.registered("g_bits", cBits)
        let gValid = b.registered("g_valid", cValid, reset: 0), gKind = b.registered("g_kind", cKind), gMarker = b.registered("g_marker", cMarker)
        let hSize = b.registered("h_size", gSize), hBits = b.registered("h_bits", gBits)
        let hValid = b.registered("h_valid", gValid, reset: 0), hKind = b.registered("h_kind", gKind), hMarker = b.registered("h_marker", gMarker)
        let entry = codes.output("rd")
        let coded = hKind.lt(Kind.restart.rawValue)
        let rCode = b.registered("r_code", entry[20, 5]), rLength = b.registered("r_length", b.select(coded, entry[4, 0], b.constant(0, width: 5)))
        let rSize = b.registered("r_size", hSize), rBits = b.registered("r_bits", hBits)
        let rValid = b.registered("r_valid", hValid, reset: 0), rKind = b.registered("r_kind", hKind), rMarker = b.registered("r_marker", hMarker)
        // A symbol the loaded tables have no code for: its length is 0 (sticky until reset).
        let missing = b.register("missing_code", width: 1, reset: 0)
        b.when(hValid & coded & entry[4, 0].eq(b.constant(0, width: 5))) { b.set(missing, b.one) }
        b.output("code_missing", missing)
        // The symbol's bits left-justified in 27: the code, then the extra bits after it; registered (q)
        // with its length before the queue.
        let symbolBits = b.registered("q_bits", b.concat(rCode, b.constant(0, width: 11)) | (b.concat(rBits, b.constant(0, width: 16)) >> rLength.zeroExtended(to: 27)))
        let total = b.registered("q_length", rLength + rSize.zeroExtended(to: 5))
        let qValid = b.registered("q_valid", rValid, reset: 0), qKindIn = b.registered("q_kind", rKind), qMarkerIn = b.registered("q_marker", rMarker)

        // MARK: queue and packer
        // acc holds `fill` bits from its top, zeros below. A symbol goes in as (acc | word >> fill); a byte
        // goes out as the top 8 bits, the rest shifted up; both may happen in one clock (a byte out only
        // while fill ≥ 8, so the new bits never reach it).
        let acc = b.register("acc", width: 64, reset: 0), fill = b.register("fill", width: 7, reset: 0)
        let stuff = b.register("stuff", width: 1, reset: 0)
        let flushing = b.register("flushing", width: 1, reset: 0), markerSecond = b.register("marker_second", width: 1, reset: 0)
        let markerCode = b.register("marker_code", width: 8, reset: nil), markerLast = b.register("marker_last", width: 1, reset: nil)
        let outSkid = b.sliceSkidValid("out")
        let advance = ~outSkid
        // The header state read by the header engine, and its copies read by the packer and by the output
        // byte's choice (each placed beside its readers).
        let headerActive = inHeader, headerCopies = b.copies(of: inHeader, count: 2)
        let packerInHeader = headerCopies[0], outputInHeader = headerCopies[1]
        let emitFromAcc = b.name(advance & ~packerInHeader & ~stuff & fill.ge(b.constant(8, width: 7)), "emit_from_acc")
        // Room for a whole symbol (27 bits) next clock: fill + the head's length ≤ 37 bounds the next fill
        // whatever is taken and sent this clock, and reads registers only.
        let roomy = b.register("roomy", width: 1, reset: 1)
        var taken = b.zero
        // Beside each item: its length − 8 (mod 128) and whether it is a marker, so the packer's next fill
        // and its accept wait for one adder and no compare.
        let totalLess = total.zeroExtended(to: 7) + b.constant(128 - 8, width: 7)
        // The bits before an item in its byte (fill mod 8 when the packer takes it) follow from the items
        // alone: sending a byte leaves them, a marker's padding and code clear them. So each item goes into
        // the queue already shifted by them, and the packer shifts by whole bytes.
        let qIsMarker = qKindIn.ge(Kind.restart.rawValue)
        let bitOffset = b.register("bit_offset", width: 3, reset: 0)
        b.when(qValid) { b.set(bitOffset, b.select(qIsMarker, b.constant(0, width: 3), bitOffset + total[2, 0])) }
        let shifted = b.concat(symbolBits, b.constant(0, width: 7)) >> bitOffset
        let drained = queue.drain(issue: issue, arriving: qValid,
                                  fields: [shifted, total, qKindIn, qMarkerIn, totalLess, qIsMarker]) { valid, fields in
            let ready = ~flushing & ~markerSecond & roomy
            taken = valid & ready
            return ready
        }
        let qWord = drained.fields[0], qLength = drained.fields[1], qKind = drained.fields[2], qMarker = drained.fields[3]
        let qLengthLess = drained.fields[4], isMarker = drained.fields[5]
        let accepted = b.name(taken & ~isMarker, "packer_accept")
        // A marker taken: the bits left are padded with 1-bits to the byte boundary once fewer than 8 are
        // left (only the top byte's free bits set), sent, then FF and the marker's code.
        let fillZero = fill.eq(b.constant(0, width: 7)), partial = fill[6, 3].eq(b.constant(0, width: 4)) & ~fillZero
        let padNow = b.name(flushing & partial, "pad_now")
        let padByte = b.pick(fill[2, 0], from: (0..<8).map { n in b.constant(bits: (UInt64(0xFF) >> UInt64(n)) << 56, width: 64) })
        // The next acc, as three terms ORed: acc (shifted up a byte when one is sent), the symbol shifted
        // to the fill (the same byte up), the pad bits; each chosen by one control signal.
        // The word comes shifted by fill mod 8; the rest is fill's whole bytes (at most 4: an item is
        // taken only while fill ≤ 37).
        let wide = b.concat(qWord, b.constant(0, width: 64 - qWord.width))
        let placed = b.pick(fill[5, 3], from: (0..<8).map { wide >> (8 * min($0, 4)) })
        let kept = b.select(emitFromAcc, acc << 8, acc)
        let added = b.select(accepted, b.select(emitFromAcc, placed << 8, placed), b.constant(0, width: 64))
        b.set(acc, kept | added | b.select(padNow, padByte, b.constant(0, width: 64)))
        // The next fill: fill, fill − 8, fill + length or fill + length − 8, each one adder from registers,
        // chosen by what is taken and sent.
        let grown = fill + qLength.zeroExtended(to: 7)
        let fillNext = b.pick(b.concat(accepted, emitFromAcc),
                              from: [fill, b.concat(fill[6, 3] - 1, fill[2, 0]), grown, fill + qLengthLess])
        b.set(fill, b.select(padNow, b.constant(8, width: 7), fillNext))
        b.set(roomy, grown.le(b.constant(64 - 27, width: 7)))
        b.when(taken & isMarker) {
            b.set(flushing, b.one)
            b.set(markerCode, b.select(qKind.eq(Kind.restart.rawValue), b.concat(b.constant(0x1A, width: 5), qMarker), b.constant(Int(Marker.eoi), width: 8)))
            b.set(markerLast, qKind.eq(Kind.endOfImage.rawValue))
        }

        // MARK: the header
        // A program byte every four clocks at most, a DHT segment's byte every three (the header is a few hundred bytes a frame):
        //   phase 0  the program word (selected by the pc register) registered;
        //   phase 6  the DQT memory's step at the word's operand registered, and the word's flags;
        //   phase 1  the byte worked out and registered, or the word skipped when it is not of this
        //            frame's kind; a DHT segment's word sets the DHT memory's address to its first byte;
        //   phase 2  the byte sent;
        //   3, 4     a DHT segment's byte read (a block RAM: two clocks after its address);
        //   phase 5  the segment's byte registered, the address moved on; its first two are its length.
        let phase = b.register("header_phase", width: 3, reset: 0)
        let hWord = b.register("header_word", width: HeaderProgram.wordBits, reset: nil)
        let hByte = b.register("header_byte", width: 8, reset: nil), hLast = b.register("header_last", width: 1, reset: nil)
        let dqt = b.memory("dqt", depth: 128, width: 8, readLatency: 0, contents: quantWords)
        // Written beside the core's quantization tables: slot · 64 + zigzag position, the 8-bit step.
        let dqtWrite = b.input("dqt_we", width: 1), dqtAddress = b.input("dqt_addr", width: 7), dqtData = b.input("dqt_data", width: 8)
        b.when(dqtWrite) { b.write(dqt, at: dqtAddress, dqtData) }
        // Whether the word is of this frame's kind, and whether it plays a DHT segment: registered in phase 6.
        let op = hWord[11, 8], operand = hWord[7, 0]
        let ofKind = b.registered("header_of_kind", hWord[15, 12].bit(headerKind))
        let playsSegment = b.registered("header_plays_segment", op.eq(HeaderProgram.Op.huffmanSegment.rawValue))
        let dhtIndex = b.register("dht_index", width: 9, reset: 0), lengthHigh = b.register("dht_length_high", width: 8, reset: 0)
        // The segment's last byte: length − 1, or the region's last (511) until the length is known, or
        // when it is beyond the region; compared with the index a clock ahead of its use.
        let lastIndex = b.register("dht_last_index", width: 9, reset: nil)
        let atLastIndex = b.registered("dht_at_last", dhtIndex.eq(lastIndex))
        let playingSegment = b.register("header_in_segment", width: 1, reset: 0), segmentEnd = b.register("header_segment_end", width: 1, reset: 0)
        let dhtMemory = b.instance(BlockRAM(depth: 4 * Self.regionBytes, width: 8, contents: contents.dht, label: "dht").block, name: "dht")
        dhtMemory.connect("we", tableWrite & tableAddress[11]); dhtMemory.connect("wa", tableAddress[10, 0])
        dhtMemory.connect("wd", tableData[7, 0])
        dhtMemory.connect("re", b.one); dhtMemory.connect("ra", b.concat(operand[1, 0], dhtIndex))
        let dhtByte = dhtMemory.output("rd")
        let atLast = b.registered("header_at_last", pc.eq(b.constant(program.words.count - 1, width: pcBits)))
        let headerByte = b.pick(op, from: [operand, width[15, 8], width[7, 0], height[15, 8], height[7, 0], restart[15, 8], restart[7, 0], sampling,
                                           b.registered("header_step", b.read(dqt, at: operand[6, 0]))])
        // Phase 2 (a byte to send) also has a register of its own, set beside the phase.
        let sending = b.register("header_sending", width: 1, reset: 0)
        let headerReady = headerActive & sending
        func go(_ p: Int) { b.set(phase, b.constant(p, width: 3)); b.set(sending, p == 2 ? b.one : b.zero) }
        b.when(headerActive & phase.eq(0)) { b.set(hWord, b.pick(pc, from: program.words.map { b.constant(bits: $0, width: HeaderProgram.wordBits) })); go(6) }
        b.when(headerActive & phase.eq(6)) { go(1) }
        b.when(headerActive & phase.eq(1)) {
            b.set(hByte, headerByte); b.set(hLast, atLast)
            b.when(ofKind) {
                b.when(playsSegment) {
                    b.set(dhtIndex, b.constant(0, width: 9)); b.set(lastIndex, b.constant(Self.regionBytes - 1, width: 9))
                    b.set(playingSegment, b.one); go(3)
                } otherwise: { go(2) }
            } otherwise: {
                b.set(pc, pc + 1); go(0)
            }
        }
        b.when(headerActive & phase.eq(3)) { go(4) }
        b.when(headerActive & phase.eq(4)) { go(5) }
        // The segment's length, from its first two bytes (the second in hByte while the third is read).
        b.when(headerActive & phase.eq(4) & dhtIndex.eq(2)) {
            let beyond = lengthHigh[7, 1].ne(0)
            b.set(lastIndex, b.select(beyond, b.constant(Self.regionBytes - 1, width: 9), b.concat(lengthHigh[0], hByte) - 1))
        }
        // The segment ends after the byte its length counts (or at its region's end, whatever was loaded).
        b.when(headerActive & phase.eq(5)) {
            b.set(hByte, dhtByte); b.set(hLast, b.zero)
            b.when(dhtIndex.eq(0)) { b.set(lengthHigh, dhtByte) }
            b.set(segmentEnd, atLastIndex)
            b.set(dhtIndex, dhtIndex + 1)
            go(2)
        }

        // MARK: the output byte, through a register slice (the downstream's ready reaches it alone)
        let top = acc[63, 56]
        let markerFirst = flushing & fillZero
        let produce = b.select(outputInHeader, outputInHeader & sending, stuff | emitFromAcc | markerFirst | markerSecond)
        // The byte, chosen by registers alone (it counts only when produced: past the header and a stuffed
        // 00, a byte of acc while fill ≥ 8, else FF while flushing, else the marker's code).
        let byte = b.select(outputInHeader, hByte, b.select(stuff, b.constant(0, width: 8), b.select(fill[6, 3].ne(0), top,
                                                   b.select(flushing, b.constant(0xFF, width: 8), markerCode))))
        let last = markerSecond & markerLast   // in markerSecond nothing else is due
        b.when(advance) {
            b.when(headerReady) {
                b.when(playingSegment & ~segmentEnd) {
                    go(4)
                } otherwise: {
                    b.set(pc, pc + 1); go(0); b.set(playingSegment, b.zero)
                }
            }
            // The header's last byte (never a DHT segment's) sent: the scan.
            b.when(headerReady & hLast) { enter(2) }
            b.when(~packerInHeader) {
                b.when(stuff) {
                    b.set(stuff, b.zero)
                } otherwise: {
                    b.when(emitFromAcc) {
                        b.set(stuff, top.eq(b.constant(0xFF, width: 8)))
                    } otherwise: {
                        b.when(markerFirst) { b.set(flushing, b.zero); b.set(markerSecond, b.one) }
                    }
                }
            }
        }
        // The marker's code: nothing else is due then (the bits were sent, no FF to stuff, the queue held).
        b.when(advance & markerSecond) {
            b.set(markerSecond, b.zero)
            b.when(markerLast) { enter(0) }
        }
        let out = b.registerSlice("out", valid: advance & produce, fields: [byte, last], skidValid: outSkid,
                                  ready: b.input("m_axis_tready", width: 1))
        b.output("m_axis_tvalid", out.valid); b.output("m_axis_tdata", out.fields[0]); b.output("m_axis_tlast", out.fields[1])
        return try b.build()
    }
}
