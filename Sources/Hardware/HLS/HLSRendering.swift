/// How an external block appears in the C++ of a description that places it (`HLSPrinter`). The
/// printer keeps its promise for the block too — one call is one clock: the block's outputs are read
/// from its state before anything else, and its edge runs with the other next values, reading only
/// this clock's values and its own state as it was, before any store.
///
/// Every identifier an instance declares starts with the prefix the printer gives it (the instance
/// name), so two instances of one block never share state.
public struct HLSRendering: Sendable {
    /// A file-level piece (types, constants, a function): printed once per key, however many
    /// instances, of however many blocks, ask for it.
    public struct Declaration: Sendable, Equatable {
        public var key: String
        public var text: String
        public init(key: String, text: String) { self.key = key; self.text = text }
    }

    public var declarations: [Declaration]
    /// The instance's `static` state (lines of C++), given its prefix.
    public var state: @Sendable (_ prefix: String) -> [String]
    /// Per output port, per element: an expression of the state alone, convertible to the element's
    /// `ap_uint<width>`.
    public var outputs: @Sendable (_ prefix: String) -> [[String]]
    /// The statements of the rising edge, given per input port and element the expression of its
    /// value this clock (an `ap_uint<width>`). They change only the instance's state, and each new
    /// value is computed from the state as it was before the edge.
    public var edge: @Sendable (_ prefix: String, _ inputs: [[String]]) -> [String]

    public init(declarations: [Declaration], state: @escaping @Sendable (_ prefix: String) -> [String],
                outputs: @escaping @Sendable (_ prefix: String) -> [[String]],
                edge: @escaping @Sendable (_ prefix: String, _ inputs: [[String]]) -> [String]) {
        self.declarations = declarations
        self.state = state
        self.outputs = outputs
        self.edge = edge
    }
}
