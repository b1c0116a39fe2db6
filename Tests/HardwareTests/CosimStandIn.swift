import Hardware

/// A stand-in for the streaming core: its ports (`mode`, the AXI4-Stream pair with `lanes` lanes of
/// 12 bits, the table port, `framing_error`), and a behaviour small enough to verilate in seconds that
/// still uses all of them:
///
///   out = f_mode(x) + table[t][i]   (12 bits, wrapping), f = x, −x, x >> 1 (arithmetic), ~x,
///
/// for the value x at raster index i of a block whose first beat had tuser bit 1 = t. Tables are one
/// 128-word memory (table t at 64·t), power-on words (37·a + 5) mod 1024, written through qt_*. The
/// beats pass through a 2-entry FIFO whose input is ready only when it has room (backpressure from
/// state). Two lane-0 input values are faults on purpose, to exercise the harness's checks:
/// `fault` makes that beat's tlast and tuser wrong, shows its valid only every other clock, sends it
/// twice and sets framing_error; `halt` stops both channels until reset.
enum CosimStandIn {
    static let laneBits = 12
    static let tableBits = 10
    static let fault = -2048
    static let halt = 2047

    static func name(lanes: Int) -> String { "fxt_cosim_standin_x\(lanes)" }

    static func resetTables() -> [UInt64] { (0..<128).map { UInt64(($0 * 37 + 5) % 1024) } }

    /// The value out for `x` at `index` of a block on table word `t`, as the harness reads the lane.
    static func output(mode: Int, x: Int32, t: UInt64) -> Int32 {
        let mask = (1 << laneBits) - 1
        var v = Int(x) & mask
        if v >= 1 << (laneBits - 1) { v -= 1 << laneBits }
        let f = [v, -v, v >> 1, ~v][mode]
        let sum = (f + Int(t)) & mask
        return Int32(sum >= 1 << (laneBits - 1) ? sum - (1 << laneBits) : sum)
    }

    /// `renamed` gives a port another name (to leave one out).
    static func module(lanes: Int, renamed: [String: String] = [:]) throws -> Module {
        func port(_ name: String) -> String { renamed[name] ?? name }
        let b = ModuleBuilder(name(lanes: lanes), summary: "Co-simulation stand-in: table add through a 2-entry FIFO.")
        let beatBits = Module.addressBits(depth: 64 / lanes)
        let mode = b.input(port("mode"), width: 2)
        let qtWe = b.input(port("qt_we"), width: 1), qtTable = b.input(port("qt_table"), width: 1)
        let qtAddr = b.input(port("qt_addr"), width: 6), qtData = b.input(port("qt_data"), width: tableBits)

        let count = b.register("count", width: 2, reset: 0)
        let wr = b.register("wr", width: 1, reset: 0), rd = b.register("rd", width: 1, reset: 0)
        let beat = b.register("beat", width: beatBits, reset: 0)
        let blockTable = b.register("block_table", width: 1, reset: nil)
        let halted = b.register("halted", width: 1, reset: 0)
        let repeated = b.register("repeated", width: 1, reset: 0)
        let framing = b.register("framing", width: 1, reset: 0)
        // Free running, not reset: it carries on through reset from run to run.
        let toggle = b.register("toggle", width: 1, reset: nil)

        let table = b.memory("tables", depth: 128, width: tableBits, readLatency: 0, contents: resetTables())
        b.when(qtWe) { b.write(table, at: b.concat(qtTable, qtAddr), qtData) }
        let fifo = (0..<lanes).map { b.memory("fifo\($0)", depth: 2, width: laneBits, readLatency: 0) }
        // {fault, last, user}
        let side = b.memory("fifo_side", depth: 2, width: 4, readLatency: 0)

        let head = b.read(side, at: rd)
        let headFault = head[3]
        let out = b.outputChannel(valid: (port("m_axis_tvalid"), count.ne(0) & ~halted & (~headFault | toggle)),
                                  ready: port("m_axis_tready"),
                                  fields: [(port("m_axis_tdata"), fifo.map { b.read($0, at: rd) }),
                                           (port("m_axis_tlast"), [head[2] ^ headFault]),
                                           (port("m_axis_tuser"), [head[1, 0] ^ b.concat(b.zero, headFault)])])
        let input = b.inputChannel(valid: port("s_axis_tvalid"), ready: (port("s_axis_tready"), count.ne(2) & ~halted),
                                   fields: [.init(port("s_axis_tdata"), width: laneBits, count: lanes),
                                            .init(port("s_axis_tlast"), width: 1), .init(port("s_axis_tuser"), width: 2)])
        b.output(port("framing_error"), framing)

        // A fault beat goes out twice: the first time it does not leave the FIFO.
        let pop = out.fire & (~headFault | repeated)
        b.when(out.fire & headFault) { b.set(repeated, ~repeated) }
        b.when(pop) { b.set(rd, ~rd) }
        b.when(pop & headFault) { b.set(framing, b.one) }

        let x = input.elements(port("s_axis_tdata"))
        let first = beat.eq(0), lastBeat = beat.eq(64 / lanes - 1)
        let user = input[port("s_axis_tuser")]
        let selected = b.select(first, user[1], blockTable)
        b.when(input.fire) {
            for (k, memory) in fifo.enumerated() {
                let index = (beat.zeroExtended(to: 6) << (lanes == 1 ? 0 : 3)) | b.constant(k, width: 6)
                let t = b.read(table, at: b.concat(selected, index)).zeroExtended(to: laneBits)
                let f = b.pick(mode, from: [x[k], 0 - x[k], x[k].shifted(.arithmeticRight, by: 1), ~x[k]])
                b.write(memory, at: wr, f + t)
            }
            let isFault = x[0].eq(b.constant(fault, width: laneBits))
            b.write(side, at: wr, b.concat(isFault, lastBeat, b.select(first, user, b.constant(0, width: 2))))
            b.set(wr, ~wr)
            b.set(blockTable, selected)
            b.set(beat, b.select(lastBeat, b.constant(0, width: beatBits), beat + 1))
            b.when(x[0].eq(b.constant(halt, width: laneBits))) { b.set(halted, b.one) }
            b.when(input[port("s_axis_tlast")].ne(lastBeat)) { b.set(framing, b.one) }
        }
        b.when(input.fire & ~pop) { b.set(count, count + 1) }
        b.when(pop & ~input.fire) { b.set(count, count - 1) }
        b.set(toggle, ~toggle)
        return try b.build()
    }
}
