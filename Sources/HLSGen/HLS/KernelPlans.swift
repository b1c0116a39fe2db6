import Golden

/// The kernels of the block datapath as a list, in stream order, with the C++ types their inputs
/// arrive in (each kernel's input is the previous kernel's output register) and the maths they
/// implement, stated once, beside the code, in the words of libjpeg's jfdctint.c / jidctint.c /
/// jcdctmgr.c. A new kernel is one more plan in the list; both emitters print every plan.
extension HLSDesign {
    /// The stream samples arrive in.
    static let pixelType = "pixel_t"

    func kernelPlans() throws -> [KernelPlan] {
        let printer = KernelPrinter(design: self)
        func resultOf(_ g: DataflowGraph) throws -> String { format(try printer.outputRegister(g)).typeName }
        let cb = config.dctConstantBits, pf = config.fdctPass1Bits, pi = config.idctPass1Bits
        let odd = "odd:  z1..z4 = t0+t3, t1+t2, t0+t2, t1+t3;  z5 = (z3 + z4)*FIX_1_175875602;"
        let oddScale = "      z1..z4 *= -FIX_0_899976223, -FIX_2_562915447, -FIX_1_961570560, -FIX_0_390180644;  z3 += z5, z4 += z5"
        let oddOut = "      o(t0) = t0*FIX_0_298631336 + z1 + z3,  o(t1) = t1*FIX_2_053119869 + z2 + z4,"
        let oddOut2 = "      o(t2) = t2*FIX_3_072711026 + z2 + z3,  o(t3) = t3*FIX_1_501321110 + z1 + z4"
        func descale(_ n: Int, _ x: String = "x") -> String {
            n > 0 ? "DESCALE(\(x), \(n)) = (\(x) + 2^\(n - 1)) >> \(n)" : n < 0 ? "\(x) << \(-n)" : x
        }
        func narrowed(_ g: DataflowGraph) throws -> String {
            let f = format(try printer.outputRegister(g))
            return "narrowed to \(f.register) (\(f.rule))"
        }

        func fdctRow() throws -> KernelPlan {
            let g = graphs.forwardRow
            return KernelPlan(name: "fdct_row", graph: g, maths: [
                "FDCT pass 1 on one row (jfdctint.c; Loeffler, Ligtenberg, Moschytz: 12 multiplies, 32 adds).",
                "  d = s - 128;  tmp0..3 = d0+d7, d1+d6, d2+d5, d3+d4;  tmp7..4 = d0-d7, d1-d6, d2-d5, d3-d4",
                "  even: tmp10/13 = tmp0 +/- tmp3, tmp11/12 = tmp1 +/- tmp2;  w0/w4 = (tmp10 +/- tmp11) << \(pf)",
                "        z1 = (tmp12 + tmp13)*FIX_0_541196100;  w2 = z1 + tmp13*FIX_0_765366865;  w6 = z1 - tmp12*FIX_1_847759065",
                "  " + odd + "  (t0..t3 = tmp4..tmp7)",
                oddScale, oddOut, oddOut2 + ";  w7, w5, w3, w1 = o(t0..t3)",
                "  w1, w2, w3, w5, w6, w7: \(descale(cb - pf))  (CONST_BITS \(cb) - PASS1_BITS \(pf));",
                "  all \(try narrowed(g))",
            ], inputs: .octet(element: Self.pixelType))
        }
        func fdctColumn() throws -> KernelPlan {
            let g = graphs.forwardColumn
            return KernelPlan(name: "fdct_column", graph: g, maths: [
                "FDCT pass 2 on one column of the workspace: the butterflies of pass 1 (w for d, no level shift),",
                "  c0/c4 = \(descale(pf, "tmp10 +/- tmp11")) (PASS1_BITS \(pf)),",
                "  the rest \(descale(cb + pf)) (CONST_BITS \(cb) + PASS1_BITS \(pf));",
                "  c = 8 x the orthonormal DCT, \(try narrowed(g))",
            ], inputs: .octet(element: try resultOf(graphs.forwardRow)))
        }
        func quantize() throws -> KernelPlan {
            let g = graphs.quantize
            return KernelPlan(name: "quantize", graph: g, maths: [
                "Quantize one coefficient without a divider (jcdctmgr.c, reciprocal form of x / 8q, rounded half away from 0):",
                "  quantized = sign(x) * (((|x| + c) * f) >> r), \(try narrowed(g))",
            ], inputs: .scalars(try scalarInputs(g, data: try resultOf(graphs.forwardColumn))))
        }
        func dequantize() throws -> KernelPlan {
            let g = graphs.dequantize
            return KernelPlan(name: "dequantize", graph: g, maths: [
                "Dequantize one coefficient: dequantized = quantized * q, \(try narrowed(g))",
            ], inputs: .scalars(try scalarInputs(g, data: try resultOf(graphs.quantize))))
        }
        func idctColumn() throws -> KernelPlan {
            let g = graphs.inverseColumn
            return KernelPlan(name: "idct_column", graph: g, maths: [
                "IDCT pass 1 on one column of dequantized coefficients d0..d7 (jidctint.c).",
                "  even: z1 = (d2 + d6)*FIX_0_541196100;  tmp2 = z1 - d6*FIX_1_847759065;  tmp3 = z1 + d2*FIX_0_765366865",
                "        tmp0/1 = (d0 +/- d4) << \(cb);  tmp10/13 = tmp0 +/- tmp3;  tmp11/12 = tmp1 +/- tmp2",
                "  " + odd + "  (t0..t3 = d7, d5, d3, d1)",
                oddScale, oddOut, oddOut2,
                "  w0/w7 = tmp10 +/- o(t3), w1/w6 = tmp11 +/- o(t2), w2/w5 = tmp12 +/- o(t1), w3/w4 = tmp13 +/- o(t0),",
                "  each \(descale(cb - pi)) (CONST_BITS \(cb) - PASS1_BITS \(pi)), \(try narrowed(g))",
            ], inputs: .octet(element: try resultOf(graphs.dequantize)))
        }
        func idctRow() throws -> KernelPlan {
            let g = graphs.inverseRow
            let limit: String
            switch config.rangeLimit {
            case .libjpegTable: limit = "s = clamp(wrap10(x) + 128, 0, 255), libjpeg's range-limit table indexed by x mod 1024"
            case .saturate: limit = "s = clamp(x + 128, 0, 255)"
            }
            let idctOutput = format(.idctOutput)
            return KernelPlan(name: "idct_row", graph: g, maths: [
                "IDCT pass 2 on one row of the workspace: pass 1's maths, then \(descale(cb + pi + 3))",
                "  (CONST_BITS \(cb) + PASS1_BITS \(pi) + 3; the 3 removes the forward transform's factor 8),",
                "  narrowed to idct_output (\(idctOutput.rule)); then the range limit \(limit).",
            ], inputs: .octet(element: try resultOf(graphs.inverseColumn)))
        }

        return try [fdctRow(), fdctColumn(), quantize(), dequantize(), idctColumn(), idctRow()]
    }

    /// A scalar kernel's inputs in traced order: table fields by name, the one other input is the data.
    private func scalarInputs(_ g: DataflowGraph, data: String) throws -> [(name: String, type: String)] {
        let fields = Dictionary(uniqueKeysWithValues: tableFields.map { ($0.name, $0.typeName) })
        let inputs = g.nodes.compactMap { node -> String? in
            if case .input(let name) = node.op { return name }
            return nil
        }
        guard inputs.filter({ fields[$0] == nil }).count == 1 else {
            throw HLSGenError("a quantizer kernel takes one data input beside its table fields")
        }
        return inputs.map { ($0, fields[$0] ?? data) }
    }
}
