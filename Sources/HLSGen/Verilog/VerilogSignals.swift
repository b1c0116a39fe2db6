import Golden

/// One Verilog signal as the emitter sees it: a name, a width, and whether its bits are a two's
/// complement number (every datapath node) or an unsigned one (the `sample` register).
struct VerilogSignal: Hashable {
    var name: String
    var width: Int
    var signed: Bool = true

    /// `wire signed [12:0]`-style type text (no name).
    var typeText: String {
        (signed ? "signed " : "") + (width == 1 ? "" : "[\(width - 1):0]")
    }
}

/// Sized literals and width adaptation, written so that `verilator --lint-only -Wall` sees every
/// operand at exactly the width of the expression it is in.
///
/// Width rule: a node of W bits is computed in W-bit arithmetic. Adds, subtracts, negations and left
/// shifts are exact modulo 2^W, so an operand enters as its low W bits (sign-extended when narrower);
/// the node's interval says the true result fits W bits, so nothing is lost.
enum Verilog {
    /// `W'sdK` for 0 ≤ K < 2^W.
    static func literal(_ k: Int, width: Int) -> String {
        precondition(k >= 0 && (width >= 63 || k < 1 << width), "literal \(k) does not fit \(width) bits")
        return "\(width)'sd\(k)"
    }

    /// An unsigned `W'dK`.
    static func unsignedLiteral(_ k: Int, width: Int) -> String { "\(width)'d\(k)" }

    /// A signed literal for any K, as a W-bit two's complement pattern (`-W'sdK` for negative K).
    static func signedLiteral(_ k: Int, width: Int) -> String {
        k < 0 ? "-" + literal(-k, width: width) : literal(k, width: width)
    }

    /// Bits of an unsigned word holding 0...max.
    static func unsignedWidth(_ max: Int) -> Int { Swift.max(1, Int.bitWidth - max.leadingZeroBitCount) }

    static func bitRange(_ hi: Int, _ lo: Int) -> String { hi == lo ? "[\(hi)]" : "[\(hi):\(lo)]" }
}

/// Which bits of each signal some expression reads, so that bits nobody reads (a descale's dropped
/// fraction, the sign of a value known to be positive) are named once in Verilator's `_unused_ok`
/// idiom instead of raising UNUSEDSIGNAL.
struct BitUse {
    private var used: [String: [Bool]] = [:]
    private var order: [VerilogSignal] = []
    /// Where each signal is declared: the module (nil), or a named procedural block (its variables
    /// are invisible outside it, so their unread bits are named inside it).
    private var scope: [String: String] = [:]

    mutating func declare(_ s: VerilogSignal, in block: String? = nil) {
        guard used[s.name] == nil else { return }
        used[s.name] = Array(repeating: false, count: s.width)
        order.append(s)
        if let block { scope[s.name] = block }
    }

    mutating func use(_ s: VerilogSignal, _ hi: Int, _ lo: Int) {
        declare(s)
        for b in lo...hi { used[s.name]![b] = true }
    }

    mutating func useAll(_ s: VerilogSignal) { use(s, s.width - 1, 0) }

    /// `s` read at W bits: itself, its low W bits, or extended to W (sign or zeros, as `s` is signed).
    mutating func adapt(_ s: VerilogSignal, to width: Int) -> String {
        adaptLow(s, bits: s.width, signed: s.signed, to: width)
    }

    /// The number in the low `bits` bits of `s` (two's complement or unsigned), read at W bits.
    mutating func adaptLow(_ s: VerilogSignal, bits: Int, signed: Bool, to width: Int) -> String {
        if width <= bits {
            use(s, width - 1, 0)
            return width == s.width ? s.name : "\(s.name)\(Verilog.bitRange(width - 1, 0))"
        }
        use(s, bits - 1, 0)
        let low = bits == s.width ? s.name : "\(s.name)\(Verilog.bitRange(bits - 1, 0))"
        guard signed else { return "{\(width - bits)'d0, \(low)}" }
        let sign = "\(s.name)[\(bits - 1)]"
        let copies = width - bits == 1 ? sign : "{\(width - bits){\(sign)}}"
        return "{\(copies), \(low)}"
    }

    /// Bits [hi:lo] of `s`, as they are.
    mutating func bits(_ s: VerilogSignal, _ hi: Int, _ lo: Int) -> String {
        use(s, hi, lo)
        return hi == s.width - 1 && lo == 0 ? s.name : "\(s.name)\(Verilog.bitRange(hi, lo))"
    }

    /// The sign bit of a signed signal.
    mutating func sign(_ s: VerilogSignal) -> String {
        use(s, s.width - 1, s.width - 1)
        return "\(s.name)[\(s.width - 1)]"
    }

    /// `s` at its own width, as a whole.
    mutating func whole(_ s: VerilogSignal) -> String {
        useAll(s)
        return s.name
    }

    /// Bits [hi:lo] of `s`, as a signed value; bits above the signal are its sign copies.
    mutating func signedSlice(_ s: VerilogSignal, _ hi: Int, _ lo: Int) -> String {
        if lo >= s.width {
            let sign = self.sign(s)
            return hi == lo ? "$signed(\(sign))" : "$signed({\(hi - lo + 1){\(sign)}})"
        }
        if hi < s.width {
            use(s, hi, lo)
            if lo == 0 && hi == s.width - 1 { return s.name }
            return "$signed(\(s.name)\(Verilog.bitRange(hi, lo)))"
        }
        use(s, s.width - 1, lo)
        let sign = "\(s.name)[\(s.width - 1)]"
        let extra = hi - (s.width - 1)
        let copies = extra == 1 ? sign : "{\(extra){\(sign)}}"
        return "$signed({\(copies), \(s.name)\(Verilog.bitRange(s.width - 1, lo))})"
    }

    /// Every unread bit of the signals declared in `block` (nil: the module), as Verilog parts.
    func unread(in block: String? = nil) -> [String] {
        var parts: [String] = []
        for s in order where scope[s.name] == block {
            let bits = used[s.name]!
            var b = 0
            while b < bits.count {
                guard !bits[b] else { b += 1; continue }
                var top = b
                while top + 1 < bits.count && !bits[top + 1] { top += 1 }
                parts.append(s.width == 1 ? s.name : "\(s.name)\(Verilog.bitRange(top, b))")
                b = top + 1
            }
        }
        return parts
    }

    /// `wire _unused_ok = &{1'b0, …, 1'b0};` over every unread bit of the module's signals, or nothing.
    func unusedLine(indent: String = "    ") -> String? {
        let parts = unread()
        guard !parts.isEmpty else { return nil }
        return indent + "// bits no expression reads: descale fractions, copies of a known sign, unused fields\n"
            + indent + "wire _unused_ok = &{1'b0, \(parts.joined(separator: ", ")), 1'b0};"
    }
}
