extension Module {
    /// The same block with every child description inlined, so that only external instances remain:
    /// what the cycle simulator and the HLS printer read. A child's registers, memories and wires take
    /// its instance name as a prefix (`t1_full`); its inputs become the parent's nodes that feed them and
    /// the parent's reads of its outputs become the child's nodes. The nodes are then put back in an
    /// order where operands come first — or, if a value depends on itself through the instances, the
    /// loop is reported.
    public func flattened() throws -> Module {
        let hasChildren = instances.contains { if case .description = $0.block { true } else { false } }
        guard hasChildren else { return self }

        var nodes = self.nodes
        var alias: [Int: Int] = [:]
        var registers = self.registers, memories = self.memories
        var kept: [Instance] = []
        var instanceMap: [Int: Int] = [:]
        for (i, instance) in instances.enumerated() {
            if case .external = instance.block { instanceMap[i] = kept.count; kept.append(instance) }
        }
        // The parent's own nodes keep their numbers; only their instance numbers change.
        for i in nodes.indices {
            if case .instanceOutput(let inst, let p, let e) = nodes[i].operation, let new = instanceMap[inst] {
                nodes[i].operation = .instanceOutput(instance: new, port: p, element: e)
            }
        }
        for instance in instances {
            guard case .description(let unflattened) = instance.block else { continue }
            let child = try unflattened.flattened()
            let base = nodes.count, registerBase = registers.count, memoryBase = memories.count, instanceBase = kept.count
            let prefix = instance.name + "_"
            for node in child.nodes {
                var copy = node
                copy.operation = node.operation.remapped(node: { base + $0 }, register: { registerBase + $0 },
                                                         memory: { memoryBase + $0 }, instance: { instanceBase + $0 })
                copy.name = node.name.map { prefix + $0 }
                nodes.append(copy)
            }
            for (k, node) in child.nodes.enumerated() {
                if case .input(let p, let e) = node.operation { alias[base + k] = instance.inputs[p][e] }
            }
            for (p, port) in instance.outputs.enumerated() {
                for (e, n) in port.enumerated() { alias[n] = base + child.outputs[p].elements[e] }
            }
            registers += child.registers.map { r in
                StateRegister(name: prefix + r.name, width: r.width, reset: r.reset, value: base + r.value, next: base + r.next, isCopy: r.isCopy)
            }
            memories += child.memories.map { m in
                var copy = m
                copy.name = prefix + m.name
                copy.write = m.write.map { MemoryWrite(enable: base + $0.enable, address: base + $0.address, data: base + $0.data) }
                copy.reads = m.reads.map { MemoryReadPort(address: base + $0.address, enable: $0.enable.map { base + $0 }, data: base + $0.data) }
                return copy
            }
            kept += child.instances.map { c in
                var copy = c
                copy.name = prefix + c.name
                copy.inputs = c.inputs.map { $0.map { base + $0 } }
                copy.outputs = c.outputs.map { $0.map { base + $0 } }
                return copy
            }
        }

        // Follow aliases to the node that computes the value.
        func resolve(_ n: Int) throws -> Int {
            var n = n, steps = 0
            while let next = alias[n] {
                n = next
                steps += 1
                if steps > nodes.count { throw DescriptionError(module: name, problems: ["an instance's output is wired back to its own input"]) }
            }
            return n
        }
        // What a node needs computed before it: its operands, and for an asynchronous read its address.
        func dependencies(_ n: Int) throws -> [Int] {
            var needed = nodes[n].operation.operands
            if case .memoryRead(let m, let r) = nodes[n].operation, memories[m].readLatency == 0 {
                needed.append(memories[m].reads[r].address)
            }
            return try needed.map(resolve)
        }
        // Depth-first, operands first: the new order and numbers.
        var number = [Int](repeating: -1, count: nodes.count)
        var state = [UInt8](repeating: 0, count: nodes.count)   // 0 new, 1 on the path, 2 placed
        var order: [Int] = []
        for root in nodes.indices where alias[root] == nil && state[root] == 0 {
            var stack: [(node: Int, operands: [Int], next: Int)] = [(root, try dependencies(root), 0)]
            state[root] = 1
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].next < stack[top].operands.count {
                    let o = stack[top].operands[stack[top].next]
                    stack[top].next += 1
                    if state[o] == 1 {
                        let where_ = nodes[o].name ?? "node \(o)"
                        throw DescriptionError(module: name, problems: ["a combinational loop through the instances (at \(where_))"])
                    }
                    if state[o] == 0 {
                        state[o] = 1
                        stack.append((o, try dependencies(o), 0))
                    }
                } else {
                    let n = stack.removeLast().node
                    state[n] = 2
                    number[n] = order.count
                    order.append(n)
                }
            }
        }
        func renumber(_ n: Int) throws -> Int { number[try resolve(n)] }
        var flat = self
        flat.nodes = try order.map { n in
            var node = nodes[n]
            node.operation = try node.operation.remapped(node: renumber, register: { $0 }, memory: { $0 }, instance: { $0 })
            return node
        }
        flat.inputs = try inputs.map { p in var c = p; c.elements = try p.elements.map(renumber); return c }
        flat.outputs = try outputs.map { p in var c = p; c.elements = try p.elements.map(renumber); return c }
        flat.registers = try registers.map { r in
            StateRegister(name: r.name, width: r.width, reset: r.reset, value: try renumber(r.value), next: try renumber(r.next),
                          isCopy: r.isCopy)
        }
        flat.memories = try memories.map { m in
            var c = m
            c.write = try m.write.map { MemoryWrite(enable: try renumber($0.enable), address: try renumber($0.address), data: try renumber($0.data)) }
            c.reads = try m.reads.map { MemoryReadPort(address: try renumber($0.address), enable: try $0.enable.map(renumber), data: try renumber($0.data)) }
            return c
        }
        flat.channels = try channels.map { c in var copy = c; copy.fire = try renumber(c.fire); return copy }
        flat.instances = try kept.map { k in
            var c = k
            c.inputs = try k.inputs.map { try $0.map(renumber) }
            c.outputs = try k.outputs.map { try $0.map(renumber) }
            return c
        }
        return flat
    }
}

extension Operation {
    /// The operation with its node, register, memory and instance numbers mapped.
    func remapped(node: (Int) throws -> Int, register: (Int) -> Int, memory: (Int) -> Int,
                  instance: (Int) -> Int) rethrows -> Operation {
        switch self {
        case .constant, .input: self
        case .register(let r): .register(register(r))
        case .memoryRead(let m, let r): .memoryRead(memory: memory(m), read: r)
        case .instanceOutput(let i, let p, let e): .instanceOutput(instance: instance(i), port: p, element: e)
        case .arithmetic(let op, let a, let b): .arithmetic(op, try node(a), try node(b))
        case .bitwise(let op, let a, let b): .bitwise(op, try node(a), try node(b))
        case .not(let a): .not(try node(a))
        case .compare(let op, let s, let a, let b): .compare(op, signed: s, try node(a), try node(b))
        case .select(let c, let t, let o): .select(try node(c), then: try node(t), otherwise: try node(o))
        case .shift(let op, let a, let k): .shift(op, try node(a), amount: k)
        case .variableShift(let op, let a, let k): .variableShift(op, try node(a), amount: try node(k))
        case .slice(let a, let h, let l): .slice(try node(a), high: h, low: l)
        case .concat(let parts): .concat(try parts.map(node))
        case .extend(let a, let s): .extend(try node(a), signed: s)
        case .bitLength(let a): .bitLength(try node(a))
        case .reduce(let op, let a): .reduce(op, try node(a))
        }
    }
}
