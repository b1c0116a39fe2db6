/// A registered signed multiplier, `fxc_mul_<A>x<B>`: p = a · b with a and b (A and B bits, two's
/// complement) registered on `ce[0]` and the product on `ce[1]`; when the product is made of parts,
/// the parts are registered again in the fabric on `ce[2]` (a register beside each block, so the
/// long route out of a block ends in a flip-flop, not in an adder) and summed into a register on
/// `ce[3]`. Each `ce` bit is the kernel's enable of the stage that register belongs to, so the cell
/// holds a beat exactly as the stages around it do.
///
/// Two renderings in one module, chosen at compile time:
///   - `FXC_ECP5` defined (ECP5 synthesis): MULT18X18D blocks with their input and output registers,
///     which run far faster than a multiply whose registers sit in the fabric. The wider operand w is
///     cut into 17-bit unsigned pieces (zero-extended, so every block multiplies signed 18-bit words)
///     below a signed top piece, w = Σ w_k · 2^(17k), one block per piece; a top piece of 1 or 2 bits
///     is a select of 0, ±b, −2b in the fabric instead of a block (as yosys does for `*`);
///   - otherwise (simulators, other targets, or both operands wider than 18 bits): the same registers
///     around `*`.
public struct MultiplierCell: Hashable, Sendable {
    public let a: Int, b: Int

    public init(a: Int, b: Int) {
        self.a = a
        self.b = b
    }

    /// The file (without `.v`) that holds every cell a core uses.
    public static let fileName = "fxc_multipliers"

    public var name: String { "fxc_mul_\(a)x\(b)" }
    public var product: Int { a + b }

    /// The pieces of the wider operand (`wide` bits): widths, low first; the top one is signed.
    static func pieces(_ wide: Int) -> [Int] {
        var widths: [Int] = []
        var left = wide
        while left > 18 { widths.append(17); left -= 17 }
        return widths + [left]
    }

    /// How a product of operands `a` and `b` bits wide is made: MULT18X18D blocks, and whether a
    /// top piece is done in the fabric. nil: both are wider than 18 bits, no blocks.
    static func plan(_ a: Int, _ b: Int) -> (blocks: Int, fabricTop: Bool)? {
        let (wide, narrow) = (max(a, b), min(a, b))
        guard narrow <= 18 else { return nil }
        let p = pieces(wide)
        let fabricTop = p.count > 1 && p.last! <= 2
        return (p.count - (fabricTop ? 1 : 0), fabricTop)
    }

    /// MULT18X18D blocks for operands `a` and `b` bits wide.
    static func blocks(_ a: Int, _ b: Int) -> Int { plan(a, b)?.blocks ?? 0 }
    /// Clocks from the operands' register to the product's.
    static func latency(_ a: Int, _ b: Int) -> Int { plan(a, b).map { $0.blocks == 1 && !$0.fabricTop } == true ? 2 : 4 }

    public var blocks: Int { Self.blocks(a, b) }
    public var latency: Int { Self.latency(a, b) }

    public func text() -> String {
        var l: [String] = [
            "// p = a * b (signed), registered: operands on ce[0], product on ce[1]\(latency == 4 ? ", its parts again on ce[2], their sum on ce[3]" : "").",
            "// With FXC_ECP5 defined: \(blocks) MULT18X18D block\(blocks == 1 ? "" : "s") with input and output registers; otherwise `*`.",
            "module \(name) (",
            "    input  wire aclk,",
            "    input  wire [\(latency - 1):0] ce,",
            "    input  wire signed [\(a - 1):0] a,",
            "    input  wire signed [\(b - 1):0] b,",
            "    output wire signed [\(product - 1):0] p",
            ");",
        ]
        if Self.plan(a, b) != nil {
            l.append("`ifdef FXC_ECP5")
            l += blockRendering()
            l.append("`else")
        }
        l.append("    reg signed [\(a - 1):0] a_r;")
        l.append("    reg signed [\(b - 1):0] b_r;")
        // p_r, then a register per clock the blocks' rendering has after its product.
        let held = (2..<latency).map { "p_d\($0 - 1)" }
        l.append("    reg signed [\(product - 1):0] \((["p_r"] + held).joined(separator: ", "));")
        l.append("    always @(posedge aclk) begin")
        l.append("        if (ce[0]) begin a_r <= a; b_r <= b; end")
        l.append("        if (ce[1]) p_r <= a_r * b_r;")
        for (k, r) in held.enumerated() { l.append("        if (ce[\(k + 2)]) \(r) <= \(k == 0 ? "p_r" : held[k - 1]);") }
        l.append("    end")
        l.append("    assign p = \(held.last ?? "p_r");")
        if Self.plan(a, b) != nil { l.append("`endif") }
        l.append("endmodule")
        return l.joined(separator: "\n") + "\n"
    }

    /// The MULT18X18D rendering: the wider operand `w` in pieces, the narrower `n` whole.
    private func blockRendering() -> [String] {
        let plan = Self.plan(a, b)!
        let (w, ww, n, nw) = a >= b ? ("a", a, "b", b) : ("b", b, "a", a)
        let widths = Self.pieces(ww)
        var l: [String] = []
        var terms: [String] = []
        let extended = nw == 18 ? n : "{{\(18 - nw){\(n)[\(nw - 1)]}}, \(n)}"
        for k in 0..<plan.blocks {
            let low = 17 * k, top = k == widths.count - 1
            let bits = widths[k]
            let piece = top
                ? (bits == 18 ? "\(w)[\(low + 17):\(low)]" : "{{\(18 - bits){\(w)[\(low + bits - 1)]}}, \(w)[\(low + bits - 1):\(low)]}")
                : "{1'b0, \(w)[\(low + 16):\(low)]}"
            let p = "p\(k)"
            l.append("    wire signed [35:0] \(p);")
            l.append("    wire [17:0] \(p)_a = \(piece), \(p)_b = \(extended);")
            var ports = (0..<18).map { ".A\($0)(\(p)_a[\($0)])" } + (0..<18).map { ".B\($0)(\(p)_b[\($0)])" }
            ports += (0..<36).map { ".P\($0)(\(p)[\($0)])" }
            ports += [".SIGNEDA(1'b1)", ".SIGNEDB(1'b1)", ".SOURCEA(1'b0)", ".SOURCEB(1'b0)",
                      ".CLK0(aclk)", ".CLK1(1'b0)", ".CLK2(1'b0)", ".CLK3(1'b0)",
                      ".CE0(ce[0])", ".CE1(ce[1])", ".CE2(1'b0)", ".CE3(1'b0)",
                      ".RST0(1'b0)", ".RST1(1'b0)", ".RST2(1'b0)", ".RST3(1'b0)"]
            ports += (0..<18).map { ".C\($0)(1'b0)" }
            l.append("    MULT18X18D #(.REG_INPUTA_CLK(\"CLK0\"), .REG_INPUTA_CE(\"CE0\"), .REG_INPUTB_CLK(\"CLK0\"), .REG_INPUTB_CE(\"CE0\"),")
            l.append("        .REG_OUTPUT_CLK(\"CLK0\"), .REG_OUTPUT_CE(\"CE1\"), .GSR(\"DISABLED\"), .RESETMODE(\"SYNC\")) \(p)_block (")
            l.append(stride(from: 0, to: ports.count, by: 8).map { i in
                "        " + ports[i..<min(i + 8, ports.count)].joined(separator: ", ")
            }.joined(separator: ",\n"))
            l.append("    );")
            terms.append(low == 0 ? p : "(\(p) <<< \(low))")
        }
        if plan.fabricTop {
            // The top piece t (1 or 2 bits, signed) times the narrow operand: a select, registered as the blocks' products are.
            let low = 17 * plan.blocks, bits = widths.last!
            l.append("    reg signed [\(bits - 1):0] t_r;")
            l.append("    reg signed [\(nw - 1):0] n_r;")
            l.append("    reg signed [\(nw + 1):0] tp_r;")
            l.append("    always @(posedge aclk) begin")
            l.append("        if (ce[0]) begin t_r <= \(w)[\(ww - 1):\(low)]; n_r <= \(n); end")
            let value = bits == 1
                ? "t_r[0] ? -{{2{n_r[\(nw - 1)]}}, n_r} : \(nw + 2)'sd0"
                : "t_r == 2'b01 ? {{2{n_r[\(nw - 1)]}}, n_r} : t_r == 2'b11 ? -{{2{n_r[\(nw - 1)]}}, n_r} : t_r == 2'b10 ? -{n_r[\(nw - 1)], n_r, 1'b0} : \(nw + 2)'sd0"
            l.append("        if (ce[1]) tp_r <= \(value);")
            l.append("    end")
            terms.append("(tp_r <<< \(low))")
        }
        if latency == 2 {
            l.append("    assign p = p0[\(product - 1):0];")
        } else {
            // Each part registered beside its block, then (modulo 2^product every term is exact, and so
            // is the sum) the sum.
            let parts = terms.indices.map { "part\($0)" }
            for (part, term) in zip(parts, terms) {
                l.append("    reg signed [\(product - 1):0] \(part);")
                l.append("    always @(posedge aclk) if (ce[2]) \(part) <= \(term);")
            }
            l.append("    reg signed [\(product - 1):0] p_r;")
            l.append("    always @(posedge aclk) if (ce[3]) p_r <= \(parts.joined(separator: " + "));")
            l.append("    assign p = p_r;")
        }
        return l
    }
}
