import Golden

/// Prints one traced kernel (`DataflowGraph`) as a pipelined Verilog module: every live node is a
/// signed variable of the node's width (from its exact interval), computed inside the always block of
/// its pipeline stage; registers narrow with the model's rule (saturate or wrap; the `sample` register
/// is unsigned 8-bit); DCT constants are localparams named as in libjpeg; `PipelinePlan` decides the
/// stages for a clock target, and a multiply that does not fit a stage is a `MultiplierCell`.
/// Every stage loads on every clock with `en` high: `valid` (a bit per stage, whether it holds a
/// beat) enables no register, so no valid bit fans out to a stage's registers and multipliers; what
/// a stage holds without a beat is never read (a section takes a kernel's result only at a valid
/// rank). A folded kernel reads `valid` to pick its shared multipliers' operands and enables.
struct KernelModule {
    /// The kernel's name in the datapath (a plan of `HLSDesign.kernelPlans`, e.g. "fdct_row"), folded
    /// or not: what the core's description places it by.
    let kernel: String
    /// The module's name: `fxc_<kernel>`, `_f<period>` added when folded.
    let name: String
    let graph: DataflowGraph
    let plan: PipelinePlan
    let maths: [String]
    /// The same kernel as a C++ function, for its block's HLS rendering (none without it).
    let function: KernelFunction?

    /// Multiplier units shared by multiplies (a kernel folded for beats `fold.period` clocks apart), or nil.
    let fold: FoldPlan?
    /// Lanes of a scalar kernel the module holds side by side (`DataflowGraph.lanes`), 1 for one.
    let copies: Int

    init(kernel: String, graph: DataflowGraph, maths: [String], function: KernelFunction? = nil,
         target: ClockTarget = .standard) {
        self.kernel = kernel
        name = "fxc_\(kernel)"
        self.graph = graph
        self.maths = maths
        self.function = function
        plan = PipelinePlan(graph, target: target)
        fold = nil
        copies = 1
    }

    /// The kernel folded for beats at least `period` clocks apart, holding `copies` lanes of it when
    /// it is scalar: its name gains `_f<period>`.
    init(folding kernel: KernelModule, period: Int, copies: Int, target: ClockTarget) {
        self.kernel = kernel.kernel
        name = "\(kernel.name)_f\(period)"
        graph = copies == 1 ? kernel.graph : kernel.graph.lanes(copies)
        maths = kernel.maths + (copies == 1 ? [] : ["\(copies) lanes side by side, ports and outputs suffixed _<lane>."])
        function = kernel.function
        let fold = FoldPlan(graph, target: target, period: period)
        plan = fold.plan
        self.fold = fold
        self.copies = copies
    }

    var latency: Int { plan.latency }

    /// The multiplier cells this kernel places: one per multiply that does not fit a stage, or its units.
    var cells: [MultiplierCell] {
        if let fold { return fold.units.map(\.cell) }
        return graph.nodes.indices.compactMap { i in
            guard plan.live[i] && plan.cell[i], let (a, b) = PipelinePlan.multiplyWidths(graph, i) else { return nil }
            return MultiplierCell(a: a, b: b)
        }
    }

    /// The signal a node drives: its input port, or `nI`.
    func signal(_ i: Int) -> VerilogSignal {
        let node = graph.nodes[i]
        switch node.op {
        case .input(let port):
            return VerilogSignal(name: port, width: node.signedWidth)
        case .register(let r, let spec) where r.isUnsigned:
            return VerilogSignal(name: "n\(i)", width: spec.bits ?? node.signedWidth, signed: false)
        default:
            return VerilogSignal(name: "n\(i)", width: node.signedWidth)
        }
    }

    /// The node's value `delay` clocks after it is computed.
    func delayed(_ i: Int, _ delay: Int) -> VerilogSignal {
        var s = signal(i)
        if delay > 0 { s.name += "_d\(delay)" }
        return s
    }

    /// Input ports in traced order, each with its node.
    var inputs: [(port: VerilogSignal, node: Int)] {
        graph.nodes.indices.compactMap { i in
            if case .input = graph.nodes[i].op { return (signal(i), i) }
            return nil
        }
    }

    /// The ports of one lane, named as the scalar kernel's (the module's own ports when it holds one lane).
    var laneInputs: [VerilogSignal] {
        let ports = inputs.prefix(inputs.count / copies).map(\.port)
        guard copies > 1 else { return ports }
        return ports.map { port in
            var p = port
            p.name = String(port.name.dropLast("_0".count))
            return p
        }
    }

    /// Output ports in traced order.
    var outputs: [VerilogSignal] {
        graph.outputs.map { out in
            var s = signal(out.node)
            s.name = out.name
            return s
        }
    }

    func port(_ name: String) -> VerilogSignal? {
        inputs.first { $0.port.name == name }?.port ?? outputs.first { $0.name == name }
    }

    func text() -> String {
        var use = BitUse()
        var lines: [String] = maths.map { "// " + $0 }
        lines.append("// Latency \(latency) clock\(latency == 1 ? "" : "s") with en high. Stage s computes in one always block whose")
        if fold == nil {
            lines.append("// registers load on every clock with en high (valid enables nothing: what a stage holds without a beat")
            lines.append("// is never read); stages are cut by a delay model")
        } else {
            lines.append("// registers load only when valid[s] says the stage holds a beat; stages are cut by a delay model")
        }
        lines.append("// for a \(plan.target) clock on ECP5 (PipelinePlan), multiplies that do not fit a stage in registered cells.")
        if let fold {
            lines.append("// Folded (FoldPlan) for beats at least \(fold.period) clocks apart: every multiply is a cell, and multiplies")
            lines.append("// at distinct stages fewer than \(fold.period) apart share one (a unit), its operands picked by valid.")
        }
        lines.append("module \(name) (")
        var ports = ["input  wire aclk", "input  wire en", "input  wire [\(latency - 1):0] valid"]
        ports += inputs.map { "input  wire \($0.port.typeText) \($0.port.name)" }
        ports += outputs.map { "output wire \($0.typeText) \($0.name)" }
        lines.append(ports.map { "    " + $0 }.joined(separator: ",\n"))
        lines.append(");")
        for (symbol, value) in constants {
            let w = DataflowGraph.signedWidth(value...value)
            lines.append("    localparam signed [\(w - 1):0] \(symbol.rawValue) = \(Verilog.literal(value, width: w));")
        }

        // How long each value must be held: until its last consumer's stage (outputs: the last rank).
        var hold = [Int](repeating: 0, count: graph.nodes.count)
        for (i, node) in graph.nodes.enumerated() where plan.live[i] {
            for j in node.inputs { hold[j] = max(hold[j], plan.operandStage[i] - plan.stage[j]) }
        }
        for out in graph.outputs { hold[out.node] = max(hold[out.node], latency - plan.stage[out.node]) }
        let held = graph.nodes.indices.filter { plan.live[$0] && hold[$0] > 0 }

        lines.append("")
        lines.append("    // pipeline registers: nI_dK is node I's value K clocks after stage(I) computed it")
        for i in held {
            for d in 1...hold[i] {
                let r = delayed(i, d)
                lines.append("    \(plan.cell[i] && d == 1 ? "wire" : "reg ") \(r.typeText) \(r.name);")
            }
        }
        let cellNodes = graph.nodes.indices.filter { plan.live[$0] && plan.cell[$0] }
        if !cellNodes.isEmpty {
            lines.append("")
            lines.append("    // multiplier cells: operands registered at the end of stage s, the product at the end of the cell's stage")
        }
        if let fold {
            for (k, unit) in fold.units.enumerated() { lines += unitInstance(k, unit, &use) }
        } else {
            for i in cellNodes { lines += cellInstance(i, &use) }
        }
        for s in 0..<latency {
            let block = "stage\(s)"
            let computed = graph.nodes.indices.filter { i in
                plan.live[i] && !plan.cell[i] && plan.stage[i] == s && { if case .input = graph.nodes[i].op { return false }; return true }()
            }
            var declarations: [String] = [], statements: [String] = []
            for i in computed {
                for (temp, value, comment) in assignments(i, block: block, &use) {
                    declarations.append("            reg \(temp.typeText) \(temp.name);")
                    statements.append("            \(temp.name) = \(value);" + (comment.isEmpty ? "" : "  // \(comment)"))
                }
            }
            for i in held where plan.stage[i] <= s && s < plan.stage[i] + hold[i] {
                let d = s - plan.stage[i] + 1
                if plan.cell[i] && d == 1 { continue }   // the cell's own product register
                statements.append("            \(delayed(i, d).name) <= \(use.whole(delayed(i, d - 1)));")
            }
            let unread = use.unread(in: block)
            if !unread.isEmpty {
                declarations.append("            reg _unused_ok;")
                statements.append("            _unused_ok = &{1'b0, \(unread.joined(separator: ", ")), 1'b0};  // bits no expression reads")
            }
            lines.append("")
            lines.append("    always @(posedge aclk)")
            lines.append("        if (\(stageEnable(s))) begin : \(block)")
            lines += declarations + statements
            lines.append("        end")
        }
        lines.append("")
        for (k, out) in graph.outputs.enumerated() {
            lines.append("    assign \(outputs[k].name) = \(use.whole(delayed(out.node, latency - plan.stage[out.node])));")
        }
        if let unused = use.unusedLine() { lines.append(unused) }
        if fold == nil { lines.append("    wire _unused_valid = &{1'b0, valid, 1'b0};  // beats are told by the ranks that read the outputs") }
        lines.append("endmodule")
        return lines.joined(separator: "\n") + "\n"
    }

    /// What enables stage `s`'s registers: `en`, and (folded) `valid[s]`.
    func stageEnable(_ s: Int) -> String { fold == nil ? "en" : "en && valid[\(s)]" }

    /// A multiplier cell in place of node `i`: operands read at its operand stage, each register's
    /// enable that of the stage it belongs to, its product the node's first delayed value.
    func cellInstance(_ i: Int, _ use: inout BitUse) -> [String] {
        let node = graph.nodes[i]
        let (aw, bw) = PipelinePlan.multiplyWidths(graph, i)!
        let cell = MultiplierCell(a: aw, b: bw)
        let first = plan.operandStage[i]
        let a = use.adapt(delayed(node.inputs[0], first - plan.stage[node.inputs[0]]), to: aw)
        let b: String
        var comment = "[\(node.range.lowerBound), \(node.range.upperBound)]"
        switch node.op {
        case .multiplyConstant(let c):
            b = Verilog.signedLiteral(c.value, width: bw)
            comment += "  * \(c.value < 0 ? "-" : "")\(c.symbol.rawValue)"
        default:
            b = use.adapt(delayed(node.inputs[1], first - plan.stage[node.inputs[1]]), to: bw)
        }
        let product = VerilogSignal(name: "n\(i)_p", width: cell.product)
        let out = delayed(i, 1)
        use.declare(product)
        let enables = (0..<cell.latency).reversed().map { stageEnable(first + $0) }.joined(separator: ", ")
        return ["    wire \(product.typeText) \(product.name);  // \(comment)",
                "    \(cell.name) n\(i)_mul (.aclk(aclk), .ce({\(enables)}), .a(\(a)), .b(\(b)), .p(\(product.name)));",
                "    assign \(out.name) = \(use.signedSlice(product, out.width - 1, 0));"]
    }

    /// A shared multiplier unit: its operands those of the member whose operand stage holds a beat
    /// (one at most, beats being `period` clocks apart), each register enabled when one of its
    /// members' beats is at that register's stage; each member's product its node's first delayed value.
    func unitInstance(_ k: Int, _ unit: FoldPlan.Unit, _ use: inout BitUse) -> [String] {
        let cell = unit.cell
        let name = "u\(k)"
        func operand(_ member: (node: Int, operandStage: Int), _ side: Int) -> String {
            let node = graph.nodes[member.node]
            if side == 1, case .multiplyConstant(let c) = node.op { return Verilog.signedLiteral(c.value, width: unit.b) }
            let j = node.inputs[side]
            return use.adapt(delayed(j, member.operandStage - plan.stage[j]), to: side == 0 ? unit.a : unit.b)
        }
        func select(_ side: Int) -> String {
            let last = unit.members.count - 1
            return unit.members.enumerated().reversed().reduce("") { rest, item in
                let value = operand(item.element, side)
                return item.offset == last ? value : "valid[\(item.element.operandStage)] ? \(value) : \(rest)"
            }
        }
        let a = VerilogSignal(name: "\(name)_a", width: unit.a), b = VerilogSignal(name: "\(name)_b", width: unit.b)
        let product = VerilogSignal(name: "\(name)_p", width: cell.product)
        use.declare(product)
        let enables = (0..<cell.latency).reversed().map { r in
            "en && (" + unit.members.map { "valid[\($0.operandStage + r)]" }.joined(separator: " || ") + ")"
        }.joined(separator: ", ")
        let stages = unit.members.map { "\($0.operandStage)" }.joined(separator: ", ")
        var lines = ["    // unit \(k): \(unit.members.count) multiplies, operands at stages \(stages)",
                     "    wire \(a.typeText) \(a.name) = \(select(0));",
                     "    wire \(b.typeText) \(b.name) = \(select(1));",
                     "    wire \(product.typeText) \(product.name);",
                     "    \(cell.name) \(name)_mul (.aclk(aclk), .ce({\(enables)}), .a(\(a.name)), .b(\(b.name)), .p(\(product.name)));"]
        for member in unit.members {
            let out = delayed(member.node, 1)
            let node = graph.nodes[member.node]
            lines.append("    assign \(out.name) = \(use.signedSlice(product, out.width - 1, 0));  // [\(node.range.lowerBound), \(node.range.upperBound)]")
        }
        return lines
    }

    /// The DCT constants this kernel multiplies by, each with its positive value.
    var constants: [(NamedConstant.Symbol, Int)] {
        var found: [NamedConstant.Symbol: Int] = [:]
        for (i, node) in graph.nodes.enumerated() where plan.live[i] && !plan.cell[i] {
            if case .multiplyConstant(let c) = node.op { found[c.symbol] = abs(c.value) }
        }
        return NamedConstant.Symbol.allCases.compactMap { s in found[s].map { (s, $0) } }
    }

    /// One node as (variable, value, comment) assignments: one, or two for a variable shift, which is
    /// computed at its operand's width first.
    func assignments(_ i: Int, block: String, _ use: inout BitUse) -> [(VerilogSignal, String, String)] {
        let node = graph.nodes[i]
        let out = signal(i)
        use.declare(out, in: block)
        let w = out.width
        func operand(_ k: Int) -> VerilogSignal { delayed(node.inputs[k], plan.stage[i] - plan.stage[node.inputs[k]]) }
        let range = "[\(node.range.lowerBound), \(node.range.upperBound)]"
        var comment = range
        var extra: [(VerilogSignal, String, String)] = []
        let value: String
        switch node.op {
        case .input:
            return []
        case .add:
            value = "\(use.adapt(operand(0), to: w)) + \(use.adapt(operand(1), to: w))"
        case .subtract:
            value = "\(use.adapt(operand(0), to: w)) - \(use.adapt(operand(1), to: w))"
        case .addConstant(let k):
            // Exact modulo 2^w, like every add here: the constant enters as its low w bits.
            let a = use.adapt(operand(0), to: w)
            let bits = abs(k) & (w >= 63 ? Int.max : (1 << w) - 1)
            value = "\(a) \(k < 0 ? "-" : "+") \(Verilog.literal(bits, width: w))"
        case .multiplyConstant(let c):
            let product = "\(use.whole(operand(0))) * \(c.symbol.rawValue)"
            value = c.value < 0 ? "-(\(product))" : product
        case .multiply:
            value = "\(use.whole(operand(0))) * \(use.whole(operand(1)))"
        case .shiftLeft(let n):
            value = "$signed({\(use.adapt(operand(0), to: w - n)), \(n)'b0})"
            comment += "  << \(n)"
        case .shiftRight(let n):
            value = use.signedSlice(operand(0), n + w - 1, n)
            comment += "  >>> \(n)"
        case .shiftRightVariable:
            let a = operand(0)
            let shifted = VerilogSignal(name: "\(out.name)_shifted", width: a.width)
            use.declare(shifted, in: block)
            extra.append((shifted, "\(use.whole(a)) >>> \(use.whole(operand(1)))", ""))
            value = use.signedSlice(shifted, w - 1, 0)
        case .magnitude:
            let a = use.adapt(operand(0), to: w)
            value = "\(use.sign(operand(0))) ? -\(a) : \(a)"
            comment += "  |x|"
        case .applySign:
            let m = use.adapt(operand(1), to: w)
            value = "\(use.sign(operand(0))) ? -\(m) : \(m)"
            comment += "  sign of the first operand"
        case .register(let r, let spec):
            let source = graph.nodes[node.inputs[0]].range
            value = narrowing(operand(0), into: out, arriving: source, register: r, spec: spec,
                              mayOverflow: node.mayOverflow, &use)
            let format = spec.bits.map { "\($0)-bit \(r.isUnsigned ? "unsigned " : "")\(spec.overflow.rawValue)" }
            comment = "\(r): \(format ?? "full precision")  \(range)"
        }
        return extra + [(out, value, comment)]
    }

    /// A register: a plain copy when no value outside its format can arrive, else clamp or keep the low bits.
    func narrowing(_ a: VerilogSignal, into out: VerilogSignal, arriving range: ClosedRange<Int>,
                   register: Register, spec: RegisterSpec, mayOverflow: Bool, _ use: inout BitUse) -> String {
        guard let bits = spec.bits, let bounds = spec.bounds(unsigned: register.isUnsigned), mayOverflow else {
            return use.adapt(a, to: out.width)
        }
        let low = out.signed ? use.signedSlice(a, bits - 1, 0) : use.adapt(a, to: bits)
        if spec.overflow == .wrap { return low }
        func constant(_ k: Int) -> String {
            out.signed ? Verilog.signedLiteral(k, width: bits) : Verilog.unsignedLiteral(k, width: bits)
        }
        // Out of range by bit tests rather than comparisons (a comparison is a carry chain): with x
        // signed of W bits and k = bits − 1 (signed format) or bits (unsigned), x is above the format
        // when it is not negative and a bit of x[W−2:k] is set, and below it when it is negative and
        // (signed format) a bit of x[W−2:k] is clear, or (unsigned) at all.
        let w = a.width, k = register.isUnsigned ? bits : bits - 1
        let byComparison = !a.signed || w - 2 < k   // no bits above the format to test
        var value = low
        if range.lowerBound < bounds.lowerBound {
            let below: String
            if byComparison {
                below = "\(use.whole(a)) < \(Verilog.signedLiteral(bounds.lowerBound, width: w))"
            } else if register.isUnsigned {
                below = use.sign(a)
            } else {
                below = "\(use.sign(a)) & ~(&\(use.bits(a, w - 2, k)))"
            }
            value = "(\(below)) ? \(constant(bounds.lowerBound)) : \(value)"
        }
        if range.upperBound > bounds.upperBound {
            let above = byComparison
                ? "\(use.whole(a)) > \(Verilog.signedLiteral(bounds.upperBound, width: w))"
                : "~\(use.sign(a)) & (|\(use.bits(a, w - 2, k)))"
            value = "(\(above)) ? \(constant(bounds.upperBound)) : \(value)"
        }
        return value
    }
}
