/// A hardware description: one clocked block, said once and then evaluated in Swift or printed as
/// Verilog and as HLS C++.
///
/// The model is a process in the style of XLS's procs: **state** (named registers with reset values,
/// and memories) plus a **step function** that runs once per clock. From the current state and the
/// current inputs the step computes, combinationally,
///
///   - the outputs (plain output wires, and the valid/data or ready side of each channel),
///   - the next value of every register,
///   - at most one memory write per memory, and the addresses of its read ports;
///
/// at the rising edge of `aclk` all of these take effect at once. The step is a dataflow graph of
/// `Node`s (constants, inputs, state reads and operations on fixed-width bit vectors), listed in an order
/// where every operand comes before its use; conditional updates are selects (`ModuleBuilder.when`
/// writes them for you). There are no branches and no loops at run time.
///
/// **Values** are bit vectors of 1…64 bits. A node holds only bits; signedness belongs to the
/// operations that care: compares, arithmetic shift right and sign extension. Arithmetic works on
/// operands of the node's own width, modulo 2^width (the builder extends narrower operands first).
///
/// **Reset** is synchronous and active low (`aresetn`, sampled at the edge like any input): a register
/// with a reset value takes it; a register without one, the memories and the registered read ports
/// ignore reset (as block RAM does). At power-on every register holds its reset value (or 0), a ROM
/// its contents and a RAM zeros.
///
/// **Channels** are valid/ready handshakes over ports: a transfer happens in a clock where valid and
/// ready are both 1 (`fire`). Ready may depend on state (backpressure); data and valid of an output
/// channel are computed by the step like any output.
///
/// **Memories** have one write port and any number of read ports. Read latency 0 is an asynchronous
/// read (LUT RAM): the data is a function of this clock's address. Read latency 1 is a registered read
/// (block RAM): the data appears after the edge and is the word before that edge's write (read first).
/// Addresses at or past the depth read 0 and write nothing.
///
/// **Instances** place one block inside another, as a Verilog instance: a child description (printed
/// as its own module; flattened into its parent for evaluation), or an `ExternalBlock`. Every input of
/// an instance is connected to a node of the parent; its outputs are nodes of the parent.
public struct Module: Sendable {
    public var name: String
    /// The step function, operands before uses.
    public var nodes: [Node]
    /// Input ports; the first is always `aresetn`. (`aclk` is implicit.)
    public var inputs: [ModulePort]
    public var outputs: [ModulePort]
    public var registers: [StateRegister]
    public var memories: [Memory]
    /// Which ports form handshakes (informative: the ports themselves are in `inputs` and `outputs`).
    public var channels: [Channel]
    /// Blocks placed inside this one: other descriptions, or external blocks (a traced kernel) that
    /// bring their own Verilog and a Swift model. Their outputs are `.instanceOutput` nodes.
    public var instances: [Instance] = []
    /// A line or two on what the block does, printed at the top of each rendering.
    public var summary: String

    /// Bits needed to count up to `n`: the width of a `bitLength` of an n-bit value, and of an address
    /// into `n + 1` words.
    public static func bits(toHold n: Int) -> Int {
        n <= 1 ? 1 : Int.bitWidth - (n).leadingZeroBitCount
    }

    /// Address width of a memory of `depth` words (at least 1).
    public static func addressBits(depth: Int) -> Int { bits(toHold: depth - 1) }
}

/// One value of the step function.
public struct Node: Sendable, Hashable {
    public var operation: Operation
    public var width: Int
    /// A hint for the printed name (made unique when printed).
    public var name: String?
}

public enum Arithmetic: String, Sendable, CaseIterable { case add, sub, mul }
public enum Bitwise: String, Sendable, CaseIterable { case and, or, xor }
public enum Comparison: String, Sendable, CaseIterable { case eq, ne, lt, le, gt, ge }
public enum Shift: String, Sendable, CaseIterable { case left, logicalRight, arithmeticRight }
public enum Reduction: String, Sendable, CaseIterable { case or, and }

/// What a node computes. Operands are node indices.
public enum Operation: Sendable, Hashable {
    case constant(UInt64)
    /// Element `element` of input port `port`.
    case input(port: Int, element: Int)
    /// The current value of register `register`.
    case register(Int)
    /// Read port `read` of memory `memory`: the word at this clock's address (latency 0) or at the
    /// address of the clock before (latency 1).
    case memoryRead(memory: Int, read: Int)
    /// Operands of the node's width; the result modulo 2^width.
    case arithmetic(Arithmetic, Int, Int)
    case bitwise(Bitwise, Int, Int)
    case not(Int)
    /// Operands of equal width; a 1-bit result.
    case compare(Comparison, signed: Bool, Int, Int)
    /// A 1-bit condition: `then` when 1, else `otherwise`.
    case select(Int, then: Int, otherwise: Int)
    /// By a constant `amount` (0 ≤ amount < width).
    case shift(Shift, Int, amount: Int)
    /// By the unsigned value of node `amount`; amounts ≥ width give 0 (or all sign bits).
    case variableShift(Shift, Int, amount: Int)
    /// Bits high…low of the operand.
    case slice(Int, high: Int, low: Int)
    /// The operands side by side, the first most significant.
    case concat([Int])
    /// Zero or sign extension to the node's (wider or equal) width.
    case extend(Int, signed: Bool)
    /// Position of the highest set bit plus one; 0 for 0.
    case bitLength(Int)
    case reduce(Reduction, Int)
    /// Element `element` of output port `port` of instance `instance`.
    case instanceOutput(instance: Int, port: Int, element: Int)

    /// The nodes this one reads.
    public var operands: [Int] {
        switch self {
        case .constant, .input, .register, .memoryRead, .instanceOutput: []
        case .arithmetic(_, let a, let b), .bitwise(_, let a, let b), .compare(_, _, let a, let b): [a, b]
        case .not(let a), .shift(_, let a, _), .slice(let a, _, _), .extend(let a, _), .bitLength(let a), .reduce(_, let a): [a]
        case .variableShift(_, let a, let amount): [a, amount]
        case .select(let c, let t, let o): [c, t, o]
        case .concat(let parts): parts
        }
    }
}

/// An input or output port: `count` elements of `width` bits; a port of several elements is one
/// vector on the Verilog and HLS side, element k at bits [width·k +: width].
public struct ModulePort: Sendable, Equatable {
    public var name: String
    public var width: Int
    public var count: Int
    /// The nodes of its elements: an input's `.input` nodes, or the values an output shows.
    public var elements: [Int]

    public var totalWidth: Int { width * count }
}

/// A state register. `value` is its `.register` node, `next` the node it takes at the edge.
public struct StateRegister: Sendable, Equatable {
    public var name: String
    public var width: Int
    /// Nil: not reset (keeps stepping while `aresetn` is low).
    public var reset: UInt64?
    public var value: Int
    public var next: Int
    /// A copy of another register, kept apart in synthesis (`ModuleBuilder.copies(of:count:)`).
    public var isCopy = false
}

/// A RAM or ROM. A ROM has contents and no write port.
public struct Memory: Sendable, Equatable {
    public var name: String
    public var depth: Int
    public var width: Int
    /// 0: asynchronous read (LUT RAM); 1: registered read (block RAM).
    public var readLatency: Int
    /// Power-on contents (`depth` words); nil means zeros.
    public var contents: [UInt64]?
    public var write: MemoryWrite?
    public var reads: [MemoryReadPort]

    public var addressWidth: Int { Module.addressBits(depth: depth) }
    public var isROM: Bool { write == nil }
}

public struct MemoryWrite: Sendable, Equatable {
    public var enable: Int
    public var address: Int
    public var data: Int
}

public struct MemoryReadPort: Sendable, Equatable {
    public var address: Int
    /// Latency 1 only: the data register loads when this is 1 (nil: every clock).
    public var enable: Int?
    /// The `.memoryRead` node.
    public var data: Int
}

/// A valid/ready handshake over ports. For an input channel `valid` and the data fields are input
/// ports and `ready` an output port; for an output channel the other way round.
public struct Channel: Sendable, Equatable {
    public enum Direction: String, Sendable { case input, output }
    public var direction: Direction
    public var valid: String
    public var ready: String
    public var fields: [String]
    /// The node that is 1 in a clock where the transfer happens.
    public var fire: Int
}

// The infix symbols, the same in Verilog and C++.
extension Arithmetic { var symbol: String { ["add": "+", "sub": "-", "mul": "*"][rawValue]! } }
extension Bitwise { var symbol: String { ["and": "&", "or": "|", "xor": "^"][rawValue]! } }
extension Comparison { var symbol: String { ["eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="][rawValue]! } }
