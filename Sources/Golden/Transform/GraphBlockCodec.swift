/// The block datapath run through its six traced graphs (`EvaluableGraph`) instead of the kernels:
/// the same blocks, the same order and the same table entries as `BlockCodec`'s scalar path, so its
/// outputs and overflow report must equal the scalar and lane evaluators'. Blocks are 64 values,
/// row-major within the block, one after another.
///
///   encode: rows r = 0…7 of the samples → fdct_row → workspace row r; columns c = 0…7 of the workspace
///           → fdct_column → workspace column c; each of the 64 positions → quantize with its entry.
///   decode: each position → dequantize with its divisor; columns → idct_column → workspace column;
///           rows → idct_row → samples.
///
/// Values are carried as Int end to end (no narrowing to Int32 or UInt8 on the way out), so a result
/// that the codec's output types would truncate differs from theirs instead of hiding.
public struct GraphBlockCodec: Sendable {
    public let graphs: KernelGraphs
    let forwardRow, forwardColumn, quantize, dequantize, inverseColumn, inverseRow: EvaluableGraph

    public init(_ graphs: KernelGraphs) {
        self.graphs = graphs
        (forwardRow, forwardColumn) = (EvaluableGraph(graphs.forwardRow), EvaluableGraph(graphs.forwardColumn))
        (quantize, dequantize) = (EvaluableGraph(graphs.quantize), EvaluableGraph(graphs.dequantize))
        (inverseColumn, inverseRow) = (EvaluableGraph(graphs.inverseColumn), EvaluableGraph(graphs.inverseRow))
        // The drivers below pass inputs by position: hold the graphs to the order they rely on.
        precondition(quantize.inputNames == ["x", "reciprocal", "correction", "shift"], "quantize inputs \(quantize.inputNames)")
        precondition(dequantize.inputNames == ["quantized", "divisor"], "dequantize inputs \(dequantize.inputNames)")
        for g in [forwardRow, forwardColumn, inverseColumn, inverseRow] {
            precondition(g.inputNodes.count == 8 && g.outputNodes.count == 8)
        }
    }

    public init(_ config: DatapathConfig) throws { self.init(try KernelGraphs(config)) }

    /// The coefficients `decode` is defined for: the range the dequantizer graph was traced with (the
    /// quantized register's format, or what the quantizer can produce when that keeps full precision).
    public var decodableCoefficients: ClosedRange<Int> { graphs.dequantize.nodes[dequantize.inputNodes[0]].range }

    /// What a run gives: its outputs, the overflow report, and how many values left their node's
    /// traced interval (see `RegisterObservations.outsideTracedRange`; 0 for inputs in the traced domain).
    public struct Run: Sendable {
        public var values: [Int]
        public var report: OverflowReport
        public var outsideTracedRange: Int
    }

    /// Samples (0...255) → FDCT outputs (the fdct_output register).
    public func forwardTransform(samples: [UInt8]) -> Run { encode(samples, table: nil) }

    /// Samples (0...255) → quantized coefficients.
    public func encode(samples: [UInt8], table: QuantTable) -> Run { encode(samples, table: table) }

    /// Quantized coefficients (within `decodableCoefficients`) → samples.
    public func decode(coefficients: [Int], table: QuantTable) -> Run {
        precondition(coefficients.count % 64 == 0)
        let divisor = BlockCodec.EntryTable(table, reciprocalBits: graphs.config.quantizerReciprocalBits).divisor
        var seen = RegisterObservations()
        var out = [Int](repeating: 0, count: coefficients.count)
        var scratch = Scratch(self)
        for block in 0..<coefficients.count / 64 {
            let base = block * 64
            for i in 0..<64 {
                scratch.inputs[0] = coefficients[base + i]
                scratch.inputs[1] = divisor[i]
                scratch.run(dequantize, &seen)
                scratch.block[i] = scratch.outputs[0]
            }
            for col in 0..<8 {        // pass 1: columns
                for k in 0..<8 { scratch.inputs[k] = scratch.block[k * 8 + col] }
                scratch.run(inverseColumn, &seen)
                for k in 0..<8 { scratch.workspace[k * 8 + col] = scratch.outputs[k] }
            }
            for r in 0..<8 {          // pass 2: rows
                for k in 0..<8 { scratch.inputs[k] = scratch.workspace[r * 8 + k] }
                scratch.run(inverseRow, &seen)
                for k in 0..<8 { out[base + r * 8 + k] = scratch.outputs[k] }
            }
        }
        var report = OverflowReport()
        seen.accumulate(into: &report)
        return Run(values: out, report: report, outsideTracedRange: seen.outsideTracedRange)
    }

    /// `table == nil` stops after the FDCT.
    func encode(_ samples: [UInt8], table: QuantTable?) -> Run {
        precondition(samples.count % 64 == 0)
        let entries = table.map { BlockCodec.EntryTable($0, reciprocalBits: graphs.config.quantizerReciprocalBits) }
        var seen = RegisterObservations()
        var out = [Int](repeating: 0, count: samples.count)
        var scratch = Scratch(self)
        for block in 0..<samples.count / 64 {
            let base = block * 64
            for r in 0..<8 {          // pass 1: rows
                for k in 0..<8 { scratch.inputs[k] = Int(samples[base + r * 8 + k]) }
                scratch.run(forwardRow, &seen)
                for k in 0..<8 { scratch.workspace[r * 8 + k] = scratch.outputs[k] }
            }
            for c in 0..<8 {          // pass 2: columns
                for u in 0..<8 { scratch.inputs[u] = scratch.workspace[u * 8 + c] }
                scratch.run(forwardColumn, &seen)
                for u in 0..<8 { scratch.workspace[u * 8 + c] = scratch.outputs[u] }
            }
            guard let t = entries else {
                for i in 0..<64 { out[base + i] = scratch.workspace[i] }
                continue
            }
            for i in 0..<64 {
                (scratch.inputs[0], scratch.inputs[1]) = (scratch.workspace[i], t.reciprocal[i])
                (scratch.inputs[2], scratch.inputs[3]) = (t.correction[i], t.shift[i])
                scratch.run(quantize, &seen)
                out[base + i] = scratch.outputs[0]
            }
        }
        var report = OverflowReport()
        seen.accumulate(into: &report)
        return Run(values: out, report: report, outsideTracedRange: seen.outsideTracedRange)
    }

    /// The buffers one run reuses for every graph call: a graph's inputs, outputs and slots, and two
    /// 8×8 blocks.
    struct Scratch {
        var inputs = [Int](repeating: 0, count: 8), outputs = [Int](repeating: 0, count: 8)
        var slots: [Int]
        var block = [Int](repeating: 0, count: 64), workspace = [Int](repeating: 0, count: 64)

        init(_ codec: GraphBlockCodec) {
            let graphs = [codec.forwardRow, codec.forwardColumn, codec.quantize,
                          codec.dequantize, codec.inverseColumn, codec.inverseRow]
            slots = [Int](repeating: 0, count: graphs.map(\.slotCount).max()!)
        }

        mutating func run(_ graph: EvaluableGraph, _ seen: inout RegisterObservations) {
            inputs.withUnsafeBufferPointer { i in
                outputs.withUnsafeMutableBufferPointer { o in
                    slots.withUnsafeMutableBufferPointer { s in
                        graph.evaluate(i.baseAddress!, o.baseAddress!, slots: s.baseAddress!, observing: &seen)
                    }
                }
            }
        }
    }
}
