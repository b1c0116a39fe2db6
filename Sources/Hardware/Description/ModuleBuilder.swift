/// Writes a `Module`: ports, registers, memories and channels are declared, the step function is
/// written with `Signal` operations, and updates under `when` become selects. Mistakes (a width out of
/// 1…64, operands of different widths, a duplicate name) are collected and reported together by
/// `build()`, so a description reads straight through without `try` on every line.
public final class ModuleBuilder {
    public let name: String
    var summary: String
    var nodes: [Node] = []
    var inputs: [ModulePort] = []
    var outputs: [ModulePort] = []
    var registers: [StateRegister] = []
    var memories: [Memory] = []
    var channels: [Channel] = []
    var instances: [Instance] = []
    var problems: [String] = []
    /// The register of each `.register` node.
    var registerOfNode: [Int: Int] = [:]
    /// Registers made by `copies(of:count:)`, and the register each copies.
    var copiesOf: [(copy: Int, of: Int)] = []
    /// Conditions of the enclosing `when`s, innermost last, each already combined with the outer ones.
    var conditions: [Signal] = []
    /// Every node made so far (without its name), to find it again.
    var known: [Node: Int] = [:]

    /// The synchronous active-low reset, as a signal (rarely needed: registers reset by themselves).
    public private(set) var aresetn: Signal!

    public init(_ name: String, summary: String = "") {
        self.name = name
        self.summary = summary
        aresetn = input("aresetn", width: 1)
    }

    // MARK: Nodes

    func add(_ operation: Operation, width: Int, name: String? = nil) -> Signal {
        var width = width
        if !(1...64).contains(width) {
            problems.append("node \(nodes.count) (\(operation.summary)): width \(width) is outside 1…64")
            width = max(1, min(width, 64))
        }
        // The same operation on the same operands is the same value: one node (and one wire).
        let key = Node(operation: operation, width: width)
        if let existing = known[key] { return Signal(node: existing, width: width, builder: self) }
        nodes.append(Node(operation: operation, width: width, name: name))
        known[key] = nodes.count - 1
        return Signal(node: nodes.count - 1, width: width, builder: self)
    }

    func problem(_ text: String) { problems.append(text) }

    /// `value` as a `width`-bit constant; a negative value is taken in two's complement.
    public func constant(_ value: Int, width: Int) -> Signal {
        let fits = value >= 0 ? (width >= 64 || value < 1 << width) : (width >= 64 || value >= -(1 << (width - 1)))
        if !fits { problem("constant \(value) does not fit \(width) bits") }
        return constant(bits: UInt64(bitPattern: Int64(value)), width: width)
    }

    /// A constant given as its bits (the bits above `width` are dropped).
    public func constant(bits: UInt64, width: Int) -> Signal {
        add(.constant(bits & Signal.mask(width)), width: width)
    }

    /// The 1-bit constants.
    public var one: Signal { constant(1, width: 1) }
    public var zero: Signal { constant(0, width: 1) }

    /// Gives `signal` a name for the printed Verilog and C++ (made unique if taken).
    @discardableResult
    public func name(_ signal: Signal, _ name: String) -> Signal {
        nodes[signal.node].name = name
        return signal
    }

    // MARK: Ports

    /// A plain input wire.
    public func input(_ name: String, width: Int) -> Signal { inputs(name, count: 1, width: width)[0] }

    /// An input of `count` elements, one vector outside (element k at bits [width·k +: width]).
    public func inputs(_ name: String, count: Int, width: Int) -> [Signal] {
        if count < 1 { problem("input \(name): count \(count) is below 1") }
        let port = inputs.count
        let elements = (0..<max(count, 1)).map { add(.input(port: port, element: $0), width: width, name: name) }
        inputs.append(ModulePort(name: name, width: elements[0].width, count: elements.count, elements: elements.map(\.node)))
        return elements
    }

    /// A plain output wire showing `value`.
    public func output(_ name: String, _ value: Signal) { output(name, [value]) }

    /// An output of several elements of one width, element k at bits [width·k +: width].
    public func output(_ name: String, _ values: [Signal]) {
        guard let first = values.first else { return problem("output \(name) has no elements") }
        if values.contains(where: { $0.width != first.width }) { problem("output \(name): elements of different widths") }
        outputs.append(ModulePort(name: name, width: first.width, count: values.count, elements: values.map(\.node)))
    }

    // MARK: Channels

    /// The shape of one data field of a channel.
    public struct Field: Sendable {
        public var name: String
        public var width: Int
        public var count: Int
        public init(_ name: String, width: Int, count: Int = 1) {
            self.name = name; self.width = width; self.count = count
        }
    }

    /// What an input channel gives the step function: its valid bit, its fields by name, and `fire`.
    public struct InputChannel {
        public let valid: Signal
        public let fire: Signal
        let fields: [String: [Signal]]
        /// A one-element field.
        public subscript(_ name: String) -> Signal { fields[name]![0] }
        /// All elements of a field.
        public func elements(_ name: String) -> [Signal] { fields[name]! }
    }

    /// An input channel: `valid` and the fields come in, `ready` (computed from state by the caller)
    /// goes out; a word is taken in a clock where both are 1.
    public func inputChannel(valid: String, ready: (name: String, value: Signal), fields: [Field]) -> InputChannel {
        let validSignal = input(valid, width: 1)
        var values: [String: [Signal]] = [:]
        for field in fields { values[field.name] = inputs(field.name, count: field.count, width: field.width) }
        output(ready.name, ready.value)
        let fire = name(validSignal & ready.value, "\(valid)_fire")
        channels.append(Channel(direction: .input, valid: valid, ready: ready.name, fields: fields.map(\.name), fire: fire.node))
        return InputChannel(valid: validSignal, fire: fire, fields: values)
    }

    /// An output channel: `valid` and the fields go out, `ready` comes in. Returns ready and fire.
    public func outputChannel(valid: (name: String, value: Signal), ready: String,
                              fields: [(name: String, values: [Signal])]) -> (ready: Signal, fire: Signal) {
        output(valid.name, valid.value)
        for field in fields { output(field.name, field.values) }
        let readySignal = input(ready, width: 1)
        let fire = name(valid.value & readySignal, "\(valid.name)_fire")
        channels.append(Channel(direction: .output, valid: valid.name, ready: ready, fields: fields.map(\.name), fire: fire.node))
        return (readySignal, fire)
    }

    // MARK: State

    /// A register; its value now. It keeps its value unless `set`. `reset: nil` leaves it out of reset.
    public func register(_ name: String, width: Int, reset: UInt64?) -> Signal {
        if let reset, width < 64, reset >> UInt64(width) != 0 { problem("register \(name): reset value \(reset) does not fit \(width) bits") }
        let index = registers.count
        let value = add(.register(index), width: width, name: name)
        registers.append(StateRegister(name: name, width: value.width, reset: reset, value: value.node, next: value.node))
        registerOfNode[value.node] = index
        return value
    }

    /// `count` copies of a register: each takes what the register takes (its reset and every `set`,
    /// before or after this call), so each always holds the same value. They split a wide fanout: each
    /// copy drives a share of the loads, placed near them. Printed Verilog asks synthesis to keep them
    /// (equal registers are otherwise merged back into one). Copies made by later calls are numbered on.
    public func copies(of register: Signal, count: Int) -> [Signal] {
        guard let index = registerOfNode[register.node] else {
            problem("copies: node \(register.node) is not a register")
            return []
        }
        let original = registers[index]
        let made = copiesOf.filter { $0.of == index }.count   // numbered on from copies made before
        return (made..<(made + count)).map { k in
            let copy = self.register("\(original.name)_copy\(k)", width: original.width, reset: original.reset)
            copiesOf.append((copy: registerOfNode[copy.node]!, of: index))
            return copy
        }
    }

    /// A register named `name` that takes `value` at every edge (a pipeline stage); its value now.
    public func registered(_ name: String, _ value: Signal, reset: UInt64? = nil) -> Signal {
        let r = register(name, width: value.width, reset: reset)
        set(r, value)
        return r
    }

    /// The register whose value is `register` takes `value` at the next edge (if the enclosing `when`s
    /// hold). A later `set` of the same register wins, as in a Verilog always block.
    public func set(_ register: Signal, _ value: Signal) {
        guard let index = registerOfNode[register.node] else { return problem("set: node \(register.node) is not a register") }
        guard value.width == registers[index].width else {
            return problem("set \(registers[index].name): \(value.width) bits for a \(registers[index].width)-bit register")
        }
        registers[index].next = conditioned(value, else: registers[index].next, width: value.width).node
    }

    /// Sets bit `index` (a signal) of the register to the 1-bit `value`, leaving its other bits as the
    /// updates so far leave them.
    public func set(_ register: Signal, bit index: Signal, to value: Signal) {
        guard let r = registerOfNode[register.node] else { return problem("set bit: node \(register.node) is not a register") }
        let width = registers[r].width
        let pending = Signal(node: registers[r].next, width: width, builder: self)
        let one = constant(1, width: width)
        let mask = one << index
        let bit = value.zeroExtended(to: width) << index
        set(register, (pending & ~mask) | bit)
    }

    /// `value` where the enclosing conditions hold, else `otherwise` (node index).
    func conditioned(_ value: Signal, else otherwise: Int, width: Int) -> Signal {
        guard let condition = conditions.last else { return value }
        return select(condition, value, Signal(node: otherwise, width: width, builder: self))
    }

    /// Updates in `then` happen when `condition` (1 bit) is 1, those in `otherwise` when it is 0.
    public func when(_ condition: Signal, _ then: () -> Void, otherwise: () -> Void = {}) {
        if condition.width != 1 { problem("when: the condition has \(condition.width) bits, not 1") }
        let outer = conditions.last
        conditions.append(outer.map { $0 & condition } ?? condition)
        then()
        conditions.removeLast()
        let negated = ~condition
        conditions.append(outer.map { $0 & negated } ?? negated)
        otherwise()
        conditions.removeLast()
    }

    // MARK: Memories

    /// A handle on a declared memory.
    public struct MemoryHandle: Sendable {
        public let index: Int
        public let width: Int
        public let addressWidth: Int
    }

    /// A RAM (`contents` nil: zeros at power-on, or its power-on words) or, with no `write`, a ROM.
    public func memory(_ name: String, depth: Int, width: Int, readLatency: Int, contents: [UInt64]? = nil) -> MemoryHandle {
        if depth < 1 { problem("memory \(name): depth \(depth) is below 1") }
        if !(1...64).contains(width) { problem("memory \(name): width \(width) is outside 1…64") }
        if !(0...1).contains(readLatency) { problem("memory \(name): read latency \(readLatency) is not 0 or 1") }
        if let contents {
            if contents.count != depth { problem("memory \(name): \(contents.count) words of contents for depth \(depth)") }
            if width < 64, contents.contains(where: { $0 >> UInt64(width) != 0 }) { problem("memory \(name): a word of contents does not fit \(width) bits") }
        }
        memories.append(Memory(name: name, depth: max(depth, 1), width: width, readLatency: readLatency,
                               contents: contents, write: nil, reads: []))
        return MemoryHandle(index: memories.count - 1, width: width, addressWidth: Module.addressBits(depth: max(depth, 1)))
    }

    /// A read port. Latency 0: the word at `address` now. Latency 1: the word that was at `address`
    /// one clock ago (loaded only in clocks where `enable` is 1, when given).
    public func read(_ memory: MemoryHandle, at address: Signal, enable: Signal? = nil) -> Signal {
        let m = memory.index
        if address.width != memory.addressWidth {
            problem("read \(memories[m].name): address of \(address.width) bits, expected \(memory.addressWidth)")
        }
        if enable != nil && memories[m].readLatency == 0 { problem("read \(memories[m].name): an enable needs read latency 1") }
        let data = add(.memoryRead(memory: m, read: memories[m].reads.count), width: memory.width, name: "\(memories[m].name)_rd")
        memories[m].reads.append(MemoryReadPort(address: address.node, enable: enable?.node, data: data.node))
        return data
    }

    /// Writes `data` at `address` at the next edge (if the enclosing `when`s hold). One write port: a
    /// later write in the same clock wins.
    public func write(_ memory: MemoryHandle, at address: Signal, _ data: Signal) {
        let m = memory.index
        if address.width != memory.addressWidth || data.width != memory.width {
            return problem("write \(memories[m].name): address/data of \(address.width)/\(data.width) bits, expected \(memory.addressWidth)/\(memory.width)")
        }
        let enable = conditions.last ?? constant(1, width: 1)
        if let old = memories[m].write {
            memories[m].write = MemoryWrite(
                enable: (enable | Signal(node: old.enable, width: 1, builder: self)).node,
                address: conditioned(address, else: old.address, width: address.width).node,
                data: conditioned(data, else: old.data, width: data.width).node)
        } else {
            memories[m].write = MemoryWrite(enable: enable.node, address: address.node, data: data.node)
        }
    }

    // MARK: Operations that are not methods of one signal

    /// `then` when the 1-bit `condition` is 1, else `otherwise`.
    public func select(_ condition: Signal, _ then: Signal, _ otherwise: Signal) -> Signal {
        if condition.width != 1 { problem("select: the condition has \(condition.width) bits, not 1") }
        if then.width != otherwise.width { problem("select: choices of \(then.width) and \(otherwise.width) bits") }
        return add(.select(condition.node, then: then.node, otherwise: otherwise.node), width: then.width)
    }

    /// The parts side by side, the first most significant.
    public func concat(_ parts: [Signal]) -> Signal {
        add(.concat(parts.map(\.node)), width: parts.reduce(0) { $0 + $1.width })
    }

    public func concat(_ parts: Signal...) -> Signal { concat(parts) }

    /// `choices[index]` as a tree of selects on the bits of `index` (choices beyond the list give the last).
    public func pick(_ index: Signal, from choices: [Signal]) -> Signal {
        var level = choices
        var bit = 0
        while level.count > 1 {
            let b = bit < index.width ? index[bit] : constant(0, width: 1)
            level = stride(from: 0, to: level.count, by: 2).map { i in
                i + 1 < level.count ? select(b, level[i + 1], level[i]) : level[i]
            }
            bit += 1
        }
        return level[0]
    }

    /// `a` op `b` at `width` bits: each operand first extended (as `signed` says) to `width`.
    public func arithmetic(_ op: Arithmetic, _ a: Signal, _ b: Signal, width: Int, signed: Bool = false) -> Signal {
        add(.arithmetic(op, a.resized(to: width, signed: signed).node, b.resized(to: width, signed: signed).node), width: width)
    }

    // MARK: The description

    /// The finished description, or every problem found.
    public func build() throws -> Module {
        var problems = self.problems
        for m in memories where m.write == nil && m.contents == nil {
            problems.append("memory \(m.name) has neither a write port nor contents")
        }
        for m in memories where m.reads.isEmpty { problems.append("memory \(m.name) is never read") }
        var seen: Set<String> = ["aclk"]
        for instance in instances {
            for (p, port) in instance.block.inputs.enumerated() where instance.inputs[p].count != port.count {
                problems.append("instance \(instance.name): input \(port.name) is not connected")
            }
        }
        let names = inputs.map(\.name) + outputs.map(\.name) + registers.map(\.name) + memories.map(\.name)
            + instances.map(\.name)
        for n in names {
            if !Identifiers.isValid(n) { problems.append("\(n): not usable as a Verilog and C++ name") }
            if !seen.insert(n).inserted { problems.append("\(n): the name is used twice") }
        }
        if !Identifiers.isValidModuleName(name) { problems.append("module name \(name) is not usable as a Verilog and C++ name") }
        guard problems.isEmpty else { throw DescriptionError(module: name, problems: problems) }
        var registers = self.registers
        for (copy, original) in copiesOf {
            registers[copy].next = registers[original].next
            registers[copy].isCopy = true
        }
        var module = Module(name: name, nodes: nodes, inputs: inputs, outputs: outputs, registers: registers,
                            memories: memories, channels: channels, summary: summary)
        module.instances = instances
        _ = try module.flattened()   // a loop through the instances is reported now, not when simulated
        return module
    }
}

/// What is wrong with a description: every problem `ModuleBuilder` found.
public struct DescriptionError: Error, CustomStringConvertible, Sendable {
    public var module: String
    public var problems: [String]
    public var description: String {
        "hardware description \(module): " + problems.joined(separator: "; ")
    }
}

extension Operation {
    /// A short name for messages.
    var summary: String {
        switch self {
        case .constant(let v): "constant \(v)"
        case .input(let p, let e): "input \(p).\(e)"
        case .register(let r): "register \(r)"
        case .memoryRead(let m, let r): "read \(r) of memory \(m)"
        case .arithmetic(let op, _, _): op.rawValue
        case .bitwise(let op, _, _): op.rawValue
        case .not: "not"
        case .compare(let op, let s, _, _): (s ? "signed " : "") + op.rawValue
        case .select: "select"
        case .shift(let op, _, let k): "\(op.rawValue) by \(k)"
        case .variableShift(let op, _, _): "\(op.rawValue) by a signal"
        case .slice(_, let h, let l): "slice [\(h):\(l)]"
        case .concat: "concat"
        case .extend(_, let s): s ? "sign extend" : "zero extend"
        case .bitLength: "bit length"
        case .reduce(let op, _): "\(op.rawValue) reduce"
        case .instanceOutput(let i, let p, let e): "output \(p).\(e) of instance \(i)"
        }
    }
}
