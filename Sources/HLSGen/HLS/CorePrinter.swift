import Golden

/// Prints the synthesizable sources: `src/fxcodec.h` (types, beats, prototypes), `src/fxcodec.cpp`
/// (constants, kernels, dataflow processes, tops) and `src/fxcodec_tables.h` (default tables).
/// Only what the chosen tops use is printed, so g++ `-Wall -Wextra` has nothing unused to report.
struct CorePrinter {
    let design: HLSDesign
    let tops: [HLSTop]
    let banner: String

    private var modes: Set<CodecMode> { Set(tops.map(\.mode)) }
    private var encodes: Bool { modes.contains { $0.quantizes } }
    private var decodes: Bool { modes.contains { $0.dequantizes } }

    /// The kernels the tops need, in stream order.
    private var roles: [HLSDesign.KernelRole] {
        (encodes ? [.fdctRow, .fdctColumn, .quantize] : []) + (decodes ? [.dequantize, .idctColumn, .idctRow] : [])
    }

    /// The registers that appear in the printed kernels, in datapath order.
    private func registers() throws -> [RegisterFormat] {
        var used = Set<Register>()
        for role in roles {
            for node in try design.kernelPlan(role).graph.nodes {
                if case .register(let r, _) = node.op { used.insert(r) }
            }
        }
        return Register.allCases.filter(used.contains).map(design.format)
    }

    // MARK: src/fxcodec.h

    func header() throws -> String {
        var s = banner
        s += """

        #ifndef FXCODEC_H
        #define FXCODEC_H

        // The ap_types headers read words their default constructors leave unset, and g++ reports that
        // where it inlines them into our code. Those lines are the headers'; only they are exempted.
        #if defined(__GNUC__) && !defined(__clang__)
        #pragma GCC diagnostic push
        #pragma GCC diagnostic ignored "-Wuninitialized"
        #pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
        #endif
        #include <ap_int.h>
        #include <ap_fixed.h>
        #if defined(__GNUC__) && !defined(__clang__)
        #pragma GCC diagnostic pop
        #endif
        #include <ap_axi_sdata.h>
        #include <hls_stream.h>

        // Eight values: a row or a column of an 8x8 block.
        template <typename T>
        struct octet {
            T v[8];
        };

        // Registers: the only places the datapath narrows a value (DatapathConfig "\(design.config.name)").
        // Between registers every signal is an ap_int exactly as wide as its value range.

        """
        let formats = try registers()
        let pad = (formats.map { $0.spelling.count }.max() ?? 0) + 1
        let namePad = (formats.map { $0.typeName.count }.max() ?? 0) + 1
        for f in formats {
            s += "typedef \(f.spelling.padding(toLength: pad, withPad: " ", startingAt: 0))"
                + "\((f.typeName + ";").padding(toLength: namePad, withPad: " ", startingAt: 0))  // \(f.register): \(f.rule)\n"
        }
        s += "\n"
        let printer = KernelPrinter(design: design)
        let passed = Set(try roles.map { try printer.outputRegister(try design.kernelPlan($0).graph) })
        for f in formats where passed.contains(f.register) {
            s += "typedef octet<\(f.typeName)> \(f.octetName);\n"
        }
        s += """

        // Stream lanes: samples 0...255 in, coefficients as \(design.coefficientBits)-bit two's complement.
        typedef ap_uint<8> pixel_t;
        typedef octet<pixel_t> pixel_octet;
        typedef ap_int<\(design.coefficientBits)> coefficient_t;
        typedef ap_uint<1> frame_flag;

        // Quantizer table fields (QuantizerEntry), one per coefficient in raster order:
        //   quantize: sign(x) * (((|x| + c) * f) >> r);  dequantize: x * q.

        """
        for f in design.tableFields {
            s += "typedef \(f.spelling.padding(toLength: 13, withPad: " ", startingAt: 0))"
                + "\((f.typeName + ";").padding(toLength: 14, withPad: " ", startingAt: 0))  // \(f.symbol) in \(f.range.lowerBound)...\(f.range.upperBound): \(f.meaning)\n"
        }
        s += """

        // AXI4-Stream beats: tdata lane k (bits [w*k + w-1 : w*k]) holds value k of a block row, k = 0 at the
        // least significant end; a block is 64 values in raster order (row-major), 8 beats of 8 lanes or 64
        // beats of 1. tlast marks the last beat of every block; tuser on a block's first beat (start of
        // frame) is passed to the first beat of its result. keep and strb are all ones.

        """
        for lanes in Set(tops.map(\.lanes)).sorted() {
            s += "typedef ap_axiu<\(8 * lanes), 1, 1, 1> \(beat(.pixels, lanes));\n"
            if tops.contains(where: { $0.lanes == lanes && $0.mode != .roundtrip }) {
                s += "typedef ap_axiu<\(design.coefficientBits * lanes), 1, 1, 1> \(beat(.coefficients, lanes));\n"
            }
        }
        s += "\n// Top functions: one 8x8 block per call (ap_ctrl_chain lets consecutive calls overlap).\n"
        for top in tops { s += signature(top) + ";\n" }
        s += "\n#endif\n"
        return s
    }

    enum Lane { case pixels, coefficients }

    func beat(_ lane: Lane, _ lanes: Int) -> String {
        lane == .pixels ? "pixel_beat_x\(lanes)" : "coefficient_beat_x\(lanes)"
    }

    func signature(_ top: HLSTop) -> String {
        let input = beat(top.mode.takesSamples ? .pixels : .coefficients, top.lanes)
        let output = beat(top.mode.givesSamples ? .pixels : .coefficients, top.lanes)
        var params = ["hls::stream<\(input)>& in", "hls::stream<\(output)>& out"]
        params += design.tableFields(for: top.mode).map { "const \($0.typeName) \($0.name)[64]" }
        let open = "void \(top.name)("
        return open + params.joined(separator: ",\n" + String(repeating: " ", count: open.count))
            + ")"
    }

    // MARK: src/fxcodec_tables.h

    func tables(_ tables: [QuantTable], description: String) -> String {
        var s = banner
        s += """

        #ifndef FXCODEC_TABLES_H
        #define FXCODEC_TABLES_H

        #include "fxcodec.h"

        // Default quantization tables (\(description)): [0] luminance, [1] chrominance, raster order, in
        // the fields the top functions take. A driver writes them to the s_axilite arrays of a top.

        """
        let entries = tables.map { t in t.values.map { QuantizerEntry(q: $0, reciprocalBits: design.config.quantizerReciprocalBits) } }
        for f in design.tableFields {
            s += "static const \(f.typeName) fxcodec_default_\(f.name)[\(entries.count)][64] = {\n"
            for (i, table) in entries.enumerated() {
                let values = table.map { String(f.value($0)) }
                let rows = stride(from: 0, to: 64, by: 8).map { "        " + values[$0..<$0 + 8].joined(separator: ", ") }
                s += "    {\n" + rows.joined(separator: ",\n") + "\n    }" + (i + 1 < entries.count ? "," : "") + "\n"
            }
            s += "};\n"
        }
        s += "\n#endif\n"
        return s
    }

    // MARK: src/fxcodec.cpp

    func source() throws -> String {
        var s = banner + "\n#include \"fxcodec.h\"\n\n"
        let plans = try roles.map(design.kernelPlan)
        let constants = try KernelPrinter.constants(of: plans.map(\.graph))
        if !constants.isEmpty {
            let cb = design.config.dctConstantBits
            s += "// DCT constants: FIX(x) = round(x * 2^\(cb)) (CONST_BITS = \(cb)), x named in the constant.\n"
            for (symbol, value) in constants {
                let x = symbol.rawValue.dropFirst(4).replacingOccurrences(of: "_", with: ".")
                s += "static const ap_int<\(DataflowGraph.signedWidth(value...value))> \(symbol.rawValue) = \(value);  // FIX(\(x))\n"
            }
            s += "\n"
        }
        s += "// ---- Kernels, printed from the golden model's traced dataflow graphs ----\n\n"
        let printer = KernelPrinter(design: design)
        for plan in plans { s += try printer.function(plan) + "\n" }
        s += "// ---- Dataflow processes: one block each, a row or column per clock ----\n\n"
        s += try processes()
        s += "// ---- Top functions ----\n\n"
        for top in tops { s += self.top(top) + "\n" }
        return s
    }

    private func processes() throws -> String {
        var s = ""
        let lanes = Set(tops.map(\.lanes)).sorted()
        for l in lanes where tops.contains(where: { $0.lanes == l && $0.mode.takesSamples }) {
            s += read(.pixels, lanes: l)
        }
        for l in lanes where tops.contains(where: { $0.lanes == l && !$0.mode.takesSamples }) {
            s += read(.coefficients, lanes: l)
        }
        s += """
        // Transpose, in two processes around an 8x8 buffer: octet i in fills line i, octet j out is
        // the j-th value of every line (rows in, columns out, or the other way round). In the DATAFLOW
        // region the buffer is a ping-pong pair (2 x 64 registers, partitioned), so one block fills it
        // while the one before drains, each at an octet per clock.
        template <typename T>
        static void transpose_in(hls::stream<octet<T> >& in, T buffer[8][8]) {
            for (int i = 0; i < 8; ++i) {
        #pragma HLS PIPELINE II=1
                const octet<T> line = in.read();
                for (int k = 0; k < 8; ++k) buffer[i][k] = line.v[k];
            }
        }

        template <typename T>
        static void transpose_out(const T buffer[8][8], hls::stream<octet<T> >& out) {
            for (int j = 0; j < 8; ++j) {
        #pragma HLS PIPELINE II=1
                octet<T> crossing;
                for (int k = 0; k < 8; ++k) crossing.v[k] = buffer[k][j];
                out.write(crossing);
            }
        }


        """
        let pixel = "pixel_octet"
        if encodes {
            s += pass("fdct_rows", "fdct_row", "FDCT pass 1: the eight rows of a block.", pixel, design.format(.fdctWorkspace).octetName)
            s += pass("fdct_columns", "fdct_column", "FDCT pass 2: the eight columns.", design.format(.fdctWorkspace).octetName,
                      design.format(.fdctOutput).octetName)
            s += try elementwise("quantize", .quantize, from: .fdctOutput, to: .quantized)
        }
        if decodes {
            s += try elementwise("dequantize", .dequantize, from: .quantized, to: .dequantized)
            s += pass("idct_columns", "idct_column", "IDCT pass 1: the eight columns of a block.", design.format(.dequantized).octetName,
                      design.format(.idctWorkspace).octetName)
            s += pass("idct_rows", "idct_row", "IDCT pass 2: the eight rows, to samples.", design.format(.idctWorkspace).octetName,
                      design.format(.sample).octetName)
        }
        for l in lanes where tops.contains(where: { $0.lanes == l && $0.mode.givesSamples }) {
            s += write(.pixels, lanes: l)
        }
        for l in lanes where tops.contains(where: { $0.lanes == l && !$0.mode.givesSamples }) {
            s += write(.coefficients, lanes: l)
        }
        return s
    }

    private func pass(_ name: String, _ kernel: String, _ what: String, _ input: String, _ output: String) -> String {
        """
        // \(what)
        static void \(name)(hls::stream<\(input)>& in, hls::stream<\(output)>& out) {
            for (int i = 0; i < 8; ++i) {
        #pragma HLS PIPELINE II=1
                out.write(\(kernel)(in.read()));
            }
        }


        """
    }

    /// A per-coefficient kernel over the eight rows (COLUMNS = false) or columns of a block; value k
    /// of octet i is table entry i*8 + k in rows, k*8 + i in columns.
    private func elementwise(_ kernel: String, _ role: HLSDesign.KernelRole, from: Register, to: Register) throws -> String {
        let fieldNames = Set(design.tableFields.map(\.name))
        guard case .scalars(let list) = try design.kernelPlan(role).inputs else {
            throw HLSGenError("kernel \(kernel) works on single coefficients")
        }
        let inputs = list.map(\.name)
        let fields = inputs.filter(fieldNames.contains)
        let args = inputs.map { fieldNames.contains($0) ? "\($0)[at]" : "x.v[k]" }.joined(separator: ", ")
        let params = fields.compactMap { name in design.tableFields.first { $0.name == name } }
            .map { "const \($0.typeName) \($0.name)[64]" }
        let a = design.format(from).octetName, b = design.format(to).octetName
        return """
        // \(kernel.prefix(1).uppercased() + kernel.dropFirst()) the eight rows (COLUMNS = false) or columns of a block; table entry (row, column) is at row*8 + column.
        template <bool COLUMNS>
        static void \(kernel)_octets(hls::stream<\(a)>& in, hls::stream<\(b)>& out,
                \(params.joined(separator: ", "))) {
            for (int i = 0; i < 8; ++i) {
        #pragma HLS PIPELINE II=1
                const \(a) x = in.read();
                \(b) y;
                for (int k = 0; k < 8; ++k) {
                    const int at = COLUMNS ? k * 8 + i : i * 8 + k;
                    y.v[k] = \(kernel)(\(args));
                }
                out.write(y);
            }
        }


        """
    }

    private func laneType(_ lane: Lane) -> (element: String, container: String, bits: Int) {
        lane == .pixels ? ("pixel_octet", "pixel_t", 8) : (design.format(.quantized).octetName, "coefficient_t", design.coefficientBits)
    }

    private func read(_ lane: Lane, lanes: Int) -> String {
        let (octet, container, w) = laneType(lane)
        let b = beat(lane, lanes)
        let name = lane == .pixels ? "read_pixels_x\(lanes)" : "read_coefficients_x\(lanes)"
        let head = "static void \(name)(hls::stream<\(b)>& in, hls::stream<\(octet)>& rows, hls::stream<frame_flag>& start) {"
        if lanes == 8 {
            return """
            // Beats in: one row of a block per beat. tuser of the first beat goes to `start`.
            \(head)
                for (int r = 0; r < 8; ++r) {
            #pragma HLS PIPELINE II=1
                    const \(b) beat = in.read();
                    if (r == 0) start.write(beat.user);
                    \(octet) row;
                    for (int k = 0; k < 8; ++k) {
                        const \(container) lane = beat.data(\(w) * k + \(w - 1), \(w) * k);
                        row.v[k] = lane;
                    }
                    rows.write(row);
                }
            }


            """
        }
        return """
        // Beats in: one value per beat, a row every 8 beats. tuser of the first beat goes to `start`.
        \(head)
            \(octet) row;
            for (int i = 0; i < 64; ++i) {
        #pragma HLS PIPELINE II=1
                const \(b) beat = in.read();
                if (i == 0) start.write(beat.user);
                const \(container) lane = beat.data;
                row.v[i % 8] = lane;
                if (i % 8 == 7) rows.write(row);
            }
        }


        """
    }

    private func write(_ lane: Lane, lanes: Int) -> String {
        let (_, container, w) = laneType(lane)
        let octet = lane == .pixels ? design.format(.sample).octetName : design.format(.quantized).octetName
        let b = beat(lane, lanes)
        let name = lane == .pixels ? "write_pixels_x\(lanes)" : "write_coefficients_x\(lanes)"
        let head = "static void \(name)(hls::stream<\(octet)>& rows, hls::stream<frame_flag>& start, hls::stream<\(b)>& out) {"
        let flags = { (first: String, last: String) in
            """
                    beat.keep = -1;
                    beat.strb = -1;
                    beat.user = \(first) ? start_of_frame : frame_flag(0);
                    beat.last = \(last);
                    beat.id = 0;
                    beat.dest = 0;
                    out.write(beat);
            """
        }
        if lanes == 8 {
            return """
            // Beats out: one row per beat, tlast on the block's last beat, tuser as the block's first input beat.
            \(head)
                const frame_flag start_of_frame = start.read();
                for (int r = 0; r < 8; ++r) {
            #pragma HLS PIPELINE II=1
                    const \(octet) row = rows.read();
                    \(b) beat;
                    for (int k = 0; k < 8; ++k) {
                        const \(container) lane = row.v[k];
                        beat.data(\(w) * k + \(w - 1), \(w) * k) = lane;
                    }
            \(flags("r == 0", "(r == 7)"))
                }
            }


            """
        }
        return """
        // Beats out: one value per beat, tlast on the block's last beat, tuser as the block's first input beat.
        \(head)
            const frame_flag start_of_frame = start.read();
            \(octet) row;
            for (int i = 0; i < 64; ++i) {
        #pragma HLS PIPELINE II=1
                if (i % 8 == 0) row = rows.read();
                \(b) beat;
                const \(container) lane = row.v[i % 8];
                beat.data = lane;
        \(flags("i == 0", "(i == 63)"))
            }
        }


        """
    }

    /// The dataflow of one top: read, the passes and transposes, (de)quantization, write.
    private func top(_ top: HLSTop) -> String {
        var streams: [(type: String, name: String)] = [("frame_flag", "start")]
        var buffers: [(type: String, name: String)] = []
        var calls: [String] = []
        var current = ""
        func stream(_ type: String, _ name: String) -> String {
            streams.append((type, name))
            return name
        }
        func step(_ call: (String, String) -> String, _ type: String, _ name: String) {
            let next = stream(type, name)
            calls.append(call(current, next))
            current = next
        }
        func transpose(_ r: Register, to name: String) {
            let buffer = "\(r)_buffer"
            buffers.append((design.format(r).typeName, buffer))
            calls.append("transpose_in(\(current), \(buffer));")
            let next = stream(design.format(r).octetName, name)
            calls.append("transpose_out(\(buffer), \(next));")
            current = next
        }
        let fields = { (role: CodecMode) in self.design.tableFields(for: role).map(\.name) }
        let f = design.format
        if top.mode.takesSamples {
            step({ "read_pixels_x\(top.lanes)(in, \($1), start);" }, "pixel_octet", "pixel_rows")
            step({ "fdct_rows(\($0), \($1));" }, f(.fdctWorkspace).octetName, "fdct_workspace_rows")
            transpose(.fdctWorkspace, to: "fdct_workspace_columns")
            step({ "fdct_columns(\($0), \($1));" }, f(.fdctOutput).octetName, "fdct_output_columns")
            let q = fields(.encode).joined(separator: ", ")
            step({ "quantize_octets<true>(\($0), \($1), \(q));" }, f(.quantized).octetName, "quantized_columns")
        } else {
            step({ "read_coefficients_x\(top.lanes)(in, \($1), start);" }, f(.quantized).octetName, "quantized_rows")
        }
        switch top.mode {
        case .encode:
            transpose(.quantized, to: "quantized_rows")
            calls.append("write_coefficients_x\(top.lanes)(\(current), start, out);")
        case .decode, .roundtrip:
            let columns = top.mode == .roundtrip
            step({ "dequantize_octets<\(columns)>(\($0), \($1), divisor);" }, f(.dequantized).octetName,
                 columns ? "dequantized_columns" : "dequantized_rows")
            if !columns { transpose(.dequantized, to: "dequantized_columns") }
            step({ "idct_columns(\($0), \($1));" }, f(.idctWorkspace).octetName, "idct_workspace_columns")
            transpose(.idctWorkspace, to: "idct_workspace_rows")
            step({ "idct_rows(\($0), \($1));" }, f(.sample).octetName, "sample_rows")
            calls.append("write_pixels_x\(top.lanes)(\(current), start, out);")
        }

        var s = "// \(top.mode.rawValue), \(top.lanes == 1 ? "one value" : "a row of 8") per beat.\n"
        s += signature(top) + " {\n"
        s += "#pragma HLS INTERFACE axis port=in\n#pragma HLS INTERFACE axis port=out\n"
        let tableFields = design.tableFields(for: top.mode)
        for t in tableFields { s += "#pragma HLS INTERFACE s_axilite port=\(t.name) bundle=control\n" }
        s += "#pragma HLS INTERFACE s_axilite port=return bundle=control\n"
        s += "#pragma HLS INTERFACE ap_ctrl_chain port=return bundle=control\n"
        for t in tableFields { s += "#pragma HLS ARRAY_PARTITION variable=\(t.name) complete\n" }
        s += "#pragma HLS DATAFLOW\n"
        for (type, name) in streams { s += "    hls::stream<\(type)> \(name)(\"\(name)\");\n" }
        s += "#pragma HLS STREAM variable=start depth=4\n"
        for (_, name) in streams.dropFirst() { s += "#pragma HLS STREAM variable=\(name) depth=8\n" }
        for (type, name) in buffers {
            s += "    \(type) \(name)[8][8];\n#pragma HLS ARRAY_PARTITION variable=\(name) complete dim=0\n"
        }
        for call in calls { s += "    \(call)\n" }
        s += "}\n"
        return s
    }
}
