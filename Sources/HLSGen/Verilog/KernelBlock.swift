import Golden
import Hardware

extension KernelModule {
    /// The kernel as a block a hardware description places: ports `en`, `valid` (one bit per stage),
    /// the traced inputs and outputs at their Verilog widths; its Swift model evaluates the traced graph,
    /// its C++ (when the kernel has its function) calls the function `KernelPrinter` prints.
    var block: ExternalBlock {
        let inputs = [PortShape("en", width: 1), PortShape("valid", width: latency)]
            + self.inputs.map { PortShape($0.port.name, width: $0.port.width) }
        let outputs = self.outputs.map { PortShape($0.name, width: $0.width) }
        let graph = EvaluableGraph(self.graph)
        let ports = self.inputs.map(\.port), outs = self.outputs
        let latency = self.latency
        return ExternalBlock(moduleName: name, inputs: inputs, outputs: outputs, hls: function.map(rendering)) {
            KernelModel(graph: graph, inputs: ports, outputs: outs, latency: latency)
        }
    }

    /// The pipeline in C++ exactly as `KernelModel` runs it: per output, a static array of the value
    /// each stage holds (the output shows the last). On an edge with en = 1, stage s takes stage s - 1
    /// where valid[s] (s from the last down to 1, so each reads the value before the edge), and stage 0
    /// takes the kernel function's result on this clock's inputs where valid[0]. The inputs arrive as
    /// bit patterns and are read as numbers (signed where the Verilog port is); a result is stored as
    /// its low bits at the port's width.
    func rendering(_ f: KernelFunction) -> HLSRendering {
        let latency = self.latency, ports = self.inputs.map(\.port), outs = self.outputs, copies = self.copies
        let stages: @Sendable (String, Int) -> String = { prefix, k in "\(prefix)_\(outs[k].name)_stages" }
        return HLSRendering(
            declarations: [f.shared, .init(key: f.name, text: f.text)],
            state: { prefix in
                outs.indices.flatMap { k in
                    let zeros = Array(repeating: "0", count: latency).joined(separator: ", ")
                    return ["static ap_uint<\(outs[k].width)> \(stages(prefix, k))[\(latency)] = {\(zeros)};",
                            "#pragma HLS ARRAY_PARTITION variable=\(stages(prefix, k)) complete"]
                }
            },
            outputs: { prefix in outs.indices.map { ["\(stages(prefix, $0))[\(latency - 1)]"] } },
            edge: { prefix, inputs in
                let valid = "\(prefix)_valid"
                var lines = ["if (\(inputs[0][0])) {", "    const ap_uint<\(latency)> \(valid) = \(inputs[1][0]);"]
                for s in stride(from: latency - 1, through: 1, by: -1) {
                    lines.append("    if (\(valid)[\(s)]) {")
                    lines += outs.indices.map { "        \(stages(prefix, $0))[\(s)] = \(stages(prefix, $0))[\(s - 1)];" }
                    lines.append("    }")
                }
                let numbers = ports.enumerated().map { i, port in
                    "ap_\(port.signed ? "" : "u")int<\(port.width)>(\(inputs[2 + i][0]))"
                }
                lines.append("    if (\(valid)[0]) {")
                let results: [String]
                switch f.inputs {
                case .octet(let element):
                    lines.append("        octet<\(element)> \(prefix)_in;")
                    for (i, n) in numbers.enumerated() { lines.append("        \(prefix)_in.v[\(i)] = \(n);") }
                    lines.append("        const \(f.result.octetName) \(prefix)_out = \(f.name)(\(prefix)_in);")
                    results = outs.indices.map { "\(prefix)_out.v[\($0)]" }
                case .scalars:
                    // One call per lane the module holds, on that lane's ports.
                    let each = numbers.count / copies
                    results = (0..<copies).map { k in copies == 1 ? "\(prefix)_out" : "\(prefix)_out\(k)" }
                    for (k, result) in results.enumerated() {
                        let arguments = numbers[(k * each)..<((k + 1) * each)].joined(separator: ", ")
                        lines.append("        const \(f.result.typeName) \(result) = \(f.name)(\(arguments));")
                    }
                }
                for (k, r) in results.enumerated() {
                    lines.append("        \(stages(prefix, k))[0] = ap_uint<\(outs[k].width)>(\(r).to_int64());")
                }
                return lines + ["    }", "}"]
            })
    }
}

/// A kernel's pipeline clock by clock, as its printed module behaves for the beats it carries: with
/// `en` high, stage s loads from stage s − 1 when `valid[s]` says it holds a beat (stage 0 from the
/// input ports), so the output shows the result of the last beat that left the last stage. A beat's
/// result is computed whole when it enters (the graph evaluated on the input ports read as numbers)
/// and carried through the stages; what the printed stages hold in between is not observable. (An
/// unfolded kernel's Verilog loads every stage on every clock; it differs from this only in stages
/// without a beat, which nothing reads.)
final class KernelModel: ExternalModel {
    let graph: EvaluableGraph
    let latency: Int
    /// Per input port in the graph's order: its position among the block's inputs, width, signedness.
    let inputPorts: [(position: Int, width: Int, signed: Bool)]
    /// Per graph output: its position among the block's outputs and its width.
    let outputPorts: [(position: Int, width: Int)]
    /// stages[s · width + k]: output k of the beat in stage s.
    var stages: [UInt64]
    let width: Int
    var scratch: [Int], arguments: [Int], results: [Int]
    var seen = RegisterObservations()

    init(graph: EvaluableGraph, inputs: [VerilogSignal], outputs: [VerilogSignal], latency: Int) {
        self.graph = graph
        self.latency = latency
        inputPorts = graph.inputNames.map { name in
            let k = inputs.firstIndex { $0.name == name }!
            return (2 + k, inputs[k].width, inputs[k].signed)
        }
        outputPorts = graph.outputNames.map { name in
            let k = outputs.firstIndex { $0.name == name }!
            return (k, outputs[k].width)
        }
        width = outputs.count
        stages = Array(repeating: 0, count: outputs.count * latency)
        scratch = Array(repeating: 0, count: graph.slotCount)
        arguments = Array(repeating: 0, count: inputPorts.count)
        results = Array(repeating: 0, count: outputPorts.count)
    }

    func reset() {
        for i in stages.indices { stages[i] = 0 }
    }

    func outputs(_ values: UnsafeMutableBufferPointer<UInt64>) {
        let last = (latency - 1) * width
        for k in 0..<values.count { values[k] = stages[last + k] }
    }

    func edge(_ inputs: UnsafeBufferPointer<UInt64>) {
        guard inputs[0] != 0 else { return }
        let valid = inputs[1]
        for s in stride(from: latency - 1, through: 1, by: -1) where valid >> UInt64(s) & 1 != 0 {
            for k in 0..<width { stages[s * width + k] = stages[(s - 1) * width + k] }
        }
        guard valid & 1 != 0 else { return }
        for (k, port) in inputPorts.enumerated() {
            let bits = inputs[port.position]
            let shift = 64 - port.width
            arguments[k] = port.signed ? Int(bitPattern: UInt(bits << UInt64(shift))) >> shift : Int(bits)
        }
        arguments.withUnsafeBufferPointer { a in
            results.withUnsafeMutableBufferPointer { r in
                scratch.withUnsafeMutableBufferPointer { s in
                    graph.evaluate(a.baseAddress!, r.baseAddress!, slots: s.baseAddress!, observing: &seen)
                }
            }
        }
        for (k, port) in outputPorts.enumerated() {
            stages[port.position] = UInt64(bitPattern: Int64(results[k])) & Signal.mask(port.width)
        }
    }
}
