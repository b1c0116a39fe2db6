extension FixedFormat {
    /// Reads the C++ spelling: `ap_fixed<W,I[,Q[,O[,N]]]>`, `ap_ufixed<...>`, `ap_int<W>`, `ap_uint<W>`
    /// (spaces allowed between the parts). Every error names what is wrong.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingSpaces
        func malformed(_ problem: String) -> FixedPointError { .malformedType(text, problem: problem) }

        guard let open = trimmed.firstIndex(of: "<") else {
            throw malformed(trimmed.isEmpty
                ? "the type is empty; expected e.g. ap_fixed<16,6> or ap_uint<8>"
                : "expected '<' after the type name, as in ap_fixed<16,6>")
        }
        guard trimmed.hasSuffix(">") else { throw malformed("expected '>' at the end") }
        let name = trimmed[..<open].trimmingSpaces
        let inside = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let parameters = inside.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }

        let isSigned: Bool, isInteger: Bool
        switch name {
        case "ap_fixed": (isSigned, isInteger) = (true, false)
        case "ap_ufixed": (isSigned, isInteger) = (false, false)
        case "ap_int": (isSigned, isInteger) = (true, true)
        case "ap_uint": (isSigned, isInteger) = (false, true)
        default:
            throw malformed("unknown type name '\(name)'; expected ap_fixed, ap_ufixed, ap_int or ap_uint")
        }

        func integer(_ index: Int, _ what: String) throws -> Int {
            let p = parameters[index]
            guard !p.isEmpty else { throw malformed("missing \(what)") }
            guard let value = Int(p) else { throw malformed("\(what) '\(p)' is not an integer") }
            return value
        }

        let width = try integer(0, "width W")
        if isInteger {
            guard parameters.count == 1 else {
                throw malformed("\(name) takes one parameter, the width: \(name)<W>")
            }
            try self.init(width: width, integerBits: width, isSigned: isSigned)
            return
        }
        guard parameters.count >= 2 else { throw malformed("missing integer bits I: \(name)<W,I>") }
        guard parameters.count <= 5 else {
            throw malformed("too many parameters: \(name)<W,I,Q,O,N> takes at most five")
        }
        let integerBits = try integer(1, "integer bits I")

        var quantization = Quantization.truncate, overflow = Overflow.wrap, saturationBits = 0
        if parameters.count > 2 {
            guard let q = Quantization(rawValue: parameters[2]) else {
                throw parameters[2].isEmpty ? malformed("missing quantization mode")
                    : FixedPointError.unknownQuantization(parameters[2])
            }
            quantization = q
        }
        if parameters.count > 3 {
            guard let o = Overflow(rawValue: parameters[3]) else {
                throw parameters[3].isEmpty ? malformed("missing overflow mode")
                    : FixedPointError.unknownOverflow(parameters[3])
            }
            overflow = o
        }
        if parameters.count > 4 { saturationBits = try integer(4, "saturation bits N") }
        try self.init(width: width, integerBits: integerBits, isSigned: isSigned,
                      quantization: quantization, overflow: overflow, saturationBits: saturationBits)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
