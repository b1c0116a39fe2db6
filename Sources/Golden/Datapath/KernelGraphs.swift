/// The block datapath's kernels traced into dataflow graphs, with input ranges chained from stage to
/// stage: what the emitters print and what tells the golden model the widths it must carry.
public struct KernelGraphs: Sendable {
    public let config: DatapathConfig
    /// FDCT pass 1: samples s0..s7 (0...255) → workspace w0..w7.
    public let forwardRow: DataflowGraph
    /// FDCT pass 2: workspace column w0..w7 → coefficients c0..c7 (fdct_output).
    public let forwardColumn: DataflowGraph
    /// Quantizer: x, reciprocal, correction, shift → quantized.
    public let quantize: DataflowGraph
    /// Dequantizer: quantized, q → dequantized.
    public let dequantize: DataflowGraph
    /// IDCT pass 1: dequantized column → workspace.
    public let inverseColumn: DataflowGraph
    /// IDCT pass 2: workspace row → samples (0...255).
    public let inverseRow: DataflowGraph

    /// Field ranges of a quantizer table entry.
    public let divisorRange, reciprocalRange, correctionRange, shiftRange: ClosedRange<Int>

    public init(_ config: DatapathConfig) throws {
        try config.validate()
        self.config = config
        let stages = BlockStages(config)
        let fields = QuantizerEntry.fieldRanges(quantTableBits: config.quantTableBits,
                                                reciprocalBits: config.quantizerReciprocalBits)
        (divisorRange, reciprocalRange, correctionRange, shiftRange) = fields

        func trace(_ inputNames: String, count: Int, _ range: ClosedRange<Int>, outputs outName: String,
                   _ body: (Octet<Int>, inout DataflowTracer) -> Octet<Int>) throws -> DataflowGraph {
            var t = DataflowTracer(config: config)
            let inputs = Octet { t.input("\(inputNames)\($0)", range) }
            let out = body(inputs, &t)
            for i in 0..<8 { t.output("\(outName)\(i)", out[i]) }
            if let e = t.rangeError { throw e }
            return t.graph
        }
        func union(_ g: DataflowGraph) -> ClosedRange<Int> {
            let rs = g.outputs.map { g.nodes[$0.node].range }
            return rs.map(\.lowerBound).min()!...rs.map(\.upperBound).max()!
        }

        forwardRow = try trace("s", count: 8, 0...255, outputs: "w") { stages.forwardRow($0, &$1) }
        forwardColumn = try trace("w", count: 8, union(forwardRow), outputs: "c") { stages.forwardColumn($0, &$1) }

        var q = DataflowTracer(config: config)
        let x = q.input("x", union(forwardColumn))
        let f = q.input("reciprocal", fields.reciprocal), c = q.input("correction", fields.correction)
        let r = q.input("shift", fields.shift)
        q.output("quantized", stages.quantize(x, reciprocal: f, correction: c, shift: r, &q))
        if let e = q.rangeError { throw e }
        quantize = q.graph

        // Decoding starts from coefficients that may come from outside: the quantized register's full
        // format when it is narrowed, else what the quantizer can produce.
        let quantizedRange = config.spec(.quantized).bounds(unsigned: false) ?? union(quantize)
        var dq = DataflowTracer(config: config)
        let qv = dq.input("quantized", quantizedRange)
        let divisor = dq.input("divisor", fields.divisor)
        dq.output("dequantized", stages.dequantize(qv, divisor: divisor, &dq))
        if let e = dq.rangeError { throw e }
        dequantize = dq.graph

        inverseColumn = try trace("d", count: 8, union(dequantize), outputs: "w") { stages.inverseColumn($0, &$1) }
        inverseRow = try trace("w", count: 8, union(inverseColumn), outputs: "s") { stages.inverseRow($0, &$1) }
    }

    public var all: [(name: String, graph: DataflowGraph)] {
        [("fdct_row", forwardRow), ("fdct_column", forwardColumn), ("quantize", quantize),
         ("dequantize", dequantize), ("idct_column", inverseColumn), ("idct_row", inverseRow)]
    }

    /// Registers that can overflow for some input, across all kernels.
    public var registersThatMayOverflow: Set<Register> {
        Set(all.flatMap { $0.graph.registers.filter(\.mayOverflow).map(\.0) })
    }

    /// Widest internal value of the encode kernels and of the decode kernels, in bits.
    public var encodeWidth: Int { [forwardRow, forwardColumn, quantize].map(\.maximumWidth).max()! }
    public var decodeWidth: Int { [dequantize, inverseColumn, inverseRow].map(\.maximumWidth).max()! }
}
