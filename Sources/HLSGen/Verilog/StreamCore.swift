import Golden

/// The streaming core around the traced kernels: three pipeline sections joined by two ping-pong
/// transposes, the quantization tables, and the serial (1 value per beat) wrapper.
///
///   A (rows)    input row → FDCT row pass, or the row as it is when decoding         → T1
///   B (columns) T1 column → FDCT column pass → quantize ─┬──────────────────────────── → T2  (encode)
///                                                        └→ dequantize → IDCT column  → T2  (roundtrip)
///               T1 column (coefficients) → dequantize → IDCT column                   → T2  (decode)
///   C (rows)    T2 row → IDCT row pass + range limit, or the row as it is when encoding → output
///
/// A section is a chain of clock-enabled registers that advances as a whole (`a_en`, `b_en`, `c_en`)
/// and holds only when the beat at its end cannot leave (transpose buffer full, or output not ready).
/// The mode picks where each section's result is tapped, so in a top with the mode tied the unused
/// kernels disappear and each mode has its own, shortest, latency.
struct StreamCore {
    let fdctRow, fdctColumn, quantize, dequantize, idctColumn, idctRow: KernelModule
    let layout: QuantTableLayout
    /// Bits of one lane of the streams: samples in the low 8, coefficients two's complement.
    let laneBits: Int
    /// Words of T1 (FDCT workspace, or coefficients when decoding) and of T2 (quantized coefficients,
    /// or the IDCT workspace).
    let t1Bits, t2Bits: Int
    /// The word widths a transpose module is printed for (T1's, and T2's when it differs).
    var transposeBits: [Int] { t1Bits == t2Bits ? [t1Bits] : [t1Bits, t2Bits] }
    /// The tables the core holds after reset: luminance (table 0) and chrominance (table 1), packed.
    let resetTables: [[UInt64]]
    let tableDescription: String

    static let core8 = "fxc_core_x8", core1 = "fxc_core_x1"

    /// The quantized coefficient's bits (what encode emits and decode accepts).
    var coefficientBits: Int { dequantize.inputs[0].port.width }

    init(kernels: [KernelModule], layout: QuantTableLayout, resetTables: [[UInt64]], tableDescription: String) {
        (fdctRow, fdctColumn, quantize, dequantize, idctColumn, idctRow)
            = (kernels[0], kernels[1], kernels[2], kernels[3], kernels[4], kernels[5])
        self.layout = layout
        self.resetTables = resetTables
        self.tableDescription = tableDescription
        let quantized = max(quantize.outputs[0].width, dequantize.inputs[0].port.width)
        laneBits = max(16, (quantized + 7) / 8 * 8)
        t1Bits = max(fdctColumn.inputs.map(\.port.width).max()!, dequantize.inputs[0].port.width)
        t2Bits = max(quantize.outputs[0].width, idctRow.inputs.map(\.port.width).max()!)
    }

    // Taps: rank (clocks after the section's first register) where each mode's result is.
    var quantizedRank: Int { fdctColumn.latency + quantize.latency }
    var decodeRank: Int { dequantize.latency + idctColumn.latency }
    var roundtripRank: Int { quantizedRank + decodeRank }

    /// One lane of a packed 8-lane vector, as its own wire.
    private func unpack(_ vector: String, width: Int, signed: Bool, prefix: String) -> ([String], [VerilogSignal]) {
        var lines: [String] = [], lanes: [VerilogSignal] = []
        for k in 0..<8 {
            let s = VerilogSignal(name: "\(prefix)\(k)", width: width, signed: signed)
            lines.append("    wire \(s.typeText) \(s.name) = \(vector)[\(width * k + width - 1):\(width * k)];")
            lanes.append(s)
        }
        return (lines, lanes)
    }

    private func pack(_ lanes: [String]) -> String { "{" + lanes.reversed().joined(separator: ", ") + "}" }

    /// A kernel instance; its output wires are declared first and returned.
    private func instance(_ k: KernelModule, _ instanceName: String, en: String, valid: String, inputs: [String],
                          outputPrefix: String) -> ([String], [VerilogSignal]) {
        let outs = k.outputs.enumerated().map { i, port in
            VerilogSignal(name: k.outputs.count == 1 ? outputPrefix : "\(outputPrefix)\(i)", width: port.width,
                          signed: port.signed)
        }
        var lines = outs.map { "    wire \($0.typeText) \($0.name);" }
        var connections = [".aclk(aclk)", ".en(\(en))", ".valid(\(valid))"]
        connections += zip(k.inputs, inputs).map { ".\($0.port.name)(\($1))" }
        connections += zip(k.outputs, outs).map { ".\($0.name)(\($1.name))" }
        lines.append("    \(k.name) \(instanceName) (")
        lines.append(connections.map { "        " + $0 }.joined(separator: ",\n"))
        lines.append("    );")
        return (lines, outs)
    }

    /// Valid bits of `count` ranks from `first`, masked off in modes that do not use the kernel there
    /// (its registers then hold still: less switching, and less work for a simulator).
    private func ranks(_ section: String, from first: Int, count: Int, unless idle: String) -> String {
        let bits = count == 1 ? "\(section)_valid[\(first)]" : "\(section)_valid[\(first + count - 1):\(first)]"
        return "\(bits) & {\(count){!\(idle)}}"
    }

    /// A 1-D kernel fed with eight lanes, each read at its input port's width.
    private func octetInstance(_ k: KernelModule, _ instanceName: String, en: String, valid: String,
                               lanes: [VerilogSignal], outputPrefix: String, _ use: inout BitUse) -> ([String], [VerilogSignal]) {
        let inputs = k.inputs.indices.map { use.adapt(lanes[$0], to: k.inputs[$0].port.width) }
        return instance(k, instanceName, en: en, valid: valid, inputs: inputs, outputPrefix: outputPrefix)
    }

    /// A field of a table entry register, zero-extended to a kernel port's signed width.
    private func field(_ entry: VerilogSignal, _ name: String, width: Int, _ use: inout BitUse) -> String {
        let f = layout.field(name)
        let bits = use.bits(entry, f.msb, f.lsb)
        return width > f.width ? "{\(width - f.width)'d0, \(bits)}" : bits
    }

    /// The tables the core holds after reset, as a function of the address {table, row, column}.
    private var resetTableLines: [String] {
        let ew = layout.entryBits, divisor = layout.field("divisor")
        var lines = [
            "    // Quantization tables: table 0 luminance, 1 chrominance (tuser[1] of a block's first beat picks one),",
            "    // address 8*row + column (natural order). Entry fields: \(layout.description).",
            "    // Row r of both tables is a 16-word memory read only by lane r (LUT RAM); an entry reads as the",
            "    // reset table below until it is written through qt_we/qt_table/qt_addr/qt_data, which takes effect",
            "    // for the beats that read it from the next clock on (write between blocks of that table).",
            "    // After reset: \(tableDescription).",
            "    function [\(ew - 1):0] reset_entry(input [6:0] address);  // {table, row, column}",
            "        case (address)",
        ]
        for (t, table) in resetTables.enumerated() {
            for (a, word) in table.enumerated() {
                let q = (word >> UInt64(divisor.lsb)) & ((1 << UInt64(divisor.width)) - 1)
                lines.append("            7'd\(t * 64 + a): reset_entry = \(ew)'h\(String(word, radix: 16));  // table \(t) row \(a / 8) column \(a % 8): q = \(q)")
            }
        }
        lines += ["        endcase", "    endfunction"]
        return lines
    }

    /// Per lane: its row of both tables, and the entry registers its quantizer and dequantizer read.
    private func tableLanes(_ ew: Int) -> [String] {
        [
            "    wire [\(8 * ew - 1):0] q_entries, dq_entries;",
            "    genvar u;",
            "    generate",
            "        for (u = 0; u < 8; u = u + 1) begin : lane_table",
            "            localparam [2:0] ROW = u;",
            "            reg [\(ew - 1):0] entry [0:15];  // address {table, column}",
            "            reg [15:0] written;            // entries written since reset",
            "            reg [\(ew - 1):0] q_entry, dq_entry;",
            "            wire row_write = qt_we && qt_addr[5:3] == ROW;",
            "            always @(posedge aclk)",
            "                if (row_write) entry[{qt_table, qt_addr[2:0]}] <= qt_data;",
            "            always @(posedge aclk)",
            "                if (!aresetn) written <= 16'd0;",
            "                else if (row_write) written[{qt_table, qt_addr[2:0]}] <= 1'b1;",
            "            always @(posedge aclk)",
            "                if (b_en && q_at_valid)",
            "                    q_entry <= written[q_at] ? entry[q_at] : reset_entry({q_at[3], ROW, q_at[2:0]});",
            "            always @(posedge aclk)",
            "                if (b_en && dq_at_valid)",
            "                    dq_entry <= written[dq_at] ? entry[dq_at] : reset_entry({dq_at[3], ROW, dq_at[2:0]});",
            "            assign q_entries[\(ew)*u +: \(ew)] = q_entry;",
            "            assign dq_entries[\(ew)*u +: \(ew)] = dq_entry;",
            "        end",
            "    endgenerate",
        ]
    }

    /// A section's valid bits and sideband, shifted on its enable: rank 0 takes `validIn`/`sideIn`.
    private func shiftLines(_ prefix: String, depth: Int, sideBits: Int, en: String, validIn: String,
                            sideIn: String, _ use: inout BitUse) -> [String] {
        let sideTop = sideBits * (depth + 1) - 1
        _ = use.bits(sideSignal(prefix, bits: sideBits, depth: depth), sideTop - sideBits, 0)
        return [
            "    reg [\(depth):0] \(prefix)_valid;  // bit k: rank k holds a beat",
            "    reg [\(sideTop):0] \(prefix)_side;  // bits [\(sideBits)k+\(sideBits - 1):\(sideBits)k]: rank k's sideband",
            "    always @(posedge aclk)",
            "        if (!aresetn) \(prefix)_valid <= \(depth + 1)'d0;",
            "        else if (\(en)) \(prefix)_valid <= {\(prefix)_valid[\(depth - 1):0], \(validIn)};",
            "    always @(posedge aclk)",
            "        if (\(en)) \(prefix)_side <= {\(prefix)_side[\(sideTop - sideBits):0], \(sideIn)};",
        ]
    }

    /// Bits [hi:lo] of rank `rank`'s sideband.
    private func side(_ prefix: String, rank: Int, bits: Int, hi: Int, lo: Int, depth: Int, _ use: inout BitUse) -> String {
        use.bits(sideSignal(prefix, bits: bits, depth: depth), bits * rank + hi, bits * rank + lo)
    }

    private func sideSignal(_ prefix: String, bits: Int, depth: Int) -> VerilogSignal {
        VerilogSignal(name: "\(prefix)_side", width: bits * (depth + 1), signed: false)
    }

    /// A transpose and the first register of the section that reads it: the instance, the register
    /// (`register`, loaded with each cross-line on `en`), the valid bits and sideband {tag, index}
    /// of the section's ranks, and the register's lanes unpacked as `<prefix>k`.
    private func transposeInto(_ t: String, bits: Int, writer: String, data: [String], en: String, register: String,
                               prefix: String, section: String, depth: Int, _ use: inout BitUse) -> ([String], [VerilogSignal]) {
        // The writing section holds only when its last rank has a beat and the transpose cannot take it.
        var v = [
            "    wire \(t)_can_write;",
            "    assign \(writer)_en = !(\(writer)_out_valid && !\(t)_can_write);",
            "    wire \(en);",
            "    wire \(t)_rd_valid;",
            "    wire [2:0] \(t)_rd_index;",
            "    wire [1:0] \(t)_rd_tag;",
            "    wire [\(8 * bits - 1):0] \(t)_rd_data;",
            "    \(TransposeModule.name(bits: bits)) \(t) (",
            "        .aclk(aclk), .aresetn(aresetn),",
            "        .wr_en(\(writer)_en && \(writer)_out_valid), .wr_data(\(pack(data))), .wr_tag(\(writer)_out_tag),",
            "        .can_write(\(t)_can_write),",
            "        .rd_en(\(en) && \(t)_rd_valid), .rd_valid(\(t)_rd_valid), .rd_index(\(t)_rd_index), .rd_tag(\(t)_rd_tag),",
            "        .rd_data(\(t)_rd_data)",
            "    );",
            "    reg [\(8 * bits - 1):0] \(register);",
            "    always @(posedge aclk)",
            "        if (\(en) && \(t)_rd_valid) \(register) <= \(t)_rd_data;",
        ]
        v += shiftLines(section, depth: depth, sideBits: 5, en: en, validIn: "\(t)_rd_valid",
                        sideIn: "{\(t)_rd_tag, \(t)_rd_index}", &use)
        let (lines, lanes) = unpack(register, width: bits, signed: true, prefix: prefix)
        return (v + lines, lanes)
    }

    /// The 8-lane core: one row per beat, mode at run time.
    func core8Text() -> String {
        let cw = laneBits, la = fdctRow.latency, lc = idctRow.latency
        let rq = quantizedRank, rd = decodeRank, rr = roundtripRank
        var use = BitUse()
        func aSide(_ rank: Int, _ hi: Int, _ lo: Int) -> String { side("a", rank: rank, bits: 2, hi: hi, lo: lo, depth: la, &use) }
        func bSide(_ rank: Int, _ hi: Int, _ lo: Int) -> String { side("b", rank: rank, bits: 5, hi: hi, lo: lo, depth: rr, &use) }
        func cSide(_ rank: Int, _ hi: Int, _ lo: Int) -> String { side("c", rank: rank, bits: 5, hi: hi, lo: lo, depth: lc, &use) }
        var v: [String] = []
        v += [
            "// The 8-lane streaming core: one row of an 8x8 block per beat, blocks in raster order within the",
            "// block, every mode at run time (mode 0 encode: samples -> quantized coefficients; 1 decode:",
            "// coefficients -> samples; 2 roundtrip: samples -> samples). Change mode only while the core is empty.",
            "// tdata lane k (bits [\(cw)k+\(cw - 1):\(cw)k]) is column k of the row: a sample in its low 8 bits",
            "// (upper bits 0 on output, ignored on input), or a coefficient as a \(cw)-bit two's complement",
            "// number (decode reads its low \(coefficientBits) bits). tuser[0]: start of frame, on the first beat of a frame;",
            "// tuser[1]: quantization table of the block (0 luminance, 1 chrominance), on the block's first beat.",
            "// tlast on the last (8th) beat of every block; an input tlast anywhere else, or missing there, sets",
            "// framing_error (sticky until reset). Full AXI4-Stream backpressure; tready does not depend on tvalid.",
            "// Latency (no stalls, first input beat accepted -> first output beat valid): \(latencyText(lanes: 8)).",
            "module \(Self.core8) (",
            "    input  wire aclk,",
            "    input  wire aresetn,",
            "    input  wire [1:0] mode,",
            "    input  wire [\(8 * cw - 1):0] s_axis_tdata,",
            "    input  wire s_axis_tvalid,",
            "    output wire s_axis_tready,",
            "    input  wire s_axis_tlast,",
            "    input  wire [1:0] s_axis_tuser,",
            "    output wire [\(8 * cw - 1):0] m_axis_tdata,",
            "    output wire m_axis_tvalid,",
            "    input  wire m_axis_tready,",
            "    output wire m_axis_tlast,",
            "    output wire [1:0] m_axis_tuser,",
            "    input  wire qt_we,",
            "    input  wire qt_table,",
            "    input  wire [5:0] qt_addr,",
            "    input  wire [\(layout.entryBits - 1):0] qt_data,",
            "    output reg  framing_error",
            ");",
            "    wire encoding = mode == 2'd0;",
            "    wire decoding = mode == 2'd1;",
            "",
        ]
        v += resetTableLines
        v += [
            "",
            "    // ---- Section A: input rows -> FDCT row pass (encode, roundtrip) or as they are (decode) -> T1",
            "    wire a_en;",
            "    reg [\(8 * cw - 1):0] a_row;",
            "    reg [2:0] in_row;  // row of the next input beat within its block",
            "    always @(posedge aclk)",
            "        if (a_en && s_axis_tvalid) a_row <= s_axis_tdata;",
            "    always @(posedge aclk)",
            "        if (!aresetn) begin",
            "            in_row <= 3'd0;",
            "            framing_error <= 1'b0;",
            "        end else if (a_en && s_axis_tvalid) begin",
            "            in_row <= in_row + 3'd1;",
            "            if (s_axis_tlast != (in_row == 3'd7)) framing_error <= 1'b1;",
            "        end",
        ]
        v += shiftLines("a", depth: la, sideBits: 2, en: "a_en", validIn: "s_axis_tvalid", sideIn: "s_axis_tuser", &use)
        let (aUnpack, aIn) = unpack("a_row", width: cw, signed: false, prefix: "a_in")
        v += aUnpack
        let samplePort = fdctRow.inputs[0].port.width
        let (fr, frOut) = instance(fdctRow, "fdct_row", en: "a_en",
                                   valid: ranks("a", from: 0, count: fdctRow.latency, unless: "decoding"),
                                   inputs: aIn.map { use.adaptLow($0, bits: 8, signed: false, to: samplePort) },
                                   outputPrefix: "fr_w")
        v += fr
        var aOut: [String] = []
        for k in 0..<8 {
            let coefficient = use.adaptLow(aIn[k], bits: coefficientBits, signed: true, to: t1Bits)
            v.append("    wire signed [\(t1Bits - 1):0] a_out\(k) = decoding ? \(coefficient) : \(use.adapt(frOut[k], to: t1Bits));")
            aOut.append("a_out\(k)")
        }
        v += [
            "    wire a_out_valid = decoding ? a_valid[0] : a_valid[\(la)];",
            "    wire [1:0] a_out_tag = decoding ? \(aSide(0, 1, 0)) : \(aSide(la, 1, 0));",
            "    assign s_axis_tready = a_en;",
            "",
            "    // ---- Section B: T1 columns -> FDCT column pass -> quantize [-> dequantize -> IDCT column pass] -> T2",
        ]
        // Sideband per rank of B and C: {tag (table, start of frame), column or row index}.
        let (bLines, bIn) = transposeInto("t1", bits: t1Bits, writer: "a", data: aOut, en: "b_en", register: "b_column",
                                          prefix: "b_in", section: "b", depth: rr, &use)
        v += bLines
        let (fc, fcOut) = octetInstance(fdctColumn, "fdct_column", en: "b_en",
                                        valid: ranks("b", from: 0, count: fdctColumn.latency, unless: "decoding"),
                                        lanes: bIn, outputPrefix: "fc_c", &use)
        v += fc

        // Table entries, read one clock ahead of the beat that uses them: the quantizers' for the column
        // arriving from the FDCT, the dequantizers' for the column from T1 (decode) or the quantizers.
        let ew = layout.entryBits
        let beforeQuantize = fdctColumn.latency - 1, beforeDequantize = rq - 1
        v += [
            "    wire [3:0] q_at = {\(bSide(beforeQuantize, 4, 4)), \(bSide(beforeQuantize, 2, 0))};  // {table, column}",
            "    wire q_at_valid = !decoding && b_valid[\(beforeQuantize)];",
            "    wire [3:0] dq_at = decoding ? {t1_rd_tag[1], t1_rd_index}",
            "                                : {\(bSide(beforeDequantize, 4, 4)), \(bSide(beforeDequantize, 2, 0))};",
            "    wire dq_at_valid = !encoding && (decoding ? t1_rd_valid : b_valid[\(beforeDequantize)]);",
        ]
        v += tableLanes(ew)
        let (qUnpack, qEntry) = unpack("q_entries", width: ew, signed: false, prefix: "q_entry")
        let (dqUnpack, dqEntry) = unpack("dq_entries", width: ew, signed: false, prefix: "dq_entry")
        v += qUnpack + dqUnpack
        var qzOut: [VerilogSignal] = []
        for k in 0..<8 {
            let entry = qEntry[k]
            let inputs = quantize.inputs.map { input -> String in
                layout.fields.contains { $0.name == input.port.name }
                    ? field(entry, input.port.name, width: input.port.width, &use)
                    : use.adapt(fcOut[k], to: input.port.width)
            }
            let (lines, outs) = instance(quantize, "quantize\(k)", en: "b_en",
                                         valid: ranks("b", from: fdctColumn.latency, count: quantize.latency, unless: "decoding"),
                                         inputs: inputs, outputPrefix: "qz\(k)")
            v += lines
            qzOut += outs
        }

        // Dequantizer: coefficients straight from T1 (decode) or from the quantizers (roundtrip).
        let (ldq, lic) = (dequantize.latency, idctColumn.latency)
        v.append("    wire [\(ldq - 1):0] dq_valid = decoding ? \(ranks("b", from: 0, count: ldq, unless: "encoding"))")
        v.append("                                   : \(ranks("b", from: rq, count: ldq, unless: "encoding"));")
        v.append("    wire [\(lic - 1):0] ic_valid = decoding ? \(ranks("b", from: ldq, count: lic, unless: "encoding"))")
        v.append("                                   : \(ranks("b", from: rq + ldq, count: lic, unless: "encoding"));")
        var dqOut: [VerilogSignal] = []
        for k in 0..<8 {
            let port = dequantize.inputs[0].port.width
            v.append("    wire signed [\(port - 1):0] dq_in\(k) = decoding ? \(use.adapt(bIn[k], to: port)) : \(use.adapt(qzOut[k], to: port));")
            let dv = field(dqEntry[k], "divisor", width: dequantize.inputs[1].port.width, &use)
            let (lines, outs) = instance(dequantize, "dequantize\(k)", en: "b_en", valid: "dq_valid", inputs: ["dq_in\(k)", dv],
                                         outputPrefix: "dq\(k)")
            v += lines
            dqOut += outs
        }
        let (ic, icOut) = octetInstance(idctColumn, "idct_column", en: "b_en", valid: "ic_valid", lanes: dqOut,
                                        outputPrefix: "ic_w", &use)
        v += ic
        var bOut: [String] = []
        for k in 0..<8 {
            v.append("    wire signed [\(t2Bits - 1):0] b_out\(k) = encoding ? \(use.adapt(qzOut[k], to: t2Bits)) : \(use.adapt(icOut[k], to: t2Bits));")
            bOut.append("b_out\(k)")
        }
        v += [
            "    wire b_out_valid = encoding ? b_valid[\(rq)] : decoding ? b_valid[\(rd)] : b_valid[\(rr)];",
            "    wire [1:0] b_out_tag = encoding ? \(bSide(rq, 4, 3)) : decoding ? \(bSide(rd, 4, 3)) : \(bSide(rr, 4, 3));",
            "",
            "    // ---- Section C: T2 rows -> IDCT row pass and range limit (decode, roundtrip) or as they are (encode)",
        ]
        let (cLines, cIn) = transposeInto("t2", bits: t2Bits, writer: "b", data: bOut, en: "c_en", register: "c_row",
                                          prefix: "c_in", section: "c", depth: lc, &use)
        v += cLines
        let (ir, irOut) = octetInstance(idctRow, "idct_row", en: "c_en",
                                        valid: ranks("c", from: 0, count: idctRow.latency, unless: "encoding"),
                                        lanes: cIn, outputPrefix: "ir_s", &use)
        v += ir
        var mOut: [String] = []
        for k in 0..<8 {
            let coefficient = use.adaptLow(cIn[k], bits: quantize.outputs[0].width, signed: true, to: cw)
            v.append("    wire [\(cw - 1):0] m_out\(k) = encoding ? \(coefficient) : \(use.adapt(irOut[k], to: cw));")
            mOut.append("m_out\(k)")
        }
        v += [
            "    wire [4:0] c_out_side = encoding ? \(cSide(0, 4, 0)) : \(cSide(lc, 4, 0));",
            "    assign m_axis_tvalid = encoding ? c_valid[0] : c_valid[\(lc)];",
            "    assign m_axis_tdata = \(pack(mOut));",
            "    assign m_axis_tlast = c_out_side[2:0] == 3'd7;",
            "    assign m_axis_tuser = c_out_side[2:0] == 3'd0 ? c_out_side[4:3] : 2'b00;",
            "    assign c_en = !(m_axis_tvalid && !m_axis_tready);",
        ]
        if let unused = use.unusedLine() { v.append(unused) }
        v.append("endmodule")
        return v.joined(separator: "\n") + "\n"
    }

    /// Clocks from the first input beat's acceptance to the first output beat's, per mode, no stalls.
    /// 8 lanes: the input register (1), section A's kernel (a), rows 1…7 (7), the T1 write (1); B's
    /// first register (1), its kernels (b), columns 1…7 (7), the T2 write (1); C's first register (1),
    /// its kernel (c). 1 lane: the core's last row of the block enters 57 clocks later than at 8 lanes
    /// (64 values gathered instead of 8 rows), and the spreader's register adds 1.
    func latency(_ mode: HLSMode, lanes: Int) -> Int {
        let a = mode == .decode ? 0 : fdctRow.latency
        let b = mode == .encode ? quantizedRank : mode == .decode ? decodeRank : roundtripRank
        let c = mode == .encode ? 0 : idctRow.latency
        let eightLane = (1 + a + 7 + 1) + (1 + b + 7 + 1) + (1 + c)
        return lanes == 8 ? eightLane : eightLane + 57 + 1
    }

    func latencyText(lanes: Int) -> String {
        HLSMode.allCases.map { "\($0.rawValue) \(latency($0, lanes: lanes))" }.joined(separator: ", ")
    }

    /// The serial core: one value per beat, the 8-lane core between a row gatherer and a row spreader.
    func core1Text() -> String {
        let cw = laneBits
        var v: [String] = [
            "// The 1-lane streaming core: one value per beat (lane format, tuser and modes as \(Self.core8)), built",
            "// as the 8-lane core between a serial-to-row gatherer and a row-to-serial spreader, so it sustains",
            "// 1 value per clock. tlast on the 64th beat of every block; anywhere else sets framing_error.",
            "// Latency (no stalls, first input beat accepted -> first output beat valid): \(latencyText(lanes: 1)).",
            "module \(Self.core1) (",
            "    input  wire aclk,",
            "    input  wire aresetn,",
            "    input  wire [1:0] mode,",
            "    input  wire [\(cw - 1):0] s_axis_tdata,",
            "    input  wire s_axis_tvalid,",
            "    output wire s_axis_tready,",
            "    input  wire s_axis_tlast,",
            "    input  wire [1:0] s_axis_tuser,",
            "    output wire [\(cw - 1):0] m_axis_tdata,",
            "    output wire m_axis_tvalid,",
            "    input  wire m_axis_tready,",
            "    output wire m_axis_tlast,",
            "    output wire [1:0] m_axis_tuser,",
            "    input  wire qt_we,",
            "    input  wire qt_table,",
            "    input  wire [5:0] qt_addr,",
            "    input  wire [\(layout.entryBits - 1):0] qt_data,",
            "    output wire framing_error",
            ");",
            "    // Gather: 8 values make a row; a full row waits for the core, and the next row's first value may",
            "    // arrive in the clock the core takes it.",
            "    reg [\(cw - 1):0] in_lane [0:7];",
            "    reg [2:0] in_count;",
            "    reg in_full, in_last, in_error;",
            "    reg [1:0] in_user;",
            "    wire row_ready;",
            "    assign s_axis_tready = !in_full || row_ready;",
            "    wire in_accept = s_axis_tvalid && s_axis_tready;",
            "    always @(posedge aclk)",
            "        if (!aresetn) begin",
            "            in_count <= 3'd0;",
            "            in_full <= 1'b0;",
            "            in_error <= 1'b0;",
            "        end else begin",
            "            if (in_full && row_ready) in_full <= 1'b0;",
            "            if (in_accept) begin",
            "                in_count <= in_count + 3'd1;",
            "                if (in_count == 3'd7) in_full <= 1'b1;",
            "                if (s_axis_tlast && in_count != 3'd7) in_error <= 1'b1;",
            "            end",
            "        end",
            "    always @(posedge aclk)",
            "        if (in_accept) begin",
            "            in_lane[in_count] <= s_axis_tdata;",
            "            if (in_count == 3'd0) in_user <= s_axis_tuser;",
            "            if (in_count == 3'd7) in_last <= s_axis_tlast;",
            "        end",
            "",
            "    wire [\(8 * cw - 1):0] row_data;",
            "    wire row_valid, row_last;",
            "    wire [1:0] row_user;",
            "    wire row_taken;",
            "    wire core_error;",
            "    \(Self.core8) core (",
            "        .aclk(aclk), .aresetn(aresetn), .mode(mode),",
            "        .s_axis_tdata(\(pack((0..<8).map { "in_lane[\($0)]" }))),",
            "        .s_axis_tvalid(in_full), .s_axis_tready(row_ready), .s_axis_tlast(in_last), .s_axis_tuser(in_user),",
            "        .m_axis_tdata(row_data), .m_axis_tvalid(row_valid), .m_axis_tready(row_taken),",
            "        .m_axis_tlast(row_last), .m_axis_tuser(row_user),",
            "        .qt_we(qt_we), .qt_table(qt_table), .qt_addr(qt_addr), .qt_data(qt_data),",
            "        .framing_error(core_error)",
            "    );",
            "    assign framing_error = core_error || in_error;",
            "",
            "    // Spread: a row goes out one value per beat; the next row is taken with the last beat.",
            "    reg [\(cw - 1):0] out_lane [0:7];",
            "    reg [2:0] out_count;",
            "    reg out_full, out_last;",
            "    reg [1:0] out_user;",
            "    assign row_taken = !out_full || (out_count == 3'd7 && m_axis_tready);",
            "    always @(posedge aclk)",
            "        if (!aresetn) begin",
            "            out_count <= 3'd0;",
            "            out_full <= 1'b0;",
            "        end else begin",
            "            if (out_full && m_axis_tready) begin",
            "                out_count <= out_count + 3'd1;",
            "                if (out_count == 3'd7) out_full <= 1'b0;",
            "            end",
            "            if (row_valid && row_taken) out_full <= 1'b1;",
            "        end",
            "    always @(posedge aclk)",
            "        if (row_valid && row_taken) begin",
        ]
        for k in 0..<8 {
            v.append("            out_lane[\(k)] <= row_data[\(cw * k + cw - 1):\(cw * k)];")
        }
        v += [
            "            out_user <= row_user;",
            "            out_last <= row_last;",
            "        end",
            "    assign m_axis_tvalid = out_full;",
            "    assign m_axis_tdata = out_lane[out_count];",
            "    assign m_axis_tlast = out_last && out_count == 3'd7;",
            "    assign m_axis_tuser = out_count == 3'd0 ? out_user : 2'b00;",
            "endmodule",
        ]
        return v.joined(separator: "\n") + "\n"
    }

    /// A top for one mode and stream width: the core with the mode tied, and the lanes at their real
    /// widths (samples 8 bits, coefficients `laneBits`).
    func topText(mode: HLSMode, lanes: Int) -> String {
        let cw = laneBits
        let inBits = mode == .decode ? cw : 8, outBits = mode == .encode ? cw : 8
        let core = lanes == 8 ? Self.core8 : Self.core1
        let name = Self.topName(mode: mode, lanes: lanes)
        var use = BitUse()
        let coreOut = VerilogSignal(name: "core_tdata", width: lanes * cw, signed: false)
        let inLanes = (0..<lanes).map { k in
            inBits == cw ? "s_axis_tdata[\(cw * k + cw - 1):\(cw * k)]"
                : "\(cw - inBits)'d0, s_axis_tdata[\(inBits * k + inBits - 1):\(inBits * k)]"
        }
        let outLanes = (0..<lanes).map { k in use.bits(coreOut, cw * k + outBits - 1, cw * k) }
        var v: [String] = [
            "// \(mode.rawValue), \(lanes == 8 ? "a row of 8" : "one") \(mode == .decode ? "coefficient" : "sample")"
                + "\(lanes == 8 ? "s" : "") per input beat -> \(mode == .encode ? "quantized coefficients" : "samples")"
                + " (\(outBits) bits per lane); \(core) with mode tied to \(mode.code).",
            "module \(name) (",
            "    input  wire aclk,",
            "    input  wire aresetn,",
            "    input  wire [\(lanes * inBits - 1):0] s_axis_tdata,",
            "    input  wire s_axis_tvalid,",
            "    output wire s_axis_tready,",
            "    input  wire s_axis_tlast,",
            "    input  wire [1:0] s_axis_tuser,",
            "    output wire [\(lanes * outBits - 1):0] m_axis_tdata,",
            "    output wire m_axis_tvalid,",
            "    input  wire m_axis_tready,",
            "    output wire m_axis_tlast,",
            "    output wire [1:0] m_axis_tuser,",
            "    input  wire qt_we,",
            "    input  wire qt_table,",
            "    input  wire [5:0] qt_addr,",
            "    input  wire [\(layout.entryBits - 1):0] qt_data,",
            "    output wire framing_error",
            ");",
            "    wire [\(lanes * cw - 1):0] core_tdata;",
            "    \(core) core (",
            "        .aclk(aclk), .aresetn(aresetn), .mode(2'd\(mode.code)),",
            "        .s_axis_tdata({\(inLanes.reversed().joined(separator: ", "))}),",
            "        .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready), .s_axis_tlast(s_axis_tlast),",
            "        .s_axis_tuser(s_axis_tuser),",
            "        .m_axis_tdata(core_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),",
            "        .m_axis_tlast(m_axis_tlast), .m_axis_tuser(m_axis_tuser),",
            "        .qt_we(qt_we), .qt_table(qt_table), .qt_addr(qt_addr), .qt_data(qt_data),",
            "        .framing_error(framing_error)",
            "    );",
            "    assign m_axis_tdata = {\(outLanes.reversed().joined(separator: ", "))};",
        ]
        if let unused = use.unusedLine() { v.append(unused) }
        v.append("endmodule")
        return v.joined(separator: "\n") + "\n"
    }

    static func topName(mode: HLSMode, lanes: Int) -> String { "fxc_\(mode.rawValue)_x\(lanes)" }
}
