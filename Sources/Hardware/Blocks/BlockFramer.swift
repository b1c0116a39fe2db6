extension Blocks {
    /// The AXI4-Stream framing of the cores as a description: a register stage that passes beats on
    /// with full backpressure (s_axis_tready = output empty or taken this clock: it depends on state and
    /// m_axis_tready, never on s_axis_tvalid), counts the beats of each block, sends tuser only on a
    /// block's first beat and tlast on its last, and sets `framing_error` (sticky until reset) when an
    /// input tlast comes anywhere but on the last beat of a block, or is missing there.
    public static func blockFramer(name: String = "fxh_block_framer", beats: Int = 8, width: Int = 16) throws -> Module {
        let b = ModuleBuilder(name, summary: "AXI4-Stream stage: \(beats) beats a block, tuser on the first, tlast on the last, framing_error on a misplaced tlast.")
        let beat = b.register("beat", width: Module.addressBits(depth: beats), reset: 0)
        let full = b.register("out_valid", width: 1, reset: 0)
        let data = b.register("out_data", width: width, reset: nil)
        let user = b.register("out_user", width: 2, reset: nil)
        let last = b.register("out_last", width: 1, reset: nil)
        let error = b.register("error", width: 1, reset: 0)

        let out = b.outputChannel(valid: ("m_axis_tvalid", full), ready: "m_axis_tready",
                                  fields: [("m_axis_tdata", [data]), ("m_axis_tuser", [user]), ("m_axis_tlast", [last])])
        let input = b.inputChannel(valid: "s_axis_tvalid", ready: ("s_axis_tready", ~full | out.ready),
                                   fields: [.init("s_axis_tdata", width: width), .init("s_axis_tuser", width: 2), .init("s_axis_tlast", width: 1)])
        b.output("framing_error", error)

        let first = beat.eq(0), lastBeat = beat.eq(beats - 1)
        b.when(out.fire) { b.set(full, b.zero) }
        b.when(input.fire) {
            b.set(full, b.one)
            b.set(data, input["s_axis_tdata"])
            b.set(user, b.select(first, input["s_axis_tuser"], b.constant(0, width: 2)))
            b.set(last, lastBeat)
            b.set(beat, b.select(lastBeat, b.constant(0, width: beat.width), beat + 1))
            b.when(input["s_axis_tlast"].ne(lastBeat)) { b.set(error, b.one) }
        }
        return try b.build()
    }
}
