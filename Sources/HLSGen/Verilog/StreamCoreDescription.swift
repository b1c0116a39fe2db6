import Golden
import Hardware

/// A value of one lane as the core carries it: its bits and whether they are a two's complement number.
struct Lane {
    let value: Signal
    let signed: Bool

    /// The number read at `width` bits: its low bits, or extended (sign or zeros).
    func at(_ width: Int) -> Signal { low(value.width, signed: signed, at: width) }

    /// The number in the low `bits` bits (two's complement or unsigned), read at `width` bits.
    func low(_ bits: Int, signed: Bool, at width: Int) -> Signal {
        width <= bits ? value.truncated(to: width) : value.truncated(to: bits).resized(to: width, signed: signed)
    }
}

/// One section of the core: a chain of ranks that advances every clock. Rank 0 is the
/// section's input register; every rank has a valid bit and a sideband (A: tuser; B and C: {tag, line
/// index}), shifted along with the beat.
struct SectionRanks {
    let valid: [Signal]
    let side: [Signal]

    init(_ b: ModuleBuilder, _ prefix: String, depth: Int, sideBits: Int) {
        valid = (0...depth).map { b.register("\(prefix)_valid\($0)", width: 1, reset: 0) }
        side = (0...depth).map { b.register("\(prefix)_side\($0)", width: sideBits, reset: nil) }
    }

    /// On `en`, every rank takes the one before it, rank 0 the section's input. A beat goes no
    /// further than the rank where the mode taps the section's result (`tap`), so once its result has
    /// left, no valid bit of it is left behind for another mode's tap to find.
    func advance(_ b: ModuleBuilder, en: Signal, validIn: Signal, sideIn: Signal, tap: Tap) {
        b.when(en) {
            for k in valid.indices {
                b.set(valid[k], k == 0 ? validIn : valid[k - 1] & tap.passes(rank: k - 1, b))
                b.set(side[k], k == 0 ? sideIn : side[k - 1])
            }
        }
    }

    /// Where each mode takes a section's result: a rank, and the mode's signals.
    struct Tap {
        let encode: Int, decode: Int, roundtrip: Int
        let encoding: Signal, decoding: Signal

        /// 1 when a beat at `rank` moves on in the present mode (it has not reached the tap).
        func passes(rank: Int, _ b: ModuleBuilder) -> Signal {
            let below = { (tap: Int) in rank < tap ? b.one : b.zero }
            return b.select(encoding, below(encode), b.select(decoding, below(decode), below(roundtrip)))
        }

        /// `count` copies of the valid bit at the present mode's tap (copies of each rank a mode
        /// taps), so that each of a buffer's lane controls learns of a push from a register of its own.
        func validCopies(_ ranks: SectionRanks, count: Int, _ b: ModuleBuilder) -> [Signal] {
            var copies: [Int: [Signal]] = [:]
            for rank in Set([encode, decode, roundtrip]).sorted() { copies[rank] = b.copies(of: ranks.valid[rank], count: count) }
            return (0..<count).map { k in pick([encode, decode, roundtrip].map { copies[$0]![k] }, b, at: [0, 1, 2]) }
        }

        /// The value of `ranks` at the present mode's tap.
        func pick(_ ranks: [Signal], _ b: ModuleBuilder) -> Signal { pick(ranks, b, at: [encode, decode, roundtrip]) }

        /// Of `values`, the one at the present mode's index in `at` (encode, decode, roundtrip).
        func pick(_ values: [Signal], _ b: ModuleBuilder, at index: [Int]) -> Signal {
            b.select(encoding, values[index[0]], b.select(decoding, values[index[1]], values[index[2]]))
        }
    }

    /// Valid bits of `count` ranks from `first` (bit 0 = rank `first`), all 0 when `idle`: a kernel
    /// in a mode that does not use it holds still. With `own`, they are read from copies of the ranks'
    /// valid bits made for this kernel alone: a folded kernel picks its shared multipliers' operands
    /// and enables by them, and should find them in registers beside it.
    func ranks(_ b: ModuleBuilder, from first: Int, count: Int, unless idle: Signal, own: Bool = false) -> Signal {
        let ranks = valid[first..<(first + count)].map { own ? b.copies(of: $0, count: 1)[0] : $0 }
        let bits = b.concat(ranks.reversed())
        return bits & b.select(idle, b.constant(0, width: count), b.constant(bits: ~0, width: count))
    }
}

/// The buffer at the end of a section: beats in LUT memories (one per lane, one for the sideband),
/// first in, first out, and a head register the consumer reads (so no memory read lies on the
/// consumer's paths), with reservations. A section takes a beat in only while the buffer
/// has room for it and for every beat already on its way through the section (`room`: reserved <
/// depth), so the section never has to hold: its registers load on their valid bits alone, with no
/// enable spread over the whole section. `reserved` counts beats taken into the section and not yet
/// taken from the head.
///
/// Every lane has a control of its own (pointers, count, head-valid bit), all of them holding the
/// same values: a lane's head and memory are driven by decisions made from its own registers and
/// the consumer's `ready`, so no one decision fans out to every lane's words and pointers.
struct SectionBuffer {
    let prefix: String
    let depth: Int
    /// Each lane's memory, in segments of at most 16 words (one LUT-RAM deep), so that every segment
    /// is addressed by a copy of its lane's pointers.
    let lanes: [[ModuleBuilder.MemoryHandle]]
    static let segmentDepth = 16
    let sideMemory: ModuleBuilder.MemoryHandle

    /// One lane's control: where the next beat is written and the next stored one read, the beats in
    /// the memory (not counting the head) and whether there is one (a register of its own, so the
    /// refill is decided from registers alone), and whether the head holds a beat.
    struct Control {
        let writeAt: Signal, readAt: Signal
        let count: Signal, stored: Signal
        let nonEmpty: Signal
    }
    /// Per lane, and last the sideband's.
    let controls: [Control]
    let reserved: Signal
    /// The head: a beat the consumer may take while `nonEmpty`.
    let head: [Signal]
    let headSide: Signal
    var nonEmpty: Signal { controls[controls.count - 1].nonEmpty }
    let room: Signal

    init(_ b: ModuleBuilder, _ prefix: String, depth: Int, lanes count: Int, laneBits: Int, sideBits: Int) {
        self.prefix = prefix
        self.depth = depth
        let pointerBits = Module.addressBits(depth: depth), countBits = Module.bits(toHold: depth)
        let segmentDepth = min(depth, Self.segmentDepth)
        lanes = (0..<count).map { k in
            (0..<(depth / segmentDepth)).map { j in
                b.memory("\(prefix)_lane\(k)" + (depth > segmentDepth ? "_s\(j)" : ""), depth: segmentDepth, width: laneBits, readLatency: 0)
            }
        }
        sideMemory = b.memory("\(prefix)_side", depth: depth, width: sideBits, readLatency: 0)
        controls = (0...count).map { k in
            let name = k == count ? "\(prefix)_side" : "\(prefix)_lane\(k)"
            return Control(writeAt: b.register("\(name)_write_at", width: pointerBits, reset: 0),
                           readAt: b.register("\(name)_read_at", width: pointerBits, reset: 0),
                           count: b.register("\(name)_count", width: countBits, reset: 0),
                           stored: b.register("\(name)_stored", width: 1, reset: 0),
                           nonEmpty: b.register("\(name)_head_valid", width: 1, reset: 0))
        }
        reserved = b.register("\(prefix)_reserved", width: countBits, reset: 0)
        head = (0..<count).map { b.register("\(prefix)_head\($0)", width: laneBits, reset: nil) }
        headSide = b.register("\(prefix)_head_side", width: sideBits, reset: nil)
        // depth is a power of two and reserved never passes it: there is room while its top bit is clear.
        precondition(depth & (depth - 1) == 0)
        room = b.name(~reserved[countBits - 1], "\(prefix)_room")
    }

    /// One clock: `admit` a beat into the section (it reserves a place), `push` the beat at the
    /// section's end; the consumer takes the head when it holds a beat and the consumer is ready.
    /// `push` and `ready` have a bit for each control (all equal: copies). Each head is refilled from
    /// its memory whenever it is empty or taken.
    func update(_ b: ModuleBuilder, admit: Signal, push pushes: [Signal], data: [Signal], side: Signal, ready readies: [Signal]) {
        let countBits = reserved.width
        let one = b.constant(1, width: countBits)
        // count ± 1 are ready before the late push/refill (or admit/pop) decide which is kept.
        let step = { (value: Signal, up: Signal, down: Signal) in
            b.select(up & ~down, value + one, b.select(down & ~up, value - one, value))
        }
        for (k, c) in controls.enumerated() {
            let isSide = k == lanes.count, push = pushes[k], ready = readies[k]
            // A lane's memory segments are addressed by copies of its pointers: a pointer's low bits
            // are the word in a segment, its high bits the segment.
            let segments = isSide ? 1 : lanes[k].count, pointerBits = c.writeAt.width
            let wordBits = Module.addressBits(depth: depth / segments)
            let (writeAts, readAts) = segments == 1 ? ([c.writeAt], [c.readAt])
                : (b.copies(of: c.writeAt, count: segments), b.copies(of: c.readAt, count: segments))
            func word(_ pointer: Signal) -> Signal { segments == 1 ? pointer : pointer[wordBits - 1, 0] }
            func segment(_ pointer: Signal) -> Signal { pointer[pointerBits - 1, wordBits] }
            b.when(push) {
                if isSide {
                    b.write(sideMemory, at: c.writeAt, side)
                } else {
                    for (j, memory) in lanes[k].enumerated() {
                        if segments == 1 {
                            b.write(memory, at: writeAts[j], data[k])
                        } else {
                            b.when(segment(writeAts[j]).eq(j)) { b.write(memory, at: word(writeAts[j]), data[k]) }
                        }
                    }
                }
                b.set(c.writeAt, c.writeAt + 1)
            }
            // The head is free (empty or taken) or it is refilled; it loads whenever it is free, stored
            // beat or not (`head_valid` says which), so the wide enable of its words leaves `stored` out
            // and the refill that moves the pointer and the count drives only them.
            let free = b.name(~c.nonEmpty | ready, "\(isSide ? "\(prefix)_side" : "\(prefix)_lane\(k)")_head_free")
            let refill = free & c.stored
            b.when(free) {
                b.set(c.nonEmpty, c.stored)
                if isSide {
                    b.set(headSide, b.read(sideMemory, at: c.readAt))
                } else {
                    let words = lanes[k].enumerated().map { j, memory in b.read(memory, at: word(readAts[j])) }
                    b.set(head[k], segments == 1 ? words[0] : b.pick(segment(readAts[0]), from: words))
                }
            }
            b.when(refill) { b.set(c.readAt, c.readAt + 1) }
            b.set(c.count, step(c.count, push, refill))
            // Stored next clock: a beat pushed, two or more now (the refill takes one at most), or one
            // the refill leaves (the head not free). So `stored` waits for no count arithmetic.
            b.set(c.stored, push | c.count[countBits - 1, 1].ne(0) | (c.stored & ~free))
        }
        let pop = b.name(nonEmpty & readies[readies.count - 1], "\(prefix)_pop")
        // A place is given back two clocks after its beat leaves: the pop, decided late by the consumer
        // at the section's end, only sets a register here, and a second one carries it towards the
        // section's entrance, where `reserved` is. `depth(forRanks:)` leaves the places these hold.
        let popped = b.register("\(prefix)_popped", width: 1, reset: 0)
        let given = b.register("\(prefix)_given_back", width: 1, reset: 0)
        b.set(popped, pop)
        b.set(given, popped)
        b.set(reserved, step(reserved, admit, given))
    }

    /// Places for a section whose beats spend `ranks` clocks in it: enough that it never waits at one beat a clock.
    static func depth(forRanks ranks: Int) -> Int {
        var d = 4
        while d < ranks + 5 { d *= 2 }
        return d
    }
}

extension StreamCore {
    /// A kernel placed in a description (an instance named after the kernel, or `instance`): `en`,
    /// `valid` and its inputs connected; its outputs as lanes.
    func place(_ kernel: KernelModule, _ b: ModuleBuilder, instance name: String? = nil, en: Signal, valid: Signal,
               inputs: [Signal]) -> [Lane] {
        let instance = b.instance(kernel.block, name: name ?? kernel.kernel)
        instance.connect("en", en)
        instance.connect("valid", valid)
        for (port, value) in zip(kernel.inputs, inputs) { instance.connect(port.port.name, value) }
        return kernel.outputs.map { Lane(value: instance.output($0.name), signed: $0.signed) }
    }

    /// A 1-D kernel fed with eight lanes, each read at its input port's width.
    func placeOctet(_ kernel: KernelModule, _ b: ModuleBuilder, en: Signal, valid: Signal,
                    lanes: [Lane]) -> [Lane] {
        place(kernel, b, en: en, valid: valid,
              inputs: kernel.inputs.indices.map { lanes[$0].at(kernel.inputs[$0].port.width) })
    }

    /// A scalar kernel on each of the 8 lanes: 8 instances `<kernel><k>`, or one module holding the 8
    /// lanes (a folded kernel). `value(k, port)` is lane k's value for a port of the scalar kernel.
    func placeLanes(_ kernel: KernelModule, _ b: ModuleBuilder, en: Signal, valid: Signal,
                    value: (Int, VerilogSignal) -> Signal) -> [Lane] {
        let ports = kernel.laneInputs
        guard kernel.copies == 8 else {
            return (0..<8).map { k in place(kernel, b, instance: "\(kernel.kernel)\(k)", en: en, valid: valid, inputs: ports.map { value(k, $0) })[0] }
        }
        return place(kernel, b, en: en, valid: valid, inputs: (0..<8).flatMap { k in ports.map { value(k, $0) } })
    }

    /// A transpose between two sections and the first register of the section that reads it: the
    /// writer's buffer empties into it while it can write; the reader takes a cross-line whenever one
    /// is there and its own buffer has `room` (folded: and `fold` clocks have passed since the last
    /// one). The transpose's read is registered, so a cross-line taken in one clock comes out in the
    /// next, when its take and sideband ({tag, line index}), held a clock, enter the ranks with it and
    /// it loads the register.
    /// Returns the register's lanes, the clocks where a cross-line is taken, and the sideband entering rank 0.
    func transpose(_ t: InstanceHandle, _ b: ModuleBuilder, bits: Int, from buffer: SectionBuffer, room: Signal,
                   register: String, ranks: SectionRanks, tap: SectionRanks.Tap)
        -> (lanes: [Lane], take: Signal, side: Signal) {
        let written = b.name(buffer.nonEmpty & t.output("can_write"), "\(register)_writes")
        t.connect("wr_en", written)
        t.connect("wr_data", buffer.head)
        t.connect("wr_tag", buffer.headSide)
        var ready = t.output("rd_valid") & room
        if fold > 1 {
            // Clocks left before the next cross-line may be taken.
            let wait = b.register("\(register)_wait", width: Module.bits(toHold: fold - 1), reset: 0)
            let next = b.select(wait.eq(0), wait, wait - b.constant(1, width: wait.width))
            b.set(wait, b.select(ready & wait.eq(0), b.constant(fold - 1, width: wait.width), next))
            ready = ready & wait.eq(0)
        }
        let take = b.name(ready, "\(register)_takes")
        t.connect("rd_en", take)
        let row = (0..<8).map { b.register("\(register)\($0)", width: bits, reset: nil) }
        let crossLine = t.outputs("rd_data")
        for k in 0..<8 { b.set(row[k], crossLine[k]) }   // every clock; the ranks' valid bit says when it is a cross-line
        let taken = b.register("\(register)_taken", width: 1, reset: 0)
        let side = b.register("\(register)_taken_side", width: TransposeModule.tagBits + 3, reset: nil)
        b.set(taken, take)
        b.set(side, b.concat(t.output("rd_tag"), t.output("rd_index")))
        ranks.advance(b, en: b.one, validIn: taken, sideIn: side, tap: tap)
        return (row.map { Lane(value: $0, signed: true) }, take, side)
    }

    /// A field of a table entry, zero-extended (or cut) to a kernel port's width.
    func field(_ entry: Signal, _ name: String, width: Int) -> Signal {
        let f = layout.field(name)
        return entry[f.msb, f.lsb].resized(to: width)
    }

    /// The 8-lane core as a hardware description: the control (sections, ranks, transposes, tables,
    /// framing) is stated here once; the traced kernels are placed as external blocks, each by its name.
    func core8Module() throws -> Module {
        let (fdctRow, fdctColumn, quantize) = (kernel("fdct_row"), kernel("fdct_column"), kernel("quantize"))
        let (dequantize, idctColumn, idctRow) = (kernel("dequantize"), kernel("idct_column"), kernel("idct_row"))
        let cw = laneBits, la = fdctRow.latency, lc = idctRow.latency
        let rq = quantizedRank, rd = decodeRank, rr = roundtripRank
        let ew = layout.entryBits
        let b = ModuleBuilder(core8Name, summary: core8Summary)

        let mode = b.input("mode", width: 2)
        let encoding = b.name(mode.eq(0), "encoding"), decoding = b.name(mode.eq(1), "decoding")
        let sData = b.inputs("s_axis_tdata", count: 8, width: cw)
        let sValid = b.input("s_axis_tvalid", width: 1)
        let sLast = b.input("s_axis_tlast", width: 1)
        let sUser = b.input("s_axis_tuser", width: 2)
        let mReady = b.input("m_axis_tready", width: 1)
        let qtWe = b.input("qt_we", width: 1), qtTable = b.input("qt_table", width: 1)
        let qtAddr = b.input("qt_addr", width: 6), qtData = b.input("qt_data", width: ew)
        let t1 = b.instance(try TransposeModule.module(bits: t1Bits), name: "t1")
        let t2 = b.instance(try TransposeModule.module(bits: t2Bits), name: "t2")
        let a = SectionRanks(b, "a", depth: la, sideBits: 2)
        let bRanks = SectionRanks(b, "b", depth: rr, sideBits: 5)
        let c = SectionRanks(b, "c", depth: lc, sideBits: 5)

        // No section ever holds: each takes a beat only while the buffer at its end has room for every
        // beat on its way (SectionBuffer), and its ranks and kernels advance every clock, loading where
        // a valid bit says a beat is. The mode picks the rank where a section's result is.
        let aTap = SectionRanks.Tap(encode: la, decode: 0, roundtrip: la, encoding: encoding, decoding: decoding)
        let bTap = SectionRanks.Tap(encode: rq, decode: rd, roundtrip: rr, encoding: encoding, decoding: decoding)
        let cTap = SectionRanks.Tap(encode: 0, decode: lc, roundtrip: lc, encoding: encoding, decoding: decoding)
        let aOutTag = aTap.pick(a.side, b)
        let bOutTag = bTap.pick(bRanks.side, b)[4, 3]
        let on = b.one
        // A beat spends its ranks and the section's first register in it (B and C: and the clock of
        // the transpose's registered read).
        let aBuffer = SectionBuffer(b, "a_buffer", depth: SectionBuffer.depth(forRanks: la + 1), lanes: 8, laneBits: t1Bits, sideBits: 2)
        let bBuffer = SectionBuffer(b, "b_buffer", depth: SectionBuffer.depth(forRanks: rr + 2), lanes: 8, laneBits: t2Bits, sideBits: 2)
        let cBuffer = SectionBuffer(b, "c_buffer", depth: SectionBuffer.depth(forRanks: lc + 2), lanes: 8, laneBits: cw, sideBits: 5)
        let accept = b.name(sValid & aBuffer.room, "accept")

        // ---- Section A: input rows -> FDCT row pass (encode, roundtrip) or as they are (decode) -> T1
        let aRow = (0..<8).map { b.register("a_row\($0)", width: cw, reset: nil) }
        let inRow = b.register("in_row", width: 3, reset: 0)   // row of the next input beat in its block
        let framing = b.register("framing", width: 1, reset: 0)
        // The row register loads every clock: a beat's valid bit, not an enable over 8 lanes, says
        // whether it holds one (the section never holds), so `accept` drives only the control.
        for k in 0..<8 { b.set(aRow[k], sData[k]) }
        b.when(accept) {
            b.set(inRow, inRow + 1)
            b.when(sLast.ne(inRow.eq(7))) { b.set(framing, b.one) }
        }
        a.advance(b, en: on, validIn: accept, sideIn: sUser, tap: aTap)
        let aIn = aRow.map { Lane(value: $0, signed: false) }
        let samplePort = fdctRow.inputs[0].port.width
        let fr = place(fdctRow, b, en: on, valid: a.ranks(b, from: 0, count: la, unless: decoding, own: fold > 1),
                       inputs: aIn.map { $0.low(8, signed: false, at: samplePort) })
        let aOut = (0..<8).map { k in
            b.select(decoding, aIn[k].low(coefficientBits, signed: true, at: t1Bits), fr[k].at(t1Bits))
        }

        // ---- Section B: T1 columns -> FDCT column pass -> quantize [-> dequantize -> IDCT column] -> T2
        let (bIn, bTakes, bSideIn) = transpose(t1, b, bits: t1Bits, from: aBuffer, room: bBuffer.room, register: "b_column",
                                                ranks: bRanks, tap: bTap)
        aBuffer.update(b, admit: accept, push: aTap.validCopies(a, count: aBuffer.controls.count, b), data: aOut, side: aOutTag, ready: t1.outputs("can_write_copies"))
        let fc = placeOctet(fdctColumn, b, en: on,
                            valid: bRanks.ranks(b, from: 0, count: fdctColumn.latency, unless: decoding, own: fold > 1), lanes: bIn)

        // Quantization tables: table 0 luminance, 1 chrominance (tuser[1] of a block's first beat picks
        // one), address 8·row + column. Row r of both tables is a 16-word memory {table, column} read
        // only by lane r; an entry reads as the reset table until written through qt_*, which takes
        // effect for the beats that read it from the next clock on. An entry is read in two clocks
        // (the words and the written bit into registers, then the choice into the entry register), so
        // it is read at the rank two before the kernel that uses it: the quantizers' for the column
        // arriving from the FDCT, the dequantizers' for the column from the quantizers, or (decode)
        // for the column from T1, which reaches the dequantizers two ranks after it is taken.
        let quantizeAt = fdctColumn.latency
        let qAhead = min(2, quantizeAt)
        let tableAddress = { (side: Signal) in b.concat(side[4], side[2, 0]) }
        // What a rank's sideband will be next clock.
        let entering = { (rank: Int) in rank == 0 ? bSideIn : bRanks.side[rank - 1] }
        // The address a rank's entries are read at, loaded beside the rank: a copy for each row's
        // memories (one register would drive all 8 rows').
        func address(_ name: String, _ value: Signal) -> [Signal] {
            let at = b.register("\(name)_at", width: 4, reset: nil)
            b.set(at, value)
            return b.copies(of: at, count: 8)
        }
        let qAt = address("q", tableAddress(entering(quantizeAt - qAhead)))
        let dqAt = address("dq", b.select(decoding, tableAddress(entering(0)), tableAddress(entering(rq - 2))))
        var qEntry: [Signal] = [], dqEntry: [Signal] = []
        for row in 0..<8 {
            let resetWords = (0..<16).map { resetTables[$0 / 8][row * 8 + $0 % 8] }
            let entries = b.memory("entry\(row)", depth: 16, width: ew, readLatency: 0)
            let resetEntries = b.memory("reset_entry\(row)", depth: 16, width: ew, readLatency: 0, contents: resetWords)
            let written = b.register("written\(row)", width: 16, reset: 0)   // entries written since reset
            b.when(qtWe & qtAddr[5, 3].eq(row)) {
                let address = b.concat(qtTable, qtAddr[2, 0])
                b.write(entries, at: address, qtData)
                b.set(written, bit: address, to: b.one)
            }
            // An entry read `ahead` clocks before it is used: in two clocks, or in one. The registers load
            // every clock, whatever the ranks hold: the kernel takes the entry in the clock its beat
            // arrives, and no enable has to reach the 8 rows' words from a valid bit.
            func read(_ name: String, at: Signal, ahead: Int) -> Signal {
                let entry = b.register("\(name)_entry\(row)", width: ew, reset: nil)
                guard ahead == 2 else {
                    b.set(entry, b.select(written.bit(at), b.read(entries, at: at), b.read(resetEntries, at: at)))
                    return entry
                }
                let word = b.register("\(name)_word\(row)", width: ew, reset: nil)
                let resetWord = b.register("\(name)_reset_word\(row)", width: ew, reset: nil)
                let isWritten = b.register("\(name)_written\(row)", width: 1, reset: nil)
                b.set(word, b.read(entries, at: at))
                b.set(resetWord, b.read(resetEntries, at: at))
                b.set(isWritten, written.bit(at))
                b.set(entry, b.select(isWritten, word, resetWord))
                return entry
            }
            qEntry.append(read("q", at: qAt[row], ahead: qAhead))
            dqEntry.append(read("dq", at: dqAt[row], ahead: 2))
        }
        let qz = placeLanes(quantize, b, en: on,
                            valid: bRanks.ranks(b, from: fdctColumn.latency, count: quantize.latency, unless: decoding, own: fold > 1)) { k, port in
            layout.fields.contains { $0.name == port.name } ? field(qEntry[k], port.name, width: port.width) : fc[k].at(port.width)
        }

        // Dequantizer: coefficients from T1 two ranks after they are taken (decode), or from the quantizers (roundtrip).
        let (ldq, lic) = (dequantize.latency, idctColumn.latency)
        let fromQuantizer = { (first: Int, count: Int) in
            b.select(decoding, bRanks.ranks(b, from: Self.decodeDelay + first, count: count, unless: encoding, own: fold > 1),
                     bRanks.ranks(b, from: rq + first, count: count, unless: encoding, own: fold > 1))
        }
        let dqPort = dequantize.inputs[0].port.width
        let coefficients = (0..<8).map { k in
            (1...Self.decodeDelay).reduce(bIn[k].at(dqPort)) { previous, d in
                let r = b.register("b_coefficient\(k)_d\(d)", width: dqPort, reset: nil)
                b.set(r, previous)
                return r
            }
        }
        let dq = placeLanes(dequantize, b, en: on, valid: fromQuantizer(0, ldq)) { k, port in
            port.name == "divisor" ? field(dqEntry[k], "divisor", width: port.width) : b.select(decoding, coefficients[k], qz[k].at(dqPort))
        }
        let ic = placeOctet(idctColumn, b, en: on, valid: fromQuantizer(ldq, lic), lanes: dq)
        let bOut = (0..<8).map { k in b.select(encoding, qz[k].at(t2Bits), ic[k].at(t2Bits)) }

        // ---- Section C: T2 rows -> IDCT row pass and range limit (decode, roundtrip) or as they are (encode)
        let (cIn, cTakes, _) = transpose(t2, b, bits: t2Bits, from: bBuffer, room: cBuffer.room, register: "c_row",
                                                ranks: c, tap: cTap)
        bBuffer.update(b, admit: bTakes, push: bTap.validCopies(bRanks, count: bBuffer.controls.count, b), data: bOut, side: bOutTag, ready: t2.outputs("can_write_copies"))
        let ir = placeOctet(idctRow, b, en: on, valid: c.ranks(b, from: 0, count: lc, unless: encoding, own: fold > 1),
                            lanes: cIn)
        let mOut = (0..<8).map { k in
            b.select(encoding, cIn[k].low(quantize.outputs[0].width, signed: true, at: cw), ir[k].at(cw))
        }
        let cOutSide = cTap.pick(c.side, b)
        cBuffer.update(b, admit: cTakes, push: cTap.validCopies(c, count: cBuffer.controls.count, b), data: mOut, side: cOutSide,
                           ready: Array(repeating: mReady, count: cBuffer.controls.count))
        let outSide = cBuffer.headSide
        b.output("s_axis_tready", aBuffer.room)
        b.output("m_axis_tdata", cBuffer.head)
        b.output("m_axis_tvalid", cBuffer.nonEmpty)
        b.output("m_axis_tlast", outSide[2, 0].eq(7))
        b.output("m_axis_tuser", b.select(outSide[2, 0].eq(0), outSide[4, 3], b.constant(0, width: 2)))
        b.output("framing_error", framing)
        return try b.build()
    }

    var core8Summary: String {
        let cw = laneBits
        return """
            The 8-lane streaming core: one row of an 8x8 block per beat, blocks in raster order within the
            block, every mode at run time (mode 0 encode: samples -> quantized coefficients; 1 decode:
            coefficients -> samples; 2 roundtrip: samples -> samples). Change mode only while no beat is in
            flight (after the last output beat has left; a beat goes no further than its mode's tap).
            tdata lane k (bits [\(cw)k+\(cw - 1):\(cw)k]) is column k of the row: a sample in its low 8 bits
            (upper bits 0 on output, ignored on input), or a coefficient as a \(cw)-bit two's complement
            number (decode reads its low \(coefficientBits) bits). tuser[0]: start of frame, on the first beat of a frame;
            tuser[1]: quantization table of the block (0 luminance, 1 chrominance), on the block's first beat.
            tlast on the last (8th) beat of every block; an input tlast anywhere else, or missing there, sets
            framing_error (sticky until reset). Full AXI4-Stream backpressure; tready does not depend on tvalid.
            Latency (no stalls, first input beat accepted -> first output beat valid): \(fold == 1 ? latencyText(lanes: 8) : "that of \(Self.core1) less its gatherer and spreader").
            Sections A (rows), B (columns), C (rows) joined by the transposes t1 and t2; each advances every
            clock and ends in a buffer, and takes a beat only while that buffer has room for every beat on its
            way, so it never holds. Tables after reset: \(tableDescription).
            """ + (fold == 1 ? "" : """

            Folded: beats at most one every \(fold) clocks (what the 1-lane core gives it); the kernels' multiplies
            share multiplier units and the transposes give one cross-line every \(fold) clocks.
            """)
    }

    /// The table port, passed on to the 8-lane core inside.
    func tablePort(_ b: ModuleBuilder, into core: InstanceHandle) {
        core.connect("qt_we", b.input("qt_we", width: 1))
        core.connect("qt_table", b.input("qt_table", width: 1))
        core.connect("qt_addr", b.input("qt_addr", width: 6))
        core.connect("qt_data", b.input("qt_data", width: layout.entryBits))
    }

    /// The 1-lane core: one value per beat, the 8-lane core between a row gatherer and a row spreader,
    /// so that it sustains one value per clock.
    func core1Module(core8: Module) throws -> Module {
        let cw = laneBits
        let b = ModuleBuilder(Self.core1, summary: """
            The 1-lane streaming core: one value per beat (lane format, tuser and modes as \(Self.core8)), built
            as the 8-lane core \(core8.name) between a serial-to-row gatherer and a row-to-serial spreader, so it
            sustains 1 value per clock\(fold == 1 ? "" : "; that core takes a row every \(fold) clocks at most, its kernels folded to share multipliers"). tlast on the 64th beat of every block; anywhere else sets framing_error.
            Latency (no stalls, first input beat accepted -> first output beat valid): \(latencyText(lanes: 1)).
            """)
        let core = b.instance(core8, name: "core")
        core.connect("mode", b.input("mode", width: 2))
        let sData = b.input("s_axis_tdata", width: cw), sValid = b.input("s_axis_tvalid", width: 1)
        let sLast = b.input("s_axis_tlast", width: 1), sUser = b.input("s_axis_tuser", width: 2)
        let mReady = b.input("m_axis_tready", width: 1)
        tablePort(b, into: core)

        // Gather: 8 values make a row; a full row waits for the core, and the next row's first value may
        // arrive in the clock the core takes it.
        let inLane = (0..<8).map { b.register("in_lane\($0)", width: cw, reset: nil) }
        let inCount = b.register("in_count", width: 3, reset: 0)
        let inFull = b.register("in_full", width: 1, reset: 0), inError = b.register("in_error", width: 1, reset: 0)
        let inLast = b.register("in_last", width: 1, reset: nil), inUser = b.register("in_user", width: 2, reset: nil)
        let rowReady = core.output("s_axis_tready")
        let sReady = ~inFull | rowReady
        let accept = sValid & sReady
        b.when(inFull & rowReady) { b.set(inFull, b.zero) }
        b.when(accept) {
            b.set(inCount, inCount + 1)
            for k in 0..<8 { b.when(inCount.eq(k)) { b.set(inLane[k], sData) } }
            b.when(inCount.eq(0)) { b.set(inUser, sUser) }
            b.when(inCount.eq(7)) {
                b.set(inFull, b.one)
                b.set(inLast, sLast)
            }
            b.when(sLast & inCount.ne(7)) { b.set(inError, b.one) }
        }
        core.connect("s_axis_tdata", inLane)
        core.connect("s_axis_tvalid", inFull)
        core.connect("s_axis_tlast", inLast)
        core.connect("s_axis_tuser", inUser)

        // Spread: a row goes out one value per beat; the next row is taken with the last beat.
        let outLane = (0..<8).map { b.register("out_lane\($0)", width: cw, reset: nil) }
        let outCount = b.register("out_count", width: 3, reset: 0)
        let outFull = b.register("out_full", width: 1, reset: 0)
        let outLast = b.register("out_last", width: 1, reset: nil), outUser = b.register("out_user", width: 2, reset: nil)
        let rowValid = core.output("m_axis_tvalid")
        let rowTaken = ~outFull | (outCount.eq(7) & mReady)
        core.connect("m_axis_tready", rowTaken)
        b.when(outFull & mReady) {
            b.set(outCount, outCount + 1)
            b.when(outCount.eq(7)) { b.set(outFull, b.zero) }
        }
        b.when(rowValid & rowTaken) {
            b.set(outFull, b.one)
            let row = core.outputs("m_axis_tdata")
            for k in 0..<8 { b.set(outLane[k], row[k]) }
            b.set(outUser, core.output("m_axis_tuser"))
            b.set(outLast, core.output("m_axis_tlast"))
        }
        b.output("s_axis_tready", sReady)
        b.output("m_axis_tdata", b.pick(outCount, from: outLane))
        b.output("m_axis_tvalid", outFull)
        b.output("m_axis_tlast", outLast & outCount.eq(7))
        b.output("m_axis_tuser", b.select(outCount.eq(0), outUser, b.constant(0, width: 2)))
        b.output("framing_error", core.output("framing_error") | inError)
        return try b.build()
    }

    /// A top for one mode and stream width: the core with the mode tied, and the lanes at their real
    /// widths (samples 8 bits, coefficients `laneBits`).
    func topModule(mode: CodecMode, lanes: Int, core: Module) throws -> Module {
        let cw = laneBits
        let inBits = mode == .decode ? cw : 8, outBits = mode == .encode ? cw : 8
        let b = ModuleBuilder(Self.topName(mode: mode, lanes: lanes), summary:
            "\(mode.rawValue), \(lanes == 8 ? "a row of 8" : "one") \(mode == .decode ? "coefficient" : "sample")"
            + "\(lanes == 8 ? "s" : "") per input beat -> \(mode == .encode ? "quantized coefficients" : "samples")"
            + " (\(outBits) bits per lane); \(core.name) with mode tied to \(mode.code).")
        let inner = b.instance(core, name: "core")
        inner.connect("mode", b.constant(Int(mode.code), width: 2))
        inner.connect("s_axis_tdata", b.inputs("s_axis_tdata", count: lanes, width: inBits).map { $0.zeroExtended(to: cw) })
        for (port, width) in [("s_axis_tvalid", 1), ("s_axis_tlast", 1), ("s_axis_tuser", 2), ("m_axis_tready", 1)] {
            inner.connect(port, b.input(port, width: width))
        }
        tablePort(b, into: inner)
        b.output("s_axis_tready", inner.output("s_axis_tready"))
        b.output("m_axis_tdata", inner.outputs("m_axis_tdata").map { $0.truncated(to: outBits) })
        for port in ["m_axis_tvalid", "m_axis_tlast", "m_axis_tuser", "framing_error"] { b.output(port, inner.output(port)) }
        return try b.build()
    }
}
