/// A block RAM with its output register, `fxc_bram_d<depth>_w<width>`: one write port and one read
/// port, a read returning its word two clocks later. On an edge with `re` = 1 the word at `ra` enters
/// the read register and the read register's word enters the output register (`rd`); on an edge with
/// `we` = 1, `wd` is written at `wa`. Power-on contents are `contents` (zero without them; the model's
/// reset is power-on, `aresetn` does not touch them), the registers zero. A read in the clock of a
/// write to the same address gets the word before the write in the Swift model, the C++ and the
/// portable Verilog; DP16KD does not promise it across its two ports, so a description must not read
/// a word in the clock it is written.
///
/// Why it is a block: ECP5's DP16KD has an output register (REGMODE OUTREG) that takes its
/// clock-to-output from 5.6 ns to 1.0 ns (nextpnr-ecp5, speed 6), but yosys maps an inferred memory
/// with REGMODE NOREG and leaves a register after it in the fabric, so a block RAM's word reaches
/// logic 5.6 ns after the edge, plus a route across the chip. Two renderings in one module, chosen at
/// compile time:
///   - `FXC_ECP5` defined (ECP5 synthesis): DP16KD blocks with their output registers, each in the
///     widest of its shapes (1024 × 18, 2048 × 9, 4096 × 4, 8192 × 2, 16384 × 1) that holds the depth,
///     side by side for the word's bits, so a word comes straight from the output registers with no
///     choice after them; only a depth above 16384 stacks blocks, a block's write gated by the
///     address's high bits and the words chosen by those bits of the read address, registered twice
///     as the word is;
///   - otherwise (simulators, other targets): the same two registers after an array.
public struct BlockRAM: Hashable, Sendable {
    public let depth: Int, width: Int
    /// Power-on words (nil: zeros), and the name that tells such a block from the others.
    public let contents: [UInt64]?, label: String?

    /// A block RAM; with `contents`, `label` names it (`fxc_bram_<label>`) and its shape is 1024 × 18 or
    /// 2048 × 9 (the DP16KD shapes whose INITVAL layout is checked against yosys's mapping).
    public init(depth: Int, width: Int, contents: [UInt64]? = nil, label: String? = nil) {
        precondition(depth >= 2 && depth & (depth - 1) == 0, "a block RAM's depth is a power of two")
        precondition((1...36).contains(width), "a block RAM's word is 1 to 36 bits")
        self.depth = depth
        self.width = width
        self.contents = contents
        self.label = label
        if let contents {
            precondition(label != nil && contents.count <= depth && contents.allSatisfy { $0 >> UInt64(width) == 0 },
                         "a block RAM with contents has a label, and at most depth words of its width")
            precondition([18, 9].contains(shape.width) && depth <= 2048, "a block RAM with contents is 1024 × 18 or 2048 × 9 in shape")
        }
    }

    public var name: String { label.map { "fxc_bram_\($0)" } ?? "fxc_bram_d\(depth)_w\(width)" }
    public var addressBits: Int { depth.trailingZeroBitCount }
    /// Clocks (enabled edges) from an address to its word on `rd`.
    public static let latency = 2

    /// DP16KD geometry on ECP5: the shape (port width, words, the address pin of address bit 0), the
    /// blocks side by side for the word's bits, and the rows of them for the depth.
    var shape: (width: Int, words: Int, low: Int) {
        let shapes = [(18, 1024, 4), (9, 2048, 3), (4, 4096, 2), (2, 8192, 1), (1, 16384, 0)]
        return shapes.first { $0.1 >= depth } ?? shapes[shapes.count - 1]
    }
    var slices: Int { (width + shape.width - 1) / shape.width }
    var rows: Int { max(1, depth / shape.words) }
    public var blocks: Int { slices * rows }

    public var block: ExternalBlock {
        let (depth, width, name, contents) = (self.depth, self.width, self.name, self.contents ?? [])
        let a = addressBits
        return ExternalBlock(moduleName: name,
                             inputs: [PortShape("we", width: 1), PortShape("wa", width: a), PortShape("wd", width: width),
                                      PortShape("re", width: 1), PortShape("ra", width: a)],
                             outputs: [PortShape("rd", width: width)],
                             hls: hls, verilog: verilog) { BlockRAMModel(depth: depth, contents: contents) }
    }

    /// The C++ array's initializer: its power-on words, ten a line.
    var initializer: String {
        guard let contents else { return "" }
        let lines = stride(from: 0, to: contents.count, by: 10).map { i in
            contents[i..<min(i + 10, contents.count)].map { "\($0)" }.joined(separator: ", ")
        }
        return " = {\n    " + lines.joined(separator: ",\n    ") + "}"
    }

    /// DP16KD's INITVAL_nn of block `slice` (bits slice · shape width up) of a row of blocks: the
    /// blocks' words laid end to end (word a at bit a · shape width), cut into 18-bit rows, row j of 16
    /// at bit 20 · j of INITVAL_nn (yosys's layout for the 9- and 18-bit shapes).
    public func initValues(slice: Int) -> [String] {
        guard let contents else { return [] }
        let blockWidth = shape.width, perRow = 18 / blockWidth, mask = (UInt64(1) << UInt64(blockWidth)) - 1
        var rows = [UInt64](repeating: 0, count: 1024)
        for (a, word) in contents.enumerated() {
            let part = (word >> UInt64(slice * blockWidth)) & mask
            rows[a / perRow] |= part << UInt64((a % perRow) * blockWidth)
        }
        return (0..<64).compactMap { (n: Int) -> String? in
            let chunk = rows[(16 * n)..<(16 * n + 16)]
            guard chunk.contains(where: { $0 != 0 }) else { return nil }
            // 320 bits, as 80 hex digits: row 15's 20 bits first.
            let digits = chunk.reversed().map { String($0, radix: 16) }.map { String(repeating: "0", count: 5 - $0.count) + $0 }.joined()
            let nn = String(n, radix: 16, uppercase: true)
            return ".INITVAL_" + (n < 16 ? "0" : "") + nn + "(320'h" + digits.uppercased() + ")"
        }
    }

    /// In C++: the array and the two registers; the reads before the write, as the edge sees them.
    var hls: HLSRendering {
        let (depth, width, initializer) = (self.depth, self.width, self.initializer)
        return HLSRendering(
            declarations: [],
            state: { p in
                ["static ap_uint<\(width)> \(p)_mem[\(depth)]" + initializer + ";",
                 "#pragma HLS BIND_STORAGE variable=\(p)_mem type=ram_s2p impl=bram latency=2",
                 "static ap_uint<\(width)> \(p)_read = 0, \(p)_out = 0;"]
            },
            outputs: { p in [["\(p)_out"]] },
            edge: { p, i in
                ["if (\(i[3][0])) {", "    \(p)_out = \(p)_read;", "    \(p)_read = \(p)_mem[\(i[4][0])];", "}",
                 "if (\(i[0][0])) \(p)_mem[\(i[1][0])] = \(i[2][0]);"]
            })
    }

    /// The module's Verilog-2005 text.
    public var verilog: String {
        let a = addressBits, w = width
        var l = [
            "// A block RAM with its output register: a word read on an edge with re = 1 is on rd after the next",
            "// edge with re = 1 (read register, then output register); never read a word in the clock it is",
            "// written (DP16KD does not define it). With FXC_ECP5 defined: \(blocks) DP16KD block\(blocks == 1 ? "" : "s") (\(shape.words) x \(shape.width)) with REGMODE OUTREG.",
            "module \(name) (",
            "    input wire aclk,",
            "    input wire we,",
            "    input wire [\(a - 1):0] wa,",
            "    input wire [\(w - 1):0] wd,",
            "    input wire re,",
            "    input wire [\(a - 1):0] ra,",
            "    output wire [\(w - 1):0] rd",
            ");",
            "`ifdef FXC_ECP5",
        ]
        let (blockWidth, blockWords, low) = shape
        let blockBits = blockWords.trailingZeroBitCount, high = a - min(a, blockBits)
        for r in 0..<rows {
            let select = high > 0 ? " && wa[\(a - 1):\(blockBits)] == \(high)'d\(r)" : ""
            l.append("    wire [\(slices * 18 - 1):0] do\(r);")
            for j in 0..<slices {
                let k = r * slices + j
                var ports = [".CLKA(aclk)", ".CEA(re)", ".OCEA(re)", ".WEA(1'b0)", ".RSTA(1'b0)", ".CSA0(1'b0)", ".CSA1(1'b0)", ".CSA2(1'b0)",
                             ".CLKB(aclk)", ".CEB(1'b1)", ".OCEB(1'b1)", ".WEB(we\(select))", ".RSTB(1'b0)", ".CSB0(1'b0)", ".CSB1(1'b0)", ".CSB2(1'b0)"]
                for bit in 0..<14 {
                    let wordBit = bit - low
                    let read = wordBit >= 0 && wordBit < min(blockBits, a) ? "ra[\(wordBit)]" : "1'b0"
                    let write = wordBit >= 0 && wordBit < min(blockBits, a) ? "wa[\(wordBit)]" : (blockWidth == 18 && bit < 2 ? "1'b1" : "1'b0")
                    ports += [".ADA\(bit)(\(read))", ".ADB\(bit)(\(write))"]
                }
                for bit in 0..<18 {
                    let wordBit = j * blockWidth + bit
                    let data = bit < blockWidth && wordBit < w ? "wd[\(wordBit)]" : "1'b0"
                    ports += [".DIA\(bit)(1'b0)", ".DIB\(bit)(\(data))", ".DOA\(bit)(do\(r)[\(j * 18 + bit)])"]
                }
                l.append("    DP16KD #(.DATA_WIDTH_A(\(blockWidth)), .DATA_WIDTH_B(\(blockWidth)), .REGMODE_A(\"OUTREG\"), .REGMODE_B(\"NOREG\"),")
                l.append("        .WRITEMODE_A(\"NORMAL\"), .WRITEMODE_B(\"NORMAL\"), .CSDECODE_A(\"0b000\"), .CSDECODE_B(\"0b000\"),")
                let inits = initValues(slice: j)
                l.append("        .RESETMODE(\"SYNC\"), .GSR(\"DISABLED\")" + inits.map { ",\n        " + $0 }.joined() + ") block\(k) (")
                l.append(stride(from: 0, to: ports.count, by: 8).map { "        " + ports[$0..<min($0 + 8, ports.count)].joined(separator: ", ") }
                    .joined(separator: ",\n"))
                l.append("    );")
            }
            // The row's word: each slice's bits from the low end of its block's outputs.
            let parts = (0..<slices).reversed().map { j in "do\(r)[\(j * 18 + min(blockWidth, w - j * blockWidth) - 1):\(j * 18)]" }
            l.append("    wire [\(w - 1):0] word\(r) = " + (parts.count == 1 ? parts[0] : "{" + parts.joined(separator: ", ") + "}") + ";")
        }
        if high > 0 {
            l.append("    reg [\(high - 1):0] pick_read = 0, pick_out = 0;")
            l.append("    always @(posedge aclk) if (re) begin pick_read <= ra[\(a - 1):\(blockBits)]; pick_out <= pick_read; end")
            l.append("    assign rd = " + (0..<(rows - 1)).map { "pick_out == \(high)'d\($0) ? word\($0) : " }.joined() + "word\(rows - 1);")
        } else {
            l.append("    assign rd = word0;")
        }
        l += [
            "`else",
            "    reg [\(w - 1):0] mem [0:\(depth - 1)];",
            "    reg [\(w - 1):0] read_word = 0, out_word = 0;",
            "    integer i;",
            "    initial begin",
            "        for (i = 0; i < \(depth); i = i + 1) mem[i] = 0;",
        ]
        for (a, word) in (contents ?? []).enumerated() where word != 0 { l.append("        mem[\(a)] = \(w)'d\(word);") }
        l += [
            "    end",
            "    always @(posedge aclk) begin",
            "        if (re) begin",
            "            read_word <= mem[ra];",
            "            out_word <= read_word;",
            "        end",
            "        if (we) mem[wa] <= wd;",
            "    end",
            "    assign rd = out_word;",
            "`endif",
            "endmodule",
        ]
        return l.joined(separator: "\n") + "\n"
    }
}

/// The Swift model: the array and the two registers.
final class BlockRAMModel: ExternalModel {
    private var memory: [UInt64]
    private let contents: [UInt64]
    private var read: UInt64 = 0, out: UInt64 = 0

    init(depth: Int, contents: [UInt64]) {
        memory = [UInt64](repeating: 0, count: depth)
        self.contents = contents
        reset()
    }

    func reset() {
        for i in memory.indices { memory[i] = i < contents.count ? contents[i] : 0 }
        read = 0
        out = 0
    }

    func outputs(_ values: UnsafeMutableBufferPointer<UInt64>) { values[0] = out }

    func edge(_ inputs: UnsafeBufferPointer<UInt64>) {
        if inputs[3] != 0 {
            out = read
            read = memory[Int(inputs[4])]
        }
        if inputs[0] != 0 { memory[Int(inputs[1])] = inputs[2] }
    }
}
