/// A module evaluated clock by clock, with the meaning of the printed Verilog:
///
///   step(inputs): the combinational outputs are computed from the state and these inputs (what the
///   Verilog shows before the rising edge of `aclk`), then the edge happens: registered reads load
///   (before this edge's write: read first), the memory writes land, every register takes its next
///   value, or its reset value when `aresetn` (input element 0) is 0; external blocks step their models.
///
/// Inputs and outputs are flat arrays of UInt64, one entry per port element in port order (inputs
/// begin with `aresetn`); input bits above an element's width are ignored. The state lives in slots
/// allocated once; `step(_:into:)` allocates nothing.
public final class CycleSimulator {
    public let module: Module
    let program: UnsafeMutableBufferPointer<Instruction>
    let slots: UnsafeMutablePointer<UInt64>
    let memory: UnsafeMutablePointer<UInt64>
    let memoryWords: Int
    let memoryBase: [Int]
    /// Per input element: its slot and mask.
    let inputSlots: [(slot: Int, mask: UInt64)]
    let outputSlots: [Int]
    let updates: UnsafeMutableBufferPointer<Update>
    let staged: UnsafeMutablePointer<UInt64>
    let writes: [Write]
    let models: [any ExternalModel]
    let externals: UnsafeMutableBufferPointer<External>

    /// A register or registered read: slot ← (reset active and resettable) ? reset : (enable ? source : slot).
    struct Update {
        var slot: Int
        var resettable: Bool
        var reset: UInt64
        /// A slot, or for a registered read the address slot (the data comes from `memory`).
        var source: Int
        /// -1: always; else the slot of the enable.
        var enable: Int
        /// -1 for a register; else the memory's base, with its depth in `depth`.
        var base: Int
        var depth: Int
    }

    struct Write {
        var enable: Int, address: Int, data: Int, base: Int, depth: Int
    }

    /// An external block's model and where its ports live among the slots. Plain pointers and an
    /// unowned model (kept alive by `models`), so the per-clock loops copy it without reference counting.
    struct External {
        unowned(unsafe) let model: any ExternalModel
        let inputSlots: UnsafeMutableBufferPointer<Int>
        let inputMasks: UnsafeMutableBufferPointer<UInt64>
        let outputSlots: UnsafeMutableBufferPointer<Int>
        let inputValues: UnsafeMutableBufferPointer<UInt64>
        let outputValues: UnsafeMutableBufferPointer<UInt64>

        /// The inputs from their slots, then the model's edge.
        func edge(_ s: UnsafeMutablePointer<UInt64>) {
            for k in 0..<inputSlots.count { inputValues[k] = s[inputSlots[k]] & inputMasks[k] }
            model.edge(UnsafeBufferPointer(inputValues))
        }

        /// The model's outputs into their slots.
        func show(_ s: UnsafeMutablePointer<UInt64>) {
            model.outputs(outputValues)
            for k in 0..<outputSlots.count { s[outputSlots[k]] = outputValues[k] }
        }

        func deallocate() {
            for buffer in [inputMasks, inputValues, outputValues] { buffer.deallocate() }
            inputSlots.deallocate()
            outputSlots.deallocate()
        }
    }

    public var inputCount: Int { inputSlots.count }
    public var outputCount: Int { outputSlots.count }

    /// Child descriptions are inlined first (`Module.flattened`); `module` is the flat result.
    public init(_ described: Module) {
        let module: Module
        do { module = try described.flattened() } catch { preconditionFailure("\(error)") }
        self.module = module
        var base: [Int] = [], total = 0
        for m in module.memories { base.append(total); total += m.depth }
        memoryBase = base
        memoryWords = total
        let compiled = Instruction.compile(module, memoryBase: base)
        program = .allocate(capacity: compiled.count)
        _ = program.initialize(from: compiled)
        slots = .allocate(capacity: max(module.nodes.count, 1))
        slots.initialize(repeating: 0, count: max(module.nodes.count, 1))
        memory = .allocate(capacity: max(total, 1))
        memory.initialize(repeating: 0, count: max(total, 1))
        inputSlots = module.inputs.flatMap { p in p.elements.map { ($0, Signal.mask(p.width)) } }
        outputSlots = module.outputs.flatMap(\.elements)

        var list = module.registers.map {
            Update(slot: $0.value, resettable: $0.reset != nil, reset: $0.reset ?? 0, source: $0.next, enable: -1, base: -1, depth: 0)
        }
        var writes: [Write] = []
        for (m, memory) in module.memories.enumerated() {
            if memory.readLatency == 1 {
                for r in memory.reads {
                    list.append(Update(slot: r.data, resettable: false, reset: 0, source: r.address,
                                       enable: r.enable ?? -1, base: base[m], depth: memory.depth))
                }
            }
            if let w = memory.write {
                writes.append(Write(enable: w.enable, address: w.address, data: w.data, base: base[m], depth: memory.depth))
            }
        }
        updates = .allocate(capacity: list.count)
        _ = updates.initialize(from: list)
        staged = .allocate(capacity: max(list.count, 1))
        staged.initialize(repeating: 0, count: max(list.count, 1))
        self.writes = writes
        let models = module.instances.map { instance -> any ExternalModel in
            guard case .external(let block) = instance.block else { preconditionFailure("a flattened module holds only external instances") }
            return block.makeModel()
        }
        self.models = models
        externals = .allocate(capacity: models.count)
        for (i, instance) in module.instances.enumerated() {
            let masks = zip(instance.block.inputs, instance.inputs).flatMap { shape, nodes in nodes.map { _ in Signal.mask(shape.width) } }
            func buffer<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
                let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
                _ = b.initialize(from: values)
                return UnsafeMutableBufferPointer(rebasing: b[0..<values.count])
            }
            let outputs = instance.outputs.flatMap { $0 }
            (externals.baseAddress! + i).initialize(to: External(
                model: models[i], inputSlots: buffer(instance.inputs.flatMap { $0 }), inputMasks: buffer(masks),
                outputSlots: buffer(outputs), inputValues: buffer(masks.map { _ in 0 }),
                outputValues: buffer(outputs.map { _ in UInt64(0) })))
        }
        reset()
    }

    deinit {
        program.deallocate()
        slots.deallocate()
        memory.deallocate()
        updates.deallocate()
        staged.deallocate()
        for e in externals { e.deallocate() }
        externals.deallocate()
    }

    /// Power-on: registers at their reset values (0 without one), ROMs at their contents, RAMs and
    /// registered reads at 0.
    public func reset() {
        slots.update(repeating: 0, count: max(module.nodes.count, 1))
        for (i, node) in module.nodes.enumerated() {
            if case .constant(let v) = node.operation { slots[i] = v }
        }
        for r in module.registers { slots[r.value] = r.reset ?? 0 }
        memory.update(repeating: 0, count: max(memoryWords, 1))
        for (m, mem) in module.memories.enumerated() {
            if let contents = mem.contents {
                for (k, word) in contents.enumerated() { memory[memoryBase[m] + k] = word }
            }
        }
        for e in externals {
            e.model.reset()
            e.show(slots)
        }
    }

    /// One clock: `inputs` in, the outputs before the edge into `outputs`, then the edge.
    public func step(_ inputs: UnsafeBufferPointer<UInt64>, into outputs: UnsafeMutableBufferPointer<UInt64>) {
        evaluate(inputs, into: outputs)
        edge()
    }

    /// The outputs for `inputs` in the present state, without the edge: what a testbench sees before
    /// it decides its own handshake signals. `edge()` then completes the clock with these inputs.
    public func evaluate(_ inputs: UnsafeBufferPointer<UInt64>, into outputs: UnsafeMutableBufferPointer<UInt64>) {
        precondition(inputs.count == inputSlots.count && outputs.count == outputSlots.count,
                     "step: \(inputs.count) inputs and \(outputs.count) outputs for \(inputSlots.count) and \(outputSlots.count)")
        let s = slots
        for (k, input) in inputSlots.enumerated() { s[input.slot] = inputs[k] & input.mask }
        run(UnsafeBufferPointer(program), s, memory)
        for (k, slot) in outputSlots.enumerated() { outputs[k] = s[slot] }
    }

    /// The edge, with the inputs of the last `evaluate`: every update is staged from the values before
    /// it, then the writes land, then the staged values are stored.
    public func edge() {
        let s = slots, m = memory
        let inReset = s[inputSlots[0].slot] == 0
        for (k, u) in updates.enumerated() {
            if u.enable >= 0 && s[u.enable] == 0 {
                staged[k] = s[u.slot]
            } else if u.base >= 0 {
                let address = s[u.source]
                staged[k] = address < UInt64(u.depth) ? m[u.base + Int(address)] : 0
            } else {
                staged[k] = inReset && u.resettable ? u.reset : s[u.source]
            }
        }
        for w in writes where s[w.enable] != 0 {
            let address = s[w.address]
            if address < UInt64(w.depth) { m[w.base + Int(address)] = s[w.data] }
        }
        for e in externals { e.edge(s) }
        for (k, u) in updates.enumerated() { s[u.slot] = staged[k] }
        for e in externals { e.show(s) }
    }

    /// One clock with arrays (allocates: for tests and small drivers).
    public func step(_ inputs: [UInt64]) -> [UInt64] {
        let outputs = evaluate(inputs)
        edge()
        return outputs
    }

    /// `evaluate` with arrays.
    public func evaluate(_ inputs: [UInt64]) -> [UInt64] {
        var outputs = [UInt64](repeating: 0, count: outputSlots.count)
        inputs.withUnsafeBufferPointer { i in outputs.withUnsafeMutableBufferPointer { o in evaluate(i, into: o) } }
        return outputs
    }

    /// One clock by port name (each port's elements as an array; a missing input is 0, `aresetn`
    /// defaults to 1). For readable tests.
    public func step(_ named: [String: [UInt64]]) -> [String: [UInt64]] {
        var flat: [UInt64] = []
        for p in module.inputs {
            let given = named[p.name] ?? (p.name == "aresetn" ? [1] : [])
            flat += (0..<p.count).map { $0 < given.count ? given[$0] : 0 }
        }
        let out = step(flat)
        var result: [String: [UInt64]] = [:], k = 0
        for p in module.outputs {
            result[p.name] = Array(out[k..<(k + p.count)])
            k += p.count
        }
        return result
    }

    /// The word at `address` of memory `name` (for tests).
    public func word(_ name: String, at address: Int) -> UInt64? {
        guard let m = module.memories.firstIndex(where: { $0.name == name }), address < module.memories[m].depth else { return nil }
        return memory[memoryBase[m] + address]
    }
}
