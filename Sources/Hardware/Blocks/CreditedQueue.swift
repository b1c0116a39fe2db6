extension ModuleBuilder {
    /// The end of a pipeline that never stalls: a queue (LUT RAM, `depth` places) before an output
    /// register, with credits. A beat may be issued at the pipeline's head only while `credit` is 1;
    /// it arrives at the queue some clocks later, whatever the downstream does, and its credit comes
    /// back when it leaves the output register. So the downstream's ready reaches the output register
    /// and the queue's read side alone, never the pipeline, and beats issued ≤ places: nothing is lost.
    /// One beat a clock without stalls when `depth` is at least the clocks from issue to a credit's
    /// return.
    ///   let q = b.creditedQueue("out", depth: 16)                 // q.credit: a register
    ///   let issue = available & q.credit
    ///   … stages from `issue` …
    ///   let out = q.drain(issue: issue, arriving: lastStageValid, fields: values) { valid, fields in
    ///       b.outputChannel(valid: ("m_axis_tvalid", valid), ready: "m_axis_tready", fields: …).ready }
    public func creditedQueue(_ name: String, depth: Int) -> CreditedQueue {
        let bits = Module.addressBits(depth: depth)
        return CreditedQueue(builder: self, name: name, depth: depth,
                             credits: register("\(name)_credits", width: bits + 1, reset: UInt64(depth)),
                             credit: register("\(name)_credit", width: 1, reset: 1))
    }
}

public struct CreditedQueue {
    let builder: ModuleBuilder
    let name: String
    let depth: Int
    let credits: Signal
    /// 1 while a beat may be issued (a register: credits ≠ 0).
    public let credit: Signal

    /// The queue and the output register. `issue`: a beat issued at the head this clock (only while
    /// `credit`); `arriving`, `fields`: a beat at the pipeline's end, written to the queue; `output`:
    /// given the output register's valid and fields, returns the downstream's ready (an output
    /// channel's). Returns the output register's valid and fields, and its fire (valid & ready).
    public func drain(issue: Signal, arriving: Signal, fields: [Signal], output: (_ valid: Signal, _ fields: [Signal]) -> Signal)
        -> (valid: Signal, fields: [Signal], fire: Signal) {
        let b = builder, bits = Module.addressBits(depth: depth)
        // The fields side by side in words of at most 64 bits, a memory each.
        var groups: [[Int]] = [[]], used = 0
        for (n, f) in fields.enumerated() {
            if used + f.width > 64 { groups.append([]); used = 0 }
            groups[groups.count - 1].append(n); used += f.width
        }
        let memories = groups.enumerated().map { g, members in
            b.memory(groups.count == 1 ? "\(name)_queue" : "\(name)_queue\(g)", depth: depth,
                     width: members.reduce(0) { $0 + fields[$1].width }, readLatency: 0)
        }
        let outValid = b.register("\(name)_valid", width: 1, reset: 0)
        let out = fields.enumerated().map { b.register("\(name)_field\($0)", width: $1.width, reset: nil) }
        let ready = output(outValid, out)
        let queued = b.register("\(name)_queued", width: bits + 1, reset: 0)
        let writeAt = b.register("\(name)_write", width: bits, reset: 0), readAt = b.register("\(name)_read", width: bits, reset: 0)
        b.when(arriving) {
            for (memory, members) in zip(memories, groups) { b.write(memory, at: writeAt, b.concat(members.reversed().map { fields[$0] })) }
            b.set(writeAt, writeAt + 1)
        }
        let fire = b.name(outValid & ready, "\(name)_fire")
        let load = b.name(queued.ne(0) & (~outValid | ready), "\(name)_load")
        b.when(load) {
            b.set(readAt, readAt + 1)
            for (memory, members) in zip(memories, groups) {
                let word = b.read(memory, at: readAt)
                var low = 0
                for n in members {
                    b.set(out[n], word[low + fields[n].width - 1, low])
                    low += fields[n].width
                }
            }
        }
        b.when(~outValid | ready) { b.set(outValid, load) }
        b.set(queued, b.select(arriving, b.select(load, queued, queued + 1), b.select(load, queued - 1, queued)))
        // credits − issued + returned; `credit` is whether that is above 0, registered with it, decided
        // without the sum: one issued alone leaves some if there were 2 or more, one returned alone
        // leaves some, else it stays.
        let next = b.select(issue, b.select(fire, credits, credits - 1), b.select(fire, credits + 1, credits))
        b.set(credits, next)
        b.set(credit, b.select(issue & ~fire, credits[bits, 1].ne(0), b.select(fire & ~issue, b.one, credit)))
        return (outValid, out, fire)
    }
}
