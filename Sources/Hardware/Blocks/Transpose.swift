extension Blocks {
    /// The ping-pong 8×8 transpose between the two 1-D passes: the Verilog core's T1 and T2, printed
    /// once per word width (it replaced a hand-written `fxc_transpose` with the same ports and behaviour).
    ///
    /// Lines (rows, or columns) go in one per write; once a buffer holds all 8 lines of a block, its
    /// cross-lines come out one per read while the other buffer fills. Element k of line i lives in
    /// bank (i + k) mod 8 at address {buffer, i}: a line write and a cross-line read each touch every
    /// bank once, so each bank is a 16-word memory with one write and one asynchronous read, and the
    /// only muxes are the two 8-way rotations. `full` has a bit per buffer; a block's tag is taken
    /// with its first line (tags are not reset, as in the hand-written module).
    public static func transpose(name: String = "fxc_transpose", width: Int = 16, tagWidth: Int = 2) throws -> Module {
        let b = ModuleBuilder(name, summary: "Ping-pong 8x8 transpose: 8 lines in, 8 cross-lines out (element k at bits [W*k +: W]).")
        let full = b.register("full", width: 2, reset: 0)
        let wrBuffer = b.register("wr_buffer", width: 1, reset: 0)
        let rdBuffer = b.register("rd_buffer", width: 1, reset: 0)
        let wrLine = b.register("wr_line", width: 3, reset: 0)
        let rdLine = b.register("rd_line", width: 3, reset: 0)
        let tags = [b.register("tag0", width: tagWidth, reset: nil), b.register("tag1", width: tagWidth, reset: nil)]

        let write = b.inputChannel(valid: "wr_en", ready: ("can_write", ~full.bit(wrBuffer)),
                                   fields: [.init("wr_data", width: width, count: 8), .init("wr_tag", width: tagWidth)])
        var bankOut: [Signal] = []
        for bank in 0..<8 {
            let memory = b.memory("bank\(bank)", depth: 16, width: width, readLatency: 0)
            let here = b.constant(bank, width: 3)
            b.when(write.fire) {
                b.write(memory, at: b.concat(wrBuffer, wrLine), b.pick(here - wrLine, from: write.elements("wr_data")))
            }
            bankOut.append(b.read(memory, at: b.concat(rdBuffer, here - rdLine)))
        }
        let crossLine = (0..<8).map { k in b.pick(b.constant(k, width: 3) + rdLine, from: bankOut) }
        let read = b.outputChannel(valid: ("rd_valid", full.bit(rdBuffer)), ready: "rd_en",
                                   fields: [("rd_index", [rdLine]), ("rd_tag", [b.select(rdBuffer, tags[1], tags[0])]),
                                            ("rd_data", crossLine)])

        b.when(write.fire) {
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
            b.set(rdLine, rdLine + 1)
            b.when(rdLine.eq(7)) {
                b.set(full, bit: rdBuffer, to: b.zero)
                b.set(rdBuffer, ~rdBuffer)
            }
        }
        return try b.build()
    }
}
