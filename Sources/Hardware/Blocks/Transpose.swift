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
    /// give (its next value from theirs), and `can_write_copies` has that many copies of it, one for
    /// each place that must know whether a line can be written.
    public static func transpose(name: String = "fxc_transpose", width: Int = 16, tagWidth: Int = 2,
                                 registeredRead: Bool = false, readyCopies: Int = 0) throws -> Module {
        let b = ModuleBuilder(name, summary: "Ping-pong 8x8 transpose: 8 lines in, 8 cross-lines out (element k at bits [W*k +: W]).")
        let full = b.register("full", width: 2, reset: 0)
        let wrBuffer = b.register("wr_buffer", width: 1, reset: 0)
        let rdBuffer = b.register("rd_buffer", width: 1, reset: 0)
        let wrLine = b.register("wr_line", width: 3, reset: 0)
        let rdLine = b.register("rd_line", width: 3, reset: 0)
        let tags = [b.register("tag0", width: tagWidth, reset: nil), b.register("tag1", width: tagWidth, reset: nil)]

        let canWrite = readyCopies > 0 ? b.register("can_write_r", width: 1, reset: 1) : ~full.bit(wrBuffer)
        let write = b.inputChannel(valid: "wr_en", ready: ("can_write", canWrite),
                                   fields: [.init("wr_data", width: width, count: 8), .init("wr_tag", width: tagWidth)])
        // Bank k takes element k - wr_line of a line and reads address {rd_buffer, k - rd_line}; lane k
        // of a cross-line is bank k + rd_line.
        let wrSelect = (0..<8).map { b.register("wr_select\($0)", width: 3, reset: UInt64($0)) }
        let rdAddress = (0..<8).map { b.register("rd_address\($0)", width: 4, reset: UInt64($0)) }
        let rdSelect = (0..<8).map { b.register("rd_select\($0)", width: 3, reset: UInt64($0)) }
        var bankOut: [Signal] = []
        for bank in 0..<8 {
            let memory = b.memory("bank\(bank)", depth: 16, width: width, readLatency: 0)
            b.when(write.fire) {
                b.write(memory, at: b.concat(wrBuffer, wrLine), b.pick(wrSelect[bank], from: write.elements("wr_data")))
            }
            bankOut.append(b.read(memory, at: rdAddress[bank]))
        }
        let crossLine: [Signal]
        if registeredRead {
            let held = bankOut.indices.map { bank in
                let r = b.register("bank_out\(bank)", width: width, reset: nil)
                b.set(r, bankOut[bank])
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
            b.output("can_write_copies", b.copies(of: canWrite, count: readyCopies))
            // A buffer is full next clock if it is now or its last line is written now, unless its
            // last cross-line is read now; a line can be written next clock unless the buffer then
            // written is full.
            let filled = write.fire & wrLine.eq(7), emptied = read.fire & rdLine.eq(7)
            let fullNext = (0..<2).map { i in
                (full[i] | (filled & wrBuffer.eq(i))) & ~(emptied & rdBuffer.eq(i))
            }
            b.set(canWrite, ~b.select(b.select(filled, ~wrBuffer, wrBuffer), fullNext[1], fullNext[0]))
        }
        b.when(write.fire) {
            for k in 0..<8 { b.set(wrSelect[k], b.constant(k, width: 3) - (wrLine + 1)) }
            b.set(wrLine, wrLine + 1)
            b.when(wrLine.eq(7)) {
                b.set(full, bit: wrBuffer, to: b.one)
                b.set(wrBuffer, ~wrBuffer)
            }
            b.when(wrLine.eq(0)) {
                b.when(wrBuffer) { b.set(tags[1], write["wr_tag"]) } otherwise: { b.set(tags[0], write["wr_tag"]) }
            }
        }
        b.when(read.fire) {
            let nextLine = rdLine + 1, nextBuffer = b.select(rdLine.eq(7), ~rdBuffer, rdBuffer)
            for k in 0..<8 {
                b.set(rdAddress[k], b.concat(nextBuffer, b.constant(k, width: 3) - nextLine))
                b.set(rdSelect[k], b.constant(k, width: 3) + nextLine)
            }
            b.set(rdLine, nextLine)
            b.when(rdLine.eq(7)) {
                b.set(full, bit: rdBuffer, to: b.zero)
                b.set(rdBuffer, ~rdBuffer)
            }
        }
        return try b.build()
    }
}
