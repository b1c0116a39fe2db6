import CoSim
import Foundation
import Golden
import HLSGen
import Testing

/// The multiplier cells' two renderings agree clock for clock under Icarus: the MULT18X18D pieces
/// (with `FXC_ECP5`, against a model of the block written here from Lattice's description of it)
/// and the registers around `*`, for every cell the presets' cores place and for cells at the edges
/// of the piece rules (18, 19, 35, 36 bits, a 1-bit top piece, both operands wide).
@Suite struct MultiplierCellTests {
    /// MULT18X18D as Lattice's sysDSP guide describes the parts the cells use: P = A × B as signed
    /// 18-bit words (SIGNEDA/SIGNEDB high), the A and B inputs registered on CLK0 when their
    /// REG_INPUT*_CLK is "CLK0", loading when the CE their REG_INPUT*_CE names is high; the product
    /// registered likewise by REG_OUTPUT_*; the pipeline register unused.
    static func blockModel() -> String {
        let a = (0..<18).map { "A\($0)" }, b = (0..<18).map { "B\($0)" }, c = (0..<18).map { "C\($0)" }
        let p = (0..<36).map { "P\($0)" }
        let inputs = a + b + c + ["SIGNEDA", "SIGNEDB", "SOURCEA", "SOURCEB", "CLK0", "CLK1", "CLK2", "CLK3",
                                  "CE0", "CE1", "CE2", "CE3", "RST0", "RST1", "RST2", "RST3"]
        return """
            module MULT18X18D #(parameter REG_INPUTA_CLK = "NONE", REG_INPUTA_CE = "CE0", REG_INPUTB_CLK = "NONE",
                REG_INPUTB_CE = "CE0", REG_OUTPUT_CLK = "NONE", REG_OUTPUT_CE = "CE0", GSR = "ENABLED", RESETMODE = "SYNC") (
                input \(inputs.joined(separator: ", ")),
                output \(p.joined(separator: ", "))
            );
                wire [3:0] ce = {CE3, CE2, CE1, CE0};
                function integer index(input [8*3-1:0] name); index = name[7:0] - "0"; endfunction
                wire [17:0] a = {\(a.reversed().joined(separator: ", "))}, b = {\(b.reversed().joined(separator: ", "))};
                reg [17:0] a_r, b_r;
                reg [35:0] p_r;
                wire [17:0] a_in = REG_INPUTA_CLK == "CLK0" ? a_r : a, b_in = REG_INPUTB_CLK == "CLK0" ? b_r : b;
                wire signed [18:0] sa = SIGNEDA ? {a_in[17], a_in} : {1'b0, a_in}, sb = SIGNEDB ? {b_in[17], b_in} : {1'b0, b_in};
                wire signed [37:0] product = sa * sb;
                always @(posedge CLK0) begin
                    if (ce[index(REG_INPUTA_CE)]) a_r <= a;
                    if (ce[index(REG_INPUTB_CE)]) b_r <= b;
                    if (ce[index(REG_OUTPUT_CE)]) p_r <= product[35:0];
                end
                wire [35:0] p = REG_OUTPUT_CLK == "CLK0" ? p_r : product[35:0];
                assign {\(p.reversed().joined(separator: ", "))} = p;
            endmodule

            """
    }

    /// A testbench driving every cell with random operands (full range) and random enables for 400
    /// clocks, printing each cell's product every clock once the cells have been loaded.
    static func bench(_ cells: [MultiplierCell]) -> String {
        var s = "module cell_tb;\n    reg aclk = 0;\n    integer t, seed = 7;\n"
        for (k, c) in cells.enumerated() {
            s += "    reg signed [\(c.a - 1):0] a\(k); reg signed [\(c.b - 1):0] b\(k); reg [\(c.latency - 1):0] ce\(k);\n"
            s += "    wire signed [\(c.product - 1):0] p\(k);\n"
            s += "    \(c.name) u\(k) (.aclk(aclk), .ce(ce\(k)), .a(a\(k)), .b(b\(k)), .p(p\(k)));\n"
        }
        s += "    initial begin\n        for (t = 0; t < 400; t = t + 1) begin\n"
        for (k, c) in cells.enumerated() {
            // Wide operands from several 32-bit draws; enables all high for the first clocks so every register holds a number.
            s += "            a\(k) = {$random(seed), $random(seed)}; b\(k) = {$random(seed), $random(seed)};\n"
            s += "            ce\(k) = t < \(c.latency + 1) ? {\(c.latency){1'b1}} : $random(seed);\n"
        }
        s += "            #1 aclk = 1; #1 aclk = 0;\n"
        s += "            if (t > 4) $display(\"%0d\(String(repeating: " %0d", count: cells.count - 1))\", \(cells.indices.map { "p\($0)" }.joined(separator: ", ")));\n"
        s += "        end\n        $finish;\n    end\nendmodule\n"
        return s
    }

    @Test func bothRenderingsGiveTheSameProducts() throws {
        var cells = Set<MultiplierCell>()
        for config in DatapathConfig.presets {
            for target in [100.0, 200] {
                cells.formUnion(try RTLDesign(config: config, quality: 75, target: try ClockTarget(mhz: target)).multiplierCells)
            }
        }
        let edges = [(18, 18), (19, 14), (14, 19), (20, 13), (35, 18), (36, 14), (52, 16), (20, 20), (2, 30), (5, 3)]
        cells.formUnion(edges.map { MultiplierCell(a: $0.0, b: $0.1) })
        let list = cells.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
        #expect(list.contains { $0.blocks == 2 } && list.contains { $0.blocks == 1 && $0.latency == 4 } && list.contains { $0.blocks == 0 })

        let folder = Paths.scratch.appendingPathComponent("fxcodec-mulcells-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sources = ["cells.v": list.map { $0.text() }.joined(separator: "\n"), "block.v": Self.blockModel(), "tb.v": Self.bench(list)]
        for (name, text) in sources { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        var outputs: [String] = []
        for define in [["-DFXC_ECP5"], []] {
            let compile = try runProcess("iverilog", ["-g2005", "-o", "tb"] + define + ["-s", "cell_tb", "cells.v", "block.v", "tb.v"], in: folder)
            try #require(compile.succeeded, "\(compile.stderr)")
            let run = try runProcess("vvp", ["-n", "tb"], in: folder)
            try #require(run.succeeded, "\(run.stderr)")
            outputs.append(run.stdout)
        }
        let (blocks, star) = (outputs[0].split(separator: "\n"), outputs[1].split(separator: "\n"))
        #expect(blocks.count == 395 && star.count == 395)
        for (clock, (x, y)) in zip(blocks, star).enumerated() where x != y {
            let (xs, ys) = (x.split(separator: " "), y.split(separator: " "))
            let k = xs.indices.first { $0 < ys.count && xs[$0] != ys[$0] } ?? 0
            Issue.record("clock \(clock + 5), cell \(list[k].name): blocks give \(xs[k]), `*` gives \(ys[k])")
            break
        }
        // The run multiplies: most products differ from zero and from each other.
        let distinct = Set(star.flatMap { $0.split(separator: " ") })
        #expect(distinct.count > 1000, "\(distinct.count) distinct products")
    }
}
