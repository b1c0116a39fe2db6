/// Names in the printed Verilog and C++: ports, registers and memories keep the names the description
/// gave (checked here to be usable in both languages); every printed node gets its hint or `n<index>`,
/// made unique with a suffix.
public enum Identifiers {
    /// Words of Verilog-2005, SystemVerilog and C++ a name must not be, plus the names the printers use themselves.
    static let reserved = Set<String>([
        "always", "and", "assign", "begin", "buf", "case", "casex", "casez", "default", "else", "end",
        "endcase", "endfunction", "endgenerate", "endmodule", "for", "function", "generate", "genvar",
        "if", "initial", "inout", "input", "integer", "localparam", "module", "nand", "negedge", "nor",
        "not", "or", "output", "parameter", "posedge", "reg", "signed", "task", "unsigned", "wire",
        "xor", "xnor", "auto", "bool", "break", "char", "class", "const", "continue", "delete", "do",
        "double", "enum", "extern", "float", "goto", "inline", "int", "long", "new", "operator",
        "private", "protected", "public", "register", "return", "short", "sizeof", "static", "struct",
        "switch", "template", "this", "typedef", "union", "void", "volatile", "while", "ap_uint",
        "ap_int", "std", "main", "unused_bits", "aclk",
        // More Verilog-2005, and the SystemVerilog words Verilator reserves in .v files too.
        "table", "endtable", "primitive", "endprimitive", "specify", "endspecify", "task", "endtask", "event",
        "force", "release", "fork", "join", "wait", "disable", "repeat", "forever", "supply0", "supply1",
        "tri", "wand", "wor", "time", "real", "realtime", "defparam", "edge", "deassign", "pullup",
        "pulldown", "cell", "config", "design", "library", "instance", "use", "logic", "bit", "byte",
        "shortint", "longint", "string", "interface", "package", "program", "property", "sequence", "type",
        "var", "automatic", "local", "null", "super", "virtual", "import", "export", "context", "final",
        "ref", "assert", "assume", "cover", "unique", "priority", "inside", "dist", "with", "foreach",
        "bind", "clocking", "modport", "constraint", "solve", "before", "rand", "randc", "extends",
        "alias", "always_comb", "always_ff", "always_latch", "matches", "tagged", "wildcard", "let",
        "checker", "global", "soft", "strong", "weak", "restrict", "implies", "until", "nettype",
        "interconnect", "chandle", "bins", "cross", "covergroup", "coverpoint", "iff", "ignore_bins",
        "illegal_bins", "intersect", "first_match", "throughout", "within", "expect", "timeprecision",
        "timeunit", "protected", "pure", "randomize", "randcase", "randsequence", "sync_accept_on",
        "sync_reject_on", "accept_on", "reject_on", "eventually", "nexttime", "untyped", "small", "medium",
        "large", "scalared", "vectored", "highz0", "highz1", "strong0", "strong1", "weak0", "weak1",
        "pull0", "pull1", "trireg", "tri0", "tri1", "triand", "trior", "uwire", "cmos", "nmos", "pmos",
        "rcmos", "rnmos", "rpmos", "tran", "tranif0", "tranif1", "rtran", "rtranif0", "rtranif1",
        "bufif0", "bufif1", "notif0", "notif1", "specparam", "showcancelled", "noshowcancelled",
        "pulsestyle_onevent", "pulsestyle_ondetect", "endconfig", "endinterface", "endpackage",
        "endprogram", "endproperty", "endsequence", "endclass", "endclocking", "endchecker", "endgroup",
        "liblist", "incdir", "include", "genvar", "macromodule", "casez", "wire", "friend", "mutable",
        "namespace", "noexcept", "nullptr", "typename", "using", "explicit", "export", "catch", "try",
        "throw", "default", "signed", "unsigned", "float", "true", "false", "asm", "constexpr",
        "decltype", "static_assert", "thread_local", "alignas", "alignof", "char16_t", "char32_t",
        "wchar_t", "dynamic_cast", "static_cast", "reinterpret_cast", "const_cast", "typeid",
    ])

    /// A name for a port, register, memory or node: a module name that is not `n<digits>` and does
    /// not start with `fxc_` (both are the printers' own).
    public static func isValid(_ name: String) -> Bool {
        if name.hasPrefix("n"), name.count > 1, name.dropFirst().allSatisfy(\.isNumber) { return false }
        return isValidModuleName(name) && !name.hasPrefix("fxc_")
    }

    /// A letter or underscore, then letters, digits and underscores; not a reserved word.
    public static func isValidModuleName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        guard name.unicodeScalars.allSatisfy({ $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" }) else { return false }
        return !reserved.contains(name)
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
