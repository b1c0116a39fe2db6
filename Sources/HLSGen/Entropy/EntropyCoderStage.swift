import Golden
import Hardware
import JPEG

/// The encoder's last stage, `fxc_entropy_coder`: quantized blocks in (a row of 8 coefficients a beat,
/// natural order, tuser {dummy, table, start of frame}), a JFIF file out, a byte a beat. One frame's
/// numbers (size, chroma, restart interval) come on the frame channel before its blocks; the DQT
/// segments' steps are in a memory written through `dqt_*` (reset: the design's tables).
///
///   header    the header program (`HeaderProgram`) plays the frame's header, a byte a clock;
///   buffer    two block buffers (8 LUT-RAM lanes of 2 × 8 rows), a block written a row a clock, and
///             beside each a mask of its non-zero coefficients in zigzag order;
///   issue     one item a clock while the queue has credit: a block's DC, each non-zero AC after a
///             ZRL per 16 zeros (the next position from the mask: its lowest set bit), EOB unless
///             position 63 was coded; after an MCU that ends a restart interval, RSTn; after the
///             frame's last MCU, EOI. A dummy block is DC difference 0 and EOB;
///   value     the coefficient at the item's position; a DC's difference from its component's
///             predictor (0 after RSTn and at a frame's start; a dummy block leaves it alone);
///   category  size s = bit length of |v|, extra bits v (v ≥ 0) or v − 1 (v < 0) in s bits (T.81 F.1.2);
///   code      the Huffman code and length from the code memory (4 tables of 256 words, code << 5 |
///             length: DC luma, DC chroma, AC luma, AC chroma), code << s | bits;
///   queue     a credited queue, so nothing before it ever stalls;
///   packer    a 64-bit accumulator, most significant bit first; a byte out a clock, 00 after each FF
///             (T.81 F.1.2.3); before a marker, 1-bits to the byte boundary, then FF Dn.
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

    /// The code memory's reset words: table t (DC luma, DC chroma, AC luma, AC chroma) at t · 256 + symbol.
    var codeWords: [UInt64] {
        var words = [UInt64](repeating: 0, count: 1024)
        for (t, (spec, isDC)) in [(dc[0], true), (dc[1], true), (ac[0], false), (ac[1], false)].enumerated() {
            for c in try! spec.codes(isDC: isDC) { words[256 * t + Int(c.symbol)] = UInt64(c.code) << 5 | UInt64(c.length) }
        }
        return words
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
        let idle = 0, header = 1, scan = 2, ending = 3
        let state = b.register("state", width: 2, reset: UInt64(idle))
        let frame = b.inputChannel(valid: "frame_valid", ready: ("frame_ready", state.eq(idle)),
                                   fields: [.init("frame_width", width: nb), .init("frame_height", width: nb),
                                            .init("frame_chroma", width: 2), .init("frame_restart", width: nb)])
        let width = b.register("width", width: nb, reset: 0), height = b.register("height", width: nb, reset: 0)
        let restart = b.register("restart", width: nb, reset: 0)
        let lastColumn = b.register("last_column", width: nb, reset: 0), lastRow = b.register("last_row", width: nb, reset: 0)
        let lumaBlocks = b.register("luma_blocks", width: 3, reset: 1), lastBlock = b.register("last_block", width: 3, reset: 0)
        let sampling = b.register("luma_sampling", width: 8, reset: 0x11)
        let program = HeaderProgram(dc: dc, ac: ac)
        let rom = b.memory("header_program", depth: program.words.count, width: HeaderProgram.wordBits, readLatency: 1, contents: program.words)
        let pc = b.register("header_pc", width: rom.addressWidth, reset: 0)
        let start: Signal
        do {
            // chroma 0 4:4:4, 1 4:2:2, 2 4:2:0, 3 grey: MCU (8·h) × (8·v) pixels, h·v luma blocks.
            let chroma = frame["frame_chroma"]
            let wide = chroma.eq(1) | chroma.eq(2), tall = chroma.eq(2), grey = chroma.eq(3)
            start = b.pick(b.concat(~grey, frame["frame_restart"].ne(0)),
                               from: program.starts.map { b.constant($0, width: rom.addressWidth) })
            b.when(frame.fire) {
                b.set(width, frame["frame_width"]); b.set(height, frame["frame_height"]); b.set(restart, frame["frame_restart"])
                b.set(lastColumn, b.select(wide, (frame["frame_width"] - 1) >> 4, (frame["frame_width"] - 1) >> 3))
                b.set(lastRow, b.select(tall, (frame["frame_height"] - 1) >> 4, (frame["frame_height"] - 1) >> 3))
                let luma = b.select(tall, b.constant(4, width: 3), b.select(wide, b.constant(2, width: 3), b.constant(1, width: 3)))
                b.set(lumaBlocks, luma)
                b.set(lastBlock, b.select(grey, b.constant(0, width: 3), luma + 1))
                b.set(sampling, b.concat(b.constant(0, width: 2), wide, ~wide, b.constant(0, width: 2), tall, ~tall))
                b.set(pc, start)
                b.set(state, b.constant(header, width: 2))
            }
        }

        // MARK: the block buffers
        let rowIn = b.register("row_in", width: 3, reset: 0), writeBank = b.register("write_bank", width: 1, reset: 0)
        let full = (0..<2).map { b.register("full\($0)", width: 1, reset: 0) }
        let masks = (0..<2).map { b.register("mask\($0)", width: 64, reset: nil) }
        let dummies = (0..<2).map { b.register("dummy\($0)", width: 1, reset: nil) }
        let lanes = (0..<8).map { b.memory("block_lane\($0)", depth: 16, width: cw, readLatency: 0) }
        let input = b.inputChannel(valid: "s_axis_tvalid", ready: ("s_axis_tready", ~b.select(writeBank, full[1], full[0])),
                                   fields: [.init("s_axis_tdata", width: cw, count: 8), .init("s_axis_tuser", width: 3), .init("s_axis_tlast", width: 1)])
        do {
            let row = input.elements("s_axis_tdata")
            // The row's non-zero bits at their zigzag positions.
            var placed: [Signal] = []
            for r in 0..<8 {
                var bits = [Signal](repeating: b.zero, count: 64)
                for c in 0..<8 { bits[Zigzag.position[8 * r + c]] = row[c].anySet }
                placed.append(b.concat(bits.reversed()))
            }
            let rowBits = b.pick(rowIn, from: placed)
            b.when(input.fire) {
                for (k, lane) in lanes.enumerated() { b.write(lane, at: b.concat(writeBank, rowIn), row[k]) }
                for bank in 0..<2 {
                    b.when(writeBank.eq(bank)) {
                        b.set(masks[bank], b.select(rowIn.eq(0), rowBits, masks[bank] | rowBits))
                        b.when(rowIn.eq(0)) { b.set(dummies[bank], input["s_axis_tuser"][2]) }
                        b.when(rowIn.eq(7)) { b.set(full[bank], b.one) }
                    }
                }
                b.set(rowIn, rowIn + 1)
                b.when(rowIn.eq(7)) { b.set(writeBank, ~writeBank) }
            }
        }

        // MARK: issue
        let queue = b.creditedQueue("symbols", depth: Self.queueDepth)
        let readBank = b.register("read_bank", width: 1, reset: 0), acPhase = b.register("ac_phase", width: 1, reset: 0)
        let remaining = b.register("remaining", width: 64, reset: 0), lastCoded = b.register("last_coded", width: 6, reset: 0)
        let blockInMCU = b.register("block_in_mcu", width: 3, reset: 0)
        let column = b.register("mcu_column", width: nb, reset: 0), mcuRow = b.register("mcu_row", width: nb, reset: 0)
        let inSegment = b.register("mcu_in_segment", width: nb, reset: 0), segment = b.register("segment", width: 3, reset: 0)
        let markerDue = b.register("marker_due", width: 2, reset: 0)   // 0 none, 1 RSTn, 2 EOI
        let fullRead = b.select(readBank, full[1], full[0]), dummyRead = b.select(readBank, dummies[1], dummies[0])
        let maskRead = b.select(readBank, masks[1], masks[0])
        let scanning = state.eq(scan)
        let issue = b.name(scanning & queue.credit & (markerDue.ne(0) | fullRead), "issue")
        // The next non-zero position: the lowest set bit of `remaining`, found as a one-hot.
        let lowest = remaining & (b.constant(0, width: 64) - remaining)
        let position = b.concat((0..<6).reversed().map { (j: Int) -> Signal in
            var having: UInt64 = 0   // the positions whose bit j is 1
            for k in 0..<64 where (k >> j) & 1 == 1 { having |= UInt64(1) << UInt64(k) }
            return (lowest & b.constant(bits: having, width: 64)).anySet
        })
        let run = position - lastCoded - 1
        let longRun = run[5, 4].ne(0)
        let cleared = remaining & (remaining - 1)
        let component = b.select(blockInMCU.lt(lumaBlocks), b.constant(0, width: 3), blockInMCU - lumaBlocks + 1)[1, 0]
        let kind = b.register("i_kind", width: 3, reset: nil), itemRun = b.register("i_run", width: 4, reset: nil)
        let itemPosition = b.register("i_position", width: 6, reset: nil), itemBank = b.register("i_bank", width: 1, reset: nil)
        let itemComponent = b.register("i_component", width: 2, reset: nil), itemDummy = b.register("i_dummy", width: 1, reset: nil)
        let itemValid = b.register("i_valid", width: 1, reset: 0)
        b.set(itemValid, issue)
        func item(_ k: Kind) { b.set(kind, b.constant(k.rawValue, width: 3)) }
        b.when(issue) {
            b.set(itemBank, readBank); b.set(itemComponent, component); b.set(itemDummy, dummyRead)
            b.set(itemPosition, b.constant(0, width: 6)); b.set(itemRun, b.constant(0, width: 4))
            var blockDone = b.zero
            b.when(markerDue.ne(0)) {
                b.set(kind, b.select(markerDue.eq(1), b.constant(Kind.restart.rawValue, width: 3), b.constant(Kind.endOfImage.rawValue, width: 3)))
                b.set(itemPosition, segment.zeroExtended(to: 6))
                b.set(markerDue, b.constant(0, width: 2))
                b.when(markerDue.eq(1)) { b.set(segment, segment + 1) }
                b.when(markerDue.eq(2)) { b.set(state, b.constant(ending, width: 2)) }
            } otherwise: {
                b.when(~acPhase) {
                    item(.dc)
                    b.set(acPhase, b.one)
                    b.set(remaining, b.select(dummyRead, b.constant(0, width: 64), maskRead & ~b.constant(1, width: 64)))
                    b.set(lastCoded, b.constant(0, width: 6))
                } otherwise: {
                    b.when(remaining.eq(b.constant(0, width: 64))) {
                        item(.endOfBlock)
                    } otherwise: {
                        b.when(longRun) {
                            item(.zeroRun)
                            b.set(lastCoded, lastCoded + 16)
                        } otherwise: {
                            item(.ac)
                            b.set(itemRun, run[3, 0]); b.set(itemPosition, position)
                            b.set(lastCoded, position)
                            b.set(remaining, cleared)
                        }
                    }
                }
            }
            // A block is done with its EOB, or with its AC at position 63.
            blockDone = b.name(markerDue.eq(0) & acPhase & (remaining.eq(b.constant(0, width: 64))
                | (~longRun & cleared.eq(b.constant(0, width: 64)) & position.eq(63))), "block_done")
            b.when(blockDone) {
                for bank in 0..<2 { b.when(readBank.eq(bank)) { b.set(full[bank], b.zero) } }
                b.set(readBank, ~readBank)
                b.set(acPhase, b.zero)
                let mcuEnd = blockInMCU.eq(lastBlock)
                b.set(blockInMCU, b.select(mcuEnd, b.constant(0, width: 3), blockInMCU + 1))
                b.when(mcuEnd) {
                    let rowEnd = column.eq(lastColumn), frameEnd = rowEnd & mcuRow.eq(lastRow)
                    b.set(column, b.select(rowEnd, b.constant(0, width: nb), column + 1))
                    b.when(rowEnd) { b.set(mcuRow, mcuRow + 1) }
                    let intervalEnd = restart.ne(0) & inSegment.eq(restart - 1)
                    b.set(inSegment, b.select(intervalEnd, b.constant(0, width: nb), inSegment + 1))
                    b.when(frameEnd) {
                        b.set(markerDue, b.constant(2, width: 2))
                        b.set(column, b.constant(0, width: nb)); b.set(mcuRow, b.constant(0, width: nb))
                        b.set(inSegment, b.constant(0, width: nb))
                    } otherwise: {
                        b.when(intervalEnd) { b.set(markerDue, b.constant(1, width: 2)) }
                    }
                }
            }
        }

        // MARK: value
        let natural = Zigzag.natural
        let rowOf = b.pick(itemPosition, from: natural.map { b.constant($0 >> 3, width: 3) })
        let columnOf = b.pick(itemPosition, from: natural.map { b.constant($0 & 7, width: 3) })
        let word = b.pick(columnOf, from: lanes.map { b.read($0, at: b.concat(itemBank, rowOf)) })
        let predictors = (0..<3).map { b.register("predictor\($0)", width: cw, reset: 0) }
        let vValid = b.registered("v_valid", itemValid, reset: 0)
        let vKind = b.registered("v_kind", kind), vRun = b.registered("v_run", itemRun), vComponent = b.registered("v_component", itemComponent)
        let vMarker = b.registered("v_marker", itemPosition[2, 0])
        let predictor = b.pick(itemComponent, from: predictors)
        let isDC = kind.eq(Kind.dc.rawValue)
        let difference = b.arithmetic(.sub, word, b.select(isDC, predictor, b.constant(0, width: cw)), width: cw + 1, signed: true)
        let value = b.registered("v_value", b.select(isDC & itemDummy, b.constant(0, width: cw + 1), difference))
        b.when(itemValid) {
            b.when(isDC & ~itemDummy) {
                for (c, p) in predictors.enumerated() { b.when(itemComponent.eq(c)) { b.set(p, word) } }
            }
            b.when(kind.eq(Kind.restart.rawValue) | kind.eq(Kind.endOfImage.rawValue)) {
                for p in predictors { b.set(p, b.constant(0, width: cw)) }
            }
        }

        // MARK: category
        let negative = value[cw]
        let magnitude = b.select(negative, b.constant(0, width: cw + 1) - value, value)
        let size = magnitude.bitLength.resized(to: 4)
        let extra = b.select(negative, value - 1, value) & ((b.constant(1, width: cw + 1) << size.zeroExtended(to: cw + 1)) - 1)
        let cKind = b.registered("c_kind", vKind), cSize = b.registered("c_size", size)
        let cBits = b.registered("c_bits", b.select(vKind.lt(Kind.endOfBlock.rawValue), extra, b.constant(0, width: cw + 1)).resized(to: 11))
        let cValid = b.registered("c_valid", vValid, reset: 0), cMarker = b.registered("c_marker", vMarker)
        // The symbol: DC size; AC run << 4 | size; EOB 00; ZRL F0. Table: DC/AC << 1 | chroma.
        let symbol = b.pick(vKind, from: [size.zeroExtended(to: 8), b.concat(vRun, size), b.constant(0, width: 8), b.constant(0xF0, width: 8)])
        let table = b.concat(~vKind.eq(Kind.dc.rawValue), vComponent.ne(0))
        let codes = b.memory("huffman_codes", depth: 1024, width: 21, readLatency: 1, contents: codeWords)
        let entry = b.read(codes, at: b.concat(table, symbol))

        // MARK: code
        let coded = cKind.lt(Kind.restart.rawValue)
        let codeLength = b.select(coded, entry[4, 0], b.constant(0, width: 5))
        let bitsLength = b.select(cKind.lt(Kind.endOfBlock.rawValue), cSize.zeroExtended(to: 5), b.constant(0, width: 5))
        let codeWord = (entry[20, 5].zeroExtended(to: 27) << bitsLength.zeroExtended(to: 27)) | cBits.zeroExtended(to: 27)
        let total = codeLength + bitsLength

        // MARK: queue and packer
        let acc = b.register("acc", width: 64, reset: 0), fill = b.register("fill", width: 7, reset: 0)
        let stuff = b.register("stuff", width: 1, reset: 0)
        let flushing = b.register("flushing", width: 1, reset: 0), markerSecond = b.register("marker_second", width: 1, reset: 0)
        let markerCode = b.register("marker_code", width: 8, reset: nil), markerLast = b.register("marker_last", width: 1, reset: nil)
        let outValid = b.register("out_valid", width: 1, reset: 0), outData = b.register("out_data", width: 8, reset: nil)
        let outLast = b.register("out_last", width: 1, reset: nil)
        let outReady = b.input("m_axis_tready", width: 1)
        b.output("m_axis_tvalid", outValid); b.output("m_axis_tdata", outData); b.output("m_axis_tlast", outLast)
        let advance = ~outValid | outReady
        let headerActive = state.eq(header)
        let emitFromAcc = b.name(advance & ~headerActive & ~stuff & fill.ge(b.constant(8, width: 7)), "emit_from_acc")
        let fillAfter = b.select(emitFromAcc, fill - 8, fill)
        let accShifted = b.select(emitFromAcc, acc << 8, acc)
        var accepted = b.zero
        let drained = queue.drain(issue: issue, arriving: cValid, fields: [codeWord, total, cKind, cMarker]) { valid, fields in
            let ready = ~flushing & ~markerSecond & fill.le(b.constant(64 - 27, width: 7))
            accepted = valid & ready
            return ready
        }
        b.name(accepted, "packer_accept")
        let qWord = drained.fields[0], qLength = drained.fields[1], qKind = drained.fields[2], qMarker = drained.fields[3]
        let isMarker = qKind.ge(Kind.restart.rawValue)
        let pad = (b.constant(0, width: 7) - fill) & b.constant(7, width: 7)
        let length = b.select(isMarker, pad, qLength.zeroExtended(to: 7))
        let bits = b.select(isMarker, (b.constant(1, width: 64) << pad.zeroExtended(to: 64)) - 1, qWord.zeroExtended(to: 64))
        let place = b.constant(64, width: 7) - fillAfter - length
        b.when(accepted) {
            b.set(acc, accShifted | (bits << place))
            b.set(fill, fillAfter + length)
            b.when(isMarker) {
                b.set(flushing, b.one)
                b.set(markerCode, b.select(qKind.eq(Kind.restart.rawValue), b.concat(b.constant(0x1A, width: 5), qMarker), b.constant(Int(Marker.eoi), width: 8)))
                b.set(markerLast, qKind.eq(Kind.endOfImage.rawValue))
            }
        } otherwise: {
            b.set(acc, accShifted)
            b.set(fill, fillAfter)
        }

        // MARK: the output byte
        // The program memory reads a clock ahead: the next word's address (a frame's start as it is taken).
        let headerWord = b.read(rom, at: b.select(frame.fire, start, b.select(headerActive & advance, pc + 1, pc)))
        let op = headerWord[11, 8], operand = headerWord[7, 0]
        let dqt = b.memory("dqt", depth: 128, width: 8, readLatency: 0, contents: quantWords)
        // Written beside the core's quantization tables: slot · 64 + zigzag position, the 8-bit step.
        let dqtWrite = b.input("dqt_we", width: 1), dqtAddress = b.input("dqt_addr", width: 7), dqtData = b.input("dqt_data", width: 8)
        b.when(dqtWrite) { b.write(dqt, at: dqtAddress, dqtData) }
        let headerByte = b.pick(op, from: [operand, width[15, 8], width[7, 0], height[15, 8], height[7, 0], restart[15, 8], restart[7, 0], sampling,
                                           b.read(dqt, at: operand[6, 0])])
        let top = acc[63, 56]
        b.when(advance) {
            b.set(outValid, b.zero)
            b.set(outLast, b.zero)
            b.when(headerActive) {
                b.set(outValid, b.one); b.set(outData, headerByte)
                b.set(pc, pc + 1)
                b.when(headerWord[12]) { b.set(state, b.constant(scan, width: 2)) }
            } otherwise: {
                b.when(stuff) {
                    b.set(outValid, b.one); b.set(outData, b.constant(0, width: 8)); b.set(stuff, b.zero)
                } otherwise: {
                    b.when(emitFromAcc) {
                        b.set(outValid, b.one); b.set(outData, top); b.set(stuff, top.eq(b.constant(0xFF, width: 8)))
                    } otherwise: {
                        b.when(flushing) {
                            b.set(outValid, b.one); b.set(outData, b.constant(0xFF, width: 8))
                            b.set(flushing, b.zero); b.set(markerSecond, b.one)
                        }
                        b.when(markerSecond) {
                            b.set(outValid, b.one); b.set(outData, markerCode); b.set(outLast, markerLast)
                            b.set(markerSecond, b.zero)
                            b.when(markerLast) { b.set(state, b.constant(idle, width: 2)) }
                        }
                    }
                }
            }
        }
        return try b.build()
    }
}
