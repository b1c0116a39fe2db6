import Golden
import Hardware

/// One traced kernel as the C++ function `KernelPrinter` prints, ready to be called from a step
/// function (`HLSPrinter`, through the kernel block's `HLSRendering`): the function, named as the
/// Verilog module, the types it takes and returns, and the declarations it needs around it.
struct KernelFunction: Sendable {
    let name: String
    let inputs: KernelPlan.Inputs
    /// The register its outputs leave through: its result is that type, or an octet of it.
    let result: RegisterFormat
    let text: String
    /// Types and constants shared by every kernel of the design.
    let shared: HLSRendering.Declaration

    init(_ plan: KernelPlan, design: HLSDesign, shared: HLSRendering.Declaration) throws {
        let printer = KernelPrinter(design: design)
        name = plan.name
        inputs = plan.inputs
        result = design.format(try printer.outputRegister(plan.graph))
        text = try printer.function(plan)
        self.shared = shared
    }
}

extension HLSDesign {
    /// What the kernel functions need before them in a file of their own: the octet, every register's
    /// type (and its octet), the sample and table-field types, and the DCT constants of all six kernels.
    func kernelDeclarations() throws -> HLSRendering.Declaration {
        var lines = HLSPrinter.include("ap_fixed.h") + [
            "// The datapath's types (DatapathConfig \"\(config.name)\"): registers are the only places a value narrows.",
            "template <typename T> struct octet { T v[8]; };  // a row or a column of an 8x8 block",
            "typedef ap_uint<8> \(Self.pixelType);",
        ]
        for r in Register.all where formats[r] != nil {
            let f = format(r)
            lines.append("typedef \(f.spelling) \(f.typeName);  // \(f.rule)")
            lines.append("typedef octet<\(f.typeName)> \(f.octetName);")
        }
        for f in tableFields { lines.append("typedef \(f.spelling) \(f.typeName);  // \(f.symbol): \(f.meaning)") }
        lines.append("// DCT constants: FIX(x) = round(x * 2^\(config.dctConstantBits)) (CONST_BITS = \(config.dctConstantBits)), x named in the constant.")
        for (symbol, value) in try KernelPrinter.constants(of: graphs.all.map { $0.graph }) {
            lines.append("static const ap_int<\(DataflowGraph.signedWidth(value...value))> \(symbol.rawValue) = \(value);")
        }
        return HLSRendering.Declaration(key: "fxc_datapath_types", text: lines.joined(separator: "\n"))
    }
}
