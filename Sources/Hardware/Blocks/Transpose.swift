extension Blocks {
    /// The ping-pong 8×8 transpose between the two 1-D passes: the Verilog core's T1 and T2, printed
    /// once per word width (it replaced a hand-written `fxc_transpose` with the same ports and behaviour).
    ///
    /// Lines (rows, or columns) go in one per write; once a buffer holds all 8 lines of a block, its
    /// cross-lines come out one per read while the other buffer fills. Element k of line i lives in
    /// bank (i + k) mod 8 at address {buffer, i}: a line write and a cross-line read each touch every
    /// bank once, so each bank is a 16-word memory with one write and one asynchronous read, and the
    /// only muxes are the two 8-way rotations. `full` has a bit per buffer; a block's tag is taken
    /// with its first line (tags are not reset, as in the hand-written module). The rotations' selects
    /// and the read side's bank addresses are registers kept equal to what `wr_line`, `rd_buffer` and
    /// `rd_line` give, so a write is one 8-way mux from registers into a memory and a cross-line one
    /// memory read and one 8-way mux.
    ///
    /// With `registeredRead`, the banks' outputs and the rotation's selects go through registers that
    /// load every clock, and `rd_data` is the cross-line read the clock before (taken with `rd_en`,
    /// its `rd_index` and `rd_tag` shown in the clock it was taken): the memory read and the rotation
    /// are in two clocks.
    ///
    /// With `readyCopies` > 0, `can_write` is a register kept equal to what `full` and `wr_buffer`
    /// give (its next value from theirs), and `can_write_copies` has that many registers equal to it,
    /// one for each place that must know whether a line can be written.
    ///
    /// With `stagedWrite` (and `registeredRead`), a line taken by a write goes first into registers
    /// that load every clock, and from them into the banks in the next clock: the writer's words
    /// reach a register with no logic between, and the rotation (bank k takes element k - line, a
    /// mux indexed by the staged line with its inputs permuted) and the memories' write ports see
    /// only the transpose's own registers. `full`, `can_write` and the read side still follow the
    /// write when it is taken, so the ports behave as without it; the one read that can meet a line
    /// still staged (the first cross-line, in the clock the last line lands) takes the staged word.
    /// Writes and reads must keep to `can_write` and `rd_valid`.
    public static func transpose(name: String = "fxc_transpose", width: Int = 16, tagWidth: Int = 2,
                                 registeredRead: Bool = false, readyCopies: Int = 0,
                                 stagedWrite: Bool = false) throws -> Module {
        precondition(!stagedWrite || registeredRead, "a staged write needs the registered read (it bypasses into it)")
        let b = ModuleBuilder(name, summary: "Ping-pong 8x8 transpose: 8 lines in, 8 cross-lines out (element k at bits [W*k +: W]).")
        let full = b.register("full", width: 2, reset: 0)
        let wrBuffer = b.register("wr_buffer", width: 1, reset: 0)
        let rdBuffer = b.register("rd_buffer", width: 1, reset: 0)
        let wrLine = b.register("wr_line", width: 3, reset: 0)
        let rdLine = b.register("rd_line", width: 3, reset: 0)
        let tags = [b.register("tag0", width: tagWidth, reset: nil), b.register("tag1", width: tagWidth, reset: nil)]
        // The line written (read) next is a block's last: kept beside the counters, so the decisions
        // taken at a block's end wait for no comparison.
        let wrLast = b.register("wr_last", width: 1, reset: 0), rdLast = b.register("rd_last", width: 1, reset: 0)

        let canWrite = readyCopies > 0 ? b.register("can_write_r", width: 1, reset: 1) : ~full.bit(wrBuffer)
        let write = b.inputChannel(valid: "wr_en", ready: ("can_write", canWrite),
                                   fields: [.init("wr_data", width: width, count: 8), .init("wr_tag", width: tagWidth)])
        // Bank k takes element k - wr_line of a line and reads address {rd_buffer, k - rd_line}; lane k
        // of a cross-line is bank k + rd_line.
        let wrSelect = stagedWrite ? [] : (0..<8).map { b.register("wr_select\($0)", width: 3, reset: UInt64($0)) }
        let rdAddress = (0..<8).map { b.register("rd_address\($0)", width: 4, reset: UInt64($0)) }
        let rdSelect = (0..<8).map { b.register("rd_select\($0)", width: 3, reset: UInt64($0)) }
        // The staged line: its words, tag, line and buffer, loaded every clock; `wr_staged` says a
        // write was taken. Each byte of each bank's rotation reads its own copy of the line.
        let slices = stride(from: 0, to: width, by: 8).map { (lsb: $0, msb: min($0 + 8, width) - 1) }
        let staged = stagedWrite ? b.register("wr_staged", width: 1, reset: 0) : b.zero
        var stagedData: [Signal] = [], stagedTag = b.zero, stagedLine = wrLine, stagedBuffer = wrBuffer
        var stagedLineCopies: [Signal] = []
        if stagedWrite {
            b.set(staged, write.fire)
            stagedData = write.elements("wr_data").indices.map { k in
                let r = b.register("wr_staged_data\(k)", width: width, reset: nil)
                b.set(r, write.elements("wr_data")[k])
                return r
            }
            stagedTag = b.register("wr_staged_tag", width: tagWidth, reset: nil)
            stagedLine = b.register("wr_staged_line", width: 3, reset: nil)
            stagedBuffer = b.register("wr_staged_buffer", width: 1, reset: nil)
            b.set(stagedTag, write["wr_tag"])
            b.set(stagedLine, wrLine)
            b.set(stagedBuffer, wrBuffer)
            stagedLineCopies = b.copies(of: stagedLine, count: 8 * slices.count)
        }
        var bankOut: [Signal] = []
        for bank in 0..<8 {
            let memory = b.memory("bank\(bank)", depth: 16, width: width, readLatency: 0)
            if stagedWrite {
                // Bank k takes element (k - line) mod 8: a mux on the line whose input j is element k - j.
                let elements = (0..<8).map { stagedData[(bank - $0 + 8) % 8] }
                let word = b.concat(slices.indices.reversed().map { j in
                    b.pick(stagedLineCopies[bank * slices.count + j], from: elements.map { $0[slices[j].msb, slices[j].lsb] })
                })
                let address = b.concat(stagedBuffer, stagedLineCopies[bank * slices.count])
                b.when(staged) { b.write(memory, at: address, word) }
            } else {
                b.when(write.fire) {
                    b.write(memory, at: b.concat(wrBuffer, wrLine), b.pick(wrSelect[bank], from: write.elements("wr_data")))
                }
            }
            bankOut.append(b.read(memory, at: rdAddress[bank]))
        }
        // A buffer is read only once full, and it is full from the clock after its last line is taken,
        // when that line lands. So a read meets a staged line only then: the block's first cross-line
        // (rd_line 0) from the buffer the line lands in, and only in bank 7 (line 7, element 0), which
        // then takes element 0 from the stage.
        var bypass: (hit: Signal, word: Signal)? = nil
        if stagedWrite {
            let lastLands = b.register("wr_staged_last", width: 1, reset: 0)
            b.set(lastLands, write.fire & wrLast)
            bypass = (lastLands & stagedBuffer.eq(rdBuffer), stagedData[0])
        }
        let crossLine: [Signal]
        if registeredRead {
            let held = bankOut.indices.map { bank in
                let r = b.register("bank_out\(bank)", width: width, reset: nil)
                if let bypass, bank == 7 {
                    b.set(r, b.select(bypass.hit, bypass.word, bankOut[bank]))
                } else {
                    b.set(r, bankOut[bank])
                }
                return r
            }
            let heldSelect = rdSelect.indices.map { k in
                let r = b.register("rotate_select\(k)", width: 3, reset: nil)
                b.set(r, rdSelect[k])
                return r
            }
            crossLine = (0..<8).map { k in b.pick(heldSelect[k], from: held) }
        } else {
            crossLine = (0..<8).map { k in b.pick(rdSelect[k], from: bankOut) }
        }
        let read = b.outputChannel(valid: ("rd_valid", full.bit(rdBuffer)), ready: "rd_en",
                                   fields: [("rd_index", [rdLine]), ("rd_tag", [b.select(rdBuffer, tags[1], tags[0])]),
                                            ("rd_data", crossLine)])

        if readyCopies > 0 {
            // Each copy computes its next value itself, from its own value where the write fire is
            // needed, so each is a small cone beside the control it tells rather than one decision
            // routed to all of them (equal cones would be merged into one).
            let copies = (0..<readyCopies).map { b.register("can_write_copy\($0)", width: 1, reset: 1) }
            b.output("can_write_copies", copies)
            // A buffer is full next clock if it is now or its last line is written now, unless its
            // last cross-line is read now; a line can be written next clock unless the buffer then
            // written is full.
            // So, with `same` when the buffer read is the one written: not filling now, a line can be
            // written next clock if its buffer is free or its last cross-line is read now (same);
            // filling now, if the other buffer is free or its last cross-line is read now (not same).
            let emptied = read.fire & rdLast, same = rdBuffer.eq(wrBuffer)
            for register in [canWrite] + copies {
                let filled = write.valid & register & wrLast
                b.set(register, b.select(filled, ~full.bit(~wrBuffer) | (emptied & ~same), ~full.bit(wrBuffer) | (emptied & same)))
            }
        }
        b.when(write.fire) {
            for k in wrSelect.indices { b.set(wrSelect[k], b.constant(k, width: 3) - (wrLine + 1)) }
            b.set(wrLine, wrLine + 1)
            b.set(wrLast, wrLine.eq(6))
            b.when(wrLast) {
                b.set(full, bit: wrBuffer, to: b.one)
                b.set(wrBuffer, ~wrBuffer)
            }
        }
        // A block's tag is taken with its first line (staged: as that line lands).
        let tagTaken = stagedWrite ? staged : write.fire, tagIn = stagedWrite ? stagedTag : write["wr_tag"]
        b.when(tagTaken & stagedLine.eq(0)) {
            b.when(stagedBuffer) { b.set(tags[1], tagIn) } otherwise: { b.set(tags[0], tagIn) }
        }
        b.when(read.fire) {
            let nextLine = rdLine + 1, nextBuffer = b.select(rdLast, ~rdBuffer, rdBuffer)
            for k in 0..<8 {
                b.set(rdAddress[k], b.concat(nextBuffer, b.constant(k, width: 3) - nextLine))
                b.set(rdSelect[k], b.constant(k, width: 3) + nextLine)
            }
            b.set(rdLine, nextLine)
            b.set(rdLast, rdLine.eq(6))
            b.when(rdLast) {
                b.set(full, bit: rdBuffer, to: b.zero)
                b.set(rdBuffer, ~rdBuffer)
            }
        }
        return try b.build()
    }
}
