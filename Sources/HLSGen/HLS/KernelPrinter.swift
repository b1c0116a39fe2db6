import Golden

/// One kernel of the block datapath as a C++ function: the traced graph, the maths in a comment, and
/// the C++ types its inputs arrive in.
struct KernelPlan {
    enum Inputs {
        /// Eight inputs, in0…in7 of an octet of `element`.
        case octet(element: String)
        /// Named scalar inputs, each with the C++ type it arrives in.
        case scalars([(name: String, type: String)])
    }

    let name: String
    let graph: DataflowGraph
    let maths: [String]
    let inputs: Inputs
}

/// Prints a `DataflowGraph` as straight-line C++: one `const` variable per live node, typed
/// `ap_int<W>` with W = the node's signed width from its exact value interval, so that no C++
/// expression ever loses a bit; registers take their `RegisterFormat` type, so the narrowing
/// (clamp or wrap) happens exactly where the model narrows.
struct KernelPrinter {
    let design: HLSDesign

    /// The register every output of `graph` is narrowed by (the kernel's result type).
    func outputRegister(_ graph: DataflowGraph) throws -> Register {
        let registers = graph.outputs.map { output -> Register? in
            if case .register(let r, _) = graph.nodes[output.node].op { return r }
            return nil
        }
        guard let first = registers.first, let r = first, registers.allSatisfy({ $0 == r }) else {
            throw HLSGenError("a kernel's outputs must all leave through one register")
        }
        return r
    }

    func function(_ k: KernelPlan) throws -> String {
        let g = k.graph
        let result = design.format(try outputRegister(g))
        let live = liveNodes(g)
        let names = try nodeNames(g, live: live)

        var lines: [String] = k.maths.map { "// " + $0 }
        let isOctet: Bool
        switch k.inputs {
        case .octet(let element):
            isOctet = true
            lines.append("static \(result.octetName) \(k.name)(const octet<\(element)>& in) {")
        case .scalars(let params):
            isOctet = false
            let list = params.map { "const \($0.type) \($0.name)_in" }.joined(separator: ", ")
            lines.append("static \(result.typeName) \(k.name)(\(list)) {")
        }
        lines.append("#pragma HLS INLINE")

        var inputIndex = 0
        for (i, node) in g.nodes.enumerated() {
            guard case .input(let inputName) = node.op else { continue }
            defer { inputIndex += 1 }
            guard live.contains(i) else { continue }
            let source = isOctet ? "in.v[\(inputIndex)]" : "\(inputName)_in"
            lines.append("    const ap_int<\(node.signedWidth)> \(names[i]!) = \(source);")
        }
        for (i, node) in g.nodes.enumerated() where live.contains(i) {
            if case .input = node.op { continue }
            let type: String
            if case .register(let r, _) = node.op { type = design.format(r).typeName } else { type = "ap_int<\(node.signedWidth)>" }
            let value = expression(node, width: node.signedWidth) { names[$0]! }
            lines.append("    const \(type) \(names[i]!) = \(value);")
        }
        if isOctet {
            lines.append("    \(result.octetName) out;")
            for (j, output) in g.outputs.enumerated() { lines.append("    out.v[\(j)] = \(names[output.node]!);") }
            lines.append("    return out;")
        } else {
            guard g.outputs.count == 1 else { throw HLSGenError("kernel \(k.name): a scalar kernel has one output") }
            lines.append("    return \(names[g.outputs[0].node]!);")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Nodes an output depends on (the tracer records every operation; only these are printed).
    func liveNodes(_ g: DataflowGraph) -> Set<Int> {
        var live = Set<Int>()
        var work = g.outputs.map(\.node)
        while let n = work.popLast() {
            if live.insert(n).inserted { work.append(contentsOf: g.nodes[n].inputs) }
        }
        return live
    }

    /// Inputs and outputs keep their traced names (s0…, w0…, x, quantized); the rest are t0, t1, … in
    /// evaluation order.
    func nodeNames(_ g: DataflowGraph, live: Set<Int>) throws -> [Int: String] {
        var names: [Int: String] = [:]
        for (i, node) in g.nodes.enumerated() { if case .input(let name) = node.op { names[i] = name } }
        for output in g.outputs where names[output.node] == nil { names[output.node] = output.name }
        var next = 0
        for i in g.nodes.indices.sorted() where live.contains(i) && names[i] == nil {
            names[i] = "t\(next)"
            next += 1
        }
        let used = live.compactMap { names[$0] }
        if Set(used).count != used.count { throw HLSGenError("two signals of one kernel share a name") }
        return names
    }

    /// The C++ expression of one node. Operands are full precision (ap_int arithmetic widens), and the
    /// variable it is assigned to is wide enough for the node's interval, so only registers narrow.
    /// A left shift keeps its operand's type in ap_int, so the operand is widened first.
    func expression(_ node: DataflowGraph.Node, width: Int, _ name: (Int) -> String) -> String {
        let a = node.inputs.count > 0 ? name(node.inputs[0]) : ""
        let b = node.inputs.count > 1 ? name(node.inputs[1]) : ""
        switch node.op {
        case .input(let n): return n
        case .add: return "\(a) + \(b)"
        case .subtract: return "\(a) - \(b)"
        case .addConstant(let k): return k < 0 ? "\(a) - \(Self.literal(-k))" : "\(a) + \(Self.literal(k))"
        case .multiplyConstant(let c): return c.negated ? "\(a) * (-\(c.symbol.rawValue))" : "\(a) * \(c.symbol.rawValue)"
        case .multiply: return "\(a) * \(b)"
        case .shiftLeft(let n): return "ap_int<\(width)>(\(a)) << \(n)"
        case .shiftRight(let n): return "\(a) >> \(n)"
        case .shiftRightVariable: return "\(a) >> \(b)"
        case .magnitude: return "(\(a) < 0) ? ap_int<\(width)>(-\(a)) : ap_int<\(width)>(\(a))"
        case .applySign: return "(\(a) < 0) ? ap_int<\(width)>(-\(b)) : ap_int<\(width)>(\(b))"
        case .register: return a
        }
    }

    /// An exact integer literal: plain when it fits a C int, else a typed 64-bit one.
    static func literal(_ k: Int) -> String {
        if k >= Int(Int32.min) && k <= Int(Int32.max) { return "\(k)" }
        return "ap_int<\(DataflowGraph.signedWidth(k...k))>(\(k)LL)"
    }

    /// The DCT constants the kernels multiply by, each once with its value (negated uses print `-NAME`).
    static func constants(of graphs: [DataflowGraph]) throws -> [(symbol: NamedConstant.Symbol, value: Int)] {
        var found: [NamedConstant.Symbol: Int] = [:]
        for g in graphs {
            for node in g.nodes {
                guard case .multiplyConstant(let c) = node.op else { continue }
                let value = c.negated ? -c.value : c.value
                if let v = found[c.symbol], v != value {
                    throw HLSGenError("\(c.symbol.rawValue) has two values (\(v), \(value)) in one configuration")
                }
                found[c.symbol] = value
            }
        }
        return NamedConstant.Symbol.allCases.compactMap { s in found[s].map { (s, $0) } }
    }
}
