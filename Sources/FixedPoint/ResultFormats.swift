// The full-precision result types of ap_fixed's operators (ap_fixed_base::RType). With F = W − I, and
// I′ = I + 1 for an unsigned operand whose partner is signed (it needs room for a sign bit):
//   a * b   <W1 + W2, I1 + I2>                         signed if either is
//   a + b   I = max(I1′, I2′) + 1, F = max(F1, F2)      signed if either is
//   a - b   as a + b                                    always signed
//   -a      <W + 1, I + 1>                              signed
//   a / b   <W1 + max(F2, 0) + S2, I1 + F2 + S2>         signed if either is (S2 = b is signed)
// Results take the default modes, AP_TRN and AP_WRAP.

extension FixedFormat {
    @inlinable
    public func productFormat(with other: FixedFormat) throws -> FixedFormat {
        try Self.result("\(self) * \(other)", width: width + other.width,
                        integerBits: integerBits + other.integerBits, isSigned: isSigned || other.isSigned)
    }

    @inlinable
    public func sumFormat(with other: FixedFormat) throws -> FixedFormat {
        try additive("\(self) + \(other)", other, isSigned: isSigned || other.isSigned)
    }

    @inlinable
    public func differenceFormat(with other: FixedFormat) throws -> FixedFormat {
        try additive("\(self) - \(other)", other, isSigned: true)
    }

    @inlinable
    public func negationFormat() throws -> FixedFormat {
        try Self.result("-\(self)", width: width + 1, integerBits: integerBits + 1, isSigned: true)
    }

    @inlinable
    public func quotientFormat(dividingBy divisor: FixedFormat) throws -> FixedFormat {
        let s2 = divisor.isSigned ? 1 : 0
        return try Self.result("\(self) / \(divisor)", width: width + max(divisor.fractionBits, 0) + s2,
                               integerBits: integerBits + divisor.fractionBits + s2,
                               isSigned: isSigned || divisor.isSigned)
    }

    @inlinable
    func additive(_ operation: @autoclosure () -> String, _ other: FixedFormat, isSigned: Bool) throws -> FixedFormat {
        let i1 = integerBits + (other.isSigned && !self.isSigned ? 1 : 0)
        let i2 = other.integerBits + (self.isSigned && !other.isSigned ? 1 : 0)
        let i = max(i1, i2) + 1
        return try Self.result(operation(), width: i + max(fractionBits, other.fractionBits), integerBits: i,
                               isSigned: isSigned)
    }

    /// The operation's text is built only for the error.
    @inlinable
    static func result(_ operation: @autoclosure () -> String, width: Int, integerBits: Int,
                               isSigned: Bool) throws -> FixedFormat {
        guard width <= maximumWidth, integerBitsRange.contains(integerBits) else {
            throw FixedPointError.resultTooWide(operation: operation(), width: width, integerBits: integerBits)
        }
        return try FixedFormat(width: width, integerBits: integerBits, isSigned: isSigned)
    }
}
