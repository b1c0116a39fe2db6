import FixedPoint

/// Header behaviours that differ from exact arithmetic. The model follows the headers where generated C
/// must agree with them (division); where it does not (comparisons), the case's expected output is the
/// headers' documented answer, so the cross-check still verifies the stated reason.
enum KnownHeaderBug: String, CaseIterable {
    /// The quotient is computed in W1′ bits and wraps when it needs one more (minimum / −1 LSB). The
    /// model follows the headers (see `FixedValue./`).
    case divisionWraps = "division: the quotient wraps in the headers' W1' working bits (model follows the headers)"
    /// With mixed signedness and an aligned operand of 32 bits or more, ap_private compares as C does:
    /// when the unsigned operand is at least as wide, both are compared as unsigned, so a negative
    /// signed value counts as huge; `==` compares the two sign- and zero-extended to max(W, 32) bits
    /// (64 when the widths are equal). The model's comparisons are exact (a total order, by value).
    case cStyleComparison = "comparison: mixed signedness at 32 bits or more compares as C's unsigned (model is exact)"
    /// Converting into a format with more than W2 fewer fraction bits under a rounding mode reads the
    /// "first dropped bit" at index F2 − F − 1, beyond the source's MSB, before checking the index
    /// (ap_fixed_base::operator=), and ap_private's get_bit asserts: built with assertions (g++'s
    /// default), the program stops. The value is not used (qb is the sign there), so without
    /// assertions the result is the model's.
    case conversionAsserts = "conversion: a rounding mode dropping more than W2 bits asserts in the headers (program stops)"

    /// Whether the headers assert converting a value of `source` into `target`.
    static func conversionAsserts(from source: FixedFormat, to target: FixedFormat) -> Bool {
        let rounds = target.quantization != .truncate && !(target.quantization == .truncateToZero && !source.isSigned)
        return rounds && source.fractionBits - target.fractionBits - 1 >= source.width
    }
}

/// What the model says the program prints for a case.
struct ModelAnswer {
    let text: String
    let knownBug: KnownHeaderBug?

    init(_ c: Case, in g: Group) {
        let a = FixedValue(bits: UInt128(c.x), format: g.a)
        let b = FixedValue(bits: UInt128(c.y), format: g.b)
        func hex(_ v: FixedValue) -> String { v.hexText + " " }
        var bug: KnownHeaderBug?
        func converted(_ v: FixedValue) -> String? {
            guard KnownHeaderBug.conversionAsserts(from: v.format, to: g.t) else { return hex(FixedValue(v, as: g.t)) }
            bug = .conversionAsserts
            return nil
        }
        func withTarget(_ r: FixedValue) -> String { converted(r).map { hex(r) + $0 } ?? "assert" }
        switch c.operation {
        case .fromDouble: text = hex(FixedValue(Double(bitPattern: c.x), as: g.t))
        case .convert: text = converted(a) ?? "assert"
        case .add: text = withTarget(a + b)
        case .subtract: text = withTarget(a - b)
        case .multiply: text = withTarget(a * b)
        case .divide:
            let q = a / b
            text = withTarget(q)
            if !q.isZero && q.isNegative != (a.isNegative != b.isNegative) { bug = .divisionWraps }
        case .negate: text = withTarget(-a)
        case .shift: text = hex(a << c.n) + hex(a >> c.n)
        case .compare:
            let exact = [a < b, a <= b, a > b, a >= b, a == b, a != b]
            let header = Self.headerComparison(a, b)
            if header != exact { bug = .cStyleComparison }
            text = header.map { $0 ? "1" : "0" }.joined()
        case .types:
            let types = [try? g.a.sumFormat(with: g.b), try? g.a.differenceFormat(with: g.b),
                         try? g.a.productFormat(with: g.b), try? g.a.quotientFormat(dividingBy: g.b),
                         try? g.a.negationFormat()]
            text = types.map { f in f.map { "\($0.width),\($0.integerBits),\($0.isSigned ? "s" : "u") " } ?? "? " }.joined()
        }
        knownBug = bug
    }

    /// What the headers answer for a < b, <=, >, >=, ==, != (see `KnownHeaderBug.cStyleComparison`).
    /// The operand with fewer fraction bits is first widened to the other's LSB: b to
    /// <W2 + F1 − F2, I2>, or a to <W1 + F2 − F1 + 1, I1 + 1> (sic, one more bit).
    static func headerComparison(_ a: FixedValue, _ b: FixedValue) -> [Bool] {
        let (fa, fb) = (a.format.fractionBits, b.format.fractionBits)
        var (wl, vl) = (a.format.width, a.raw!)
        var (wr, vr) = (b.format.width, b.raw!)
        let (sl, sr) = (a.format.isSigned, b.format.isSigned)
        if fa > fb {
            wr += fa - fb
            vr <<= fa - fb
        } else if fa < fb {
            wl += fb - fa + 1
            vl <<= fb - fa
        }
        let unsignedOrder = sl != sr && !(wl < 32 && wr < 32) && (sl ? wr >= wl : wl >= wr)
        let signsDiffer = (vl < 0) != (vr < 0)
        let less = unsignedOrder && signsDiffer ? vl >= 0 : vl < vr
        let greater = unsignedOrder && signsDiffer ? vl < 0 : vl > vr
        // Equal modulo 2^m: for values of opposite signs, exactly when they are 2^m apart.
        let m = wl == wr && wl <= 64 ? 64 : max(wl, wr, 32)
        let equal = vl == vr || (signsDiffer && m < 127 && (vl < 0 ? vr - vl : vl - vr) == Int128(1) << m)
        return [less, !greater, greater, !less, equal, !equal]
    }
}
