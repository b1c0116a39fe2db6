/// The shape of a port of a placed block: `count` elements of `width` bits (one vector outside).
public struct PortShape: Sendable, Equatable {
    public var name: String
    public var width: Int
    public var count: Int
    public init(_ name: String, width: Int, count: Int = 1) {
        self.name = name; self.width = width; self.count = count
    }
}

/// A block placed inside a description, as a Verilog instance is.
public struct Instance: Sendable {
    public enum Block: Sendable {
        /// Another description: printed as its own module, inlined for evaluation.
        indirect case description(Module)
        /// A block that brings its own Verilog module and a Swift model of it.
        case external(ExternalBlock)

        /// The Verilog module's name.
        public var moduleName: String {
            switch self {
            case .description(let m): m.name
            case .external(let e): e.moduleName
            }
        }

        /// Input ports (a description's first is `aresetn`, connected to the parent's).
        public var inputs: [PortShape] {
            switch self {
            case .description(let m): m.inputs.map { PortShape($0.name, width: $0.width, count: $0.count) }
            case .external(let e): e.inputs
            }
        }

        public var outputs: [PortShape] {
            switch self {
            case .description(let m): m.outputs.map { PortShape($0.name, width: $0.width, count: $0.count) }
            case .external(let e): e.outputs
            }
        }
    }

    /// The instance name (prefix of its inlined state, and of its wires in the Verilog).
    public var name: String
    public var block: Block
    /// Per input port of the block, the parent's nodes feeding its elements.
    public var inputs: [[Int]]
    /// Per output port, the parent's `.instanceOutput` nodes of its elements.
    public var outputs: [[Int]]
}

/// A block described outside this vocabulary — a traced kernel — that the description places by its
/// ports: the Verilog prints an instance of `moduleName` (with `aclk`), and the cycle simulator runs a
/// Swift model of it. Its outputs are registered: a function of its state, never of this clock's
/// inputs, so that it can sit anywhere in a step function.
public struct ExternalBlock: Sendable {
    public var moduleName: String
    public var inputs: [PortShape]
    public var outputs: [PortShape]
    /// A fresh model with power-on state (one per simulator).
    public var makeModel: @Sendable () -> any ExternalModel
    /// Its C++ for `HLSPrinter`, if it has one (without, the printed C++ stops at an `#error`).
    public var hls: HLSRendering?
    /// The text of its Verilog module, when the block carries it (`VerilogPrinter.externalModules`);
    /// nil when the files come from elsewhere (the kernels' come with the core's).
    public var verilog: String?

    public init(moduleName: String, inputs: [PortShape], outputs: [PortShape], hls: HLSRendering? = nil, verilog: String? = nil,
                makeModel: @escaping @Sendable () -> any ExternalModel) {
        self.moduleName = moduleName
        self.inputs = inputs
        self.outputs = outputs
        self.hls = hls
        self.verilog = verilog
        self.makeModel = makeModel
    }
}

/// The Swift model of an `ExternalBlock`, clock by clock. Values are one UInt64 per port element, in
/// port order, bits above the element's width 0.
public protocol ExternalModel: AnyObject {
    /// Back to power-on.
    func reset()
    /// The outputs now (they depend on the state only).
    func outputs(_ values: UnsafeMutableBufferPointer<UInt64>)
    /// The rising edge, with this clock's inputs.
    func edge(_ inputs: UnsafeBufferPointer<UInt64>)
}

/// A placed block as the step function sees it: its outputs by name, and its inputs to connect.
public struct InstanceHandle {
    let index: Int
    unowned let builder: ModuleBuilder

    public var name: String { builder.instances[index].name }

    /// All elements of output port `port`.
    public func outputs(_ port: String) -> [Signal] {
        let instance = builder.instances[index]
        guard let p = instance.block.outputs.firstIndex(where: { $0.name == port }) else {
            builder.problem("instance \(instance.name): \(instance.block.moduleName) has no output \(port)")
            return [builder.constant(0, width: 1)]
        }
        let width = instance.block.outputs[p].width
        return instance.outputs[p].map { Signal(node: $0, width: width, builder: builder) }
    }

    /// A one-element output port.
    public func output(_ port: String) -> Signal { outputs(port)[0] }

    /// Feeds input port `port` (all its elements); a port is connected once.
    public func connect(_ port: String, _ values: [Signal]) {
        let instance = builder.instances[index]
        guard let p = instance.block.inputs.firstIndex(where: { $0.name == port }) else {
            return builder.problem("instance \(instance.name): \(instance.block.moduleName) has no input \(port)")
        }
        let shape = instance.block.inputs[p]
        if !instance.inputs[p].isEmpty { return builder.problem("instance \(instance.name): input \(port) connected twice") }
        if values.count != shape.count || values.contains(where: { $0.width != shape.width }) {
            return builder.problem("instance \(instance.name): input \(port) takes \(shape.count) × \(shape.width) bits, given \(values.count) of \(values.map(\.width))")
        }
        builder.instances[index].inputs[p] = values.map(\.node)
    }

    public func connect(_ port: String, _ value: Signal) { connect(port, [value]) }
}

extension ModuleBuilder {
    /// Places another description; its `aresetn` is this module's.
    public func instance(_ module: Module, name: String) -> InstanceHandle {
        let handle = place(.description(module), name: name)
        instances[handle.index].inputs[0] = [aresetn.node]
        return handle
    }

    /// Places an external block.
    public func instance(_ block: ExternalBlock, name: String) -> InstanceHandle {
        place(.external(block), name: name)
    }

    private func place(_ block: Instance.Block, name: String) -> InstanceHandle {
        let i = instances.count
        instances.append(Instance(name: name, block: block, inputs: block.inputs.map { _ in [] }, outputs: []))
        instances[i].outputs = block.outputs.enumerated().map { p, shape in
            (0..<shape.count).map { e in
                add(.instanceOutput(instance: i, port: p, element: e), width: shape.width,
                    name: shape.count == 1 ? "\(name)_\(shape.name)" : "\(name)_\(shape.name)_\(e)").node
            }
        }
        return InstanceHandle(index: i, builder: self)
    }
}
