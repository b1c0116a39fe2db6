/// The printed name of every entity of a module, shared by both printers so the Verilog and the C++
/// say the same names: ports, registers and memories keep theirs; every node gets its hint or
/// `n<index>`, made unique with a suffix; a registered read's data is `<memory>_q<port>`.
struct PrintedNames {
    /// Per node: the identifier that holds its value.
    var node: [String]
    /// Per register, then per registered read (memory order): the temporary of its next value (C++).
    var next: [String]

    init(_ module: Module) {
        var taken: Set<String> = Set(module.inputs.map(\.name) + module.outputs.map(\.name)
                                     + module.registers.map(\.name) + module.memories.map(\.name)
                                     + module.instances.map(\.name))
        func unique(_ hint: String) -> String {
            var candidate = hint, k = 1
            while taken.contains(candidate) || Identifiers.reserved.contains(candidate) {
                candidate = "\(hint)_\(k)"
                k += 1
            }
            taken.insert(candidate)
            return candidate
        }
        node = Array(repeating: "", count: module.nodes.count)
        for (i, n) in module.nodes.enumerated() {
            switch n.operation {
            case .register(let r): node[i] = module.registers[r].name
            case .input(let p, let e) where module.inputs[p].count == 1 && e == 0: node[i] = module.inputs[p].name
            case .input(let p, let e): node[i] = unique("\(module.inputs[p].name)_\(e)")
            case .memoryRead(let m, let r) where module.memories[m].readLatency == 1:
                node[i] = unique("\(module.memories[m].name)_q\(r)")
            default:
                node[i] = unique(n.name.flatMap { Identifiers.isValid($0) ? $0 : nil } ?? "n\(i)")
            }
        }
        next = module.registers.map { unique("\($0.name)_next") }
        for m in module.memories where m.readLatency == 1 {
            next += m.reads.map { unique("\(node[$0.data])_next") }
        }
    }
}
