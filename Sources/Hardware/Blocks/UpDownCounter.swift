extension Blocks {
    /// The small example: each word taken on the input channel steps a counter up (or down, when
    /// `s_down` is 1), and the new count is offered on the output channel; while an offer waits the
    /// input is not ready (backpressure from state).
    public static func upDownCounter(width: Int = 8) throws -> Module {
        let b = ModuleBuilder("up_down_counter", summary: "Counts words in (down when s_down is 1) and offers each new count out.")
        let count = b.register("count", width: width, reset: 0)
        let pending = b.register("pending", width: 1, reset: 0)
        let step = b.inputChannel(valid: "s_valid", ready: ("s_ready", ~pending), fields: [.init("s_down", width: 1)])
        let offer = b.outputChannel(valid: ("m_valid", pending), ready: "m_ready", fields: [("m_count", [count])])
        b.when(offer.fire) { b.set(pending, b.zero) }
        b.when(step.fire) {
            b.set(count, b.select(step["s_down"], count - 1, count + 1))
            b.set(pending, b.one)
        }
        return try b.build()
    }
}
