extension Module {
    /// The nodes that something observable depends on: the outputs, the registers' next values, the
    /// memories' write and read ports, the instances' inputs. The printers print only these.
    public func liveNodes() -> [Bool] {
        var live = [Bool](repeating: false, count: nodes.count)
        var roots = outputs.flatMap(\.elements) + registers.map(\.next) + instances.flatMap { $0.inputs.flatMap { $0 } }
        for m in memories {
            if let w = m.write { roots += [w.enable, w.address, w.data] }
            for r in m.reads { roots += [r.address, r.data] + (r.enable.map { [$0] } ?? []) }
        }
        for r in roots { live[r] = true }
        // Operands come before uses, so one backward pass reaches everything.
        for i in nodes.indices.reversed() where live[i] {
            for o in nodes[i].operation.operands { live[o] = true }
        }
        return live
    }
}
