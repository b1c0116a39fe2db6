// Placing an exact value x = a · 2^-F2 into a format (W, I, F = W − I), as ap_fixed's constructors
// and assignment do:
//   t = floor(x · 2^F)                         (a shifted by d = F − F2; exact when d ≥ 0)
//   q = t + 1 if the quantization mode says so (from qb = bit −d−1 of a, r = bits below it, s = a < 0)
//   q in [minRaw, maxRaw]: stored as is; otherwise the overflow mode decides.
// The headers' bit-level procedure (ap_fixed_base::operator=, quantization_adjust, overflow_adjust)
// computes exactly this; the cross-check test holds the model to it.

extension FixedFormat {
    /// Places the exact value `raw · 2^-fractionBits` into this format: rounds with this format's
    /// quantization, then applies its overflow handling. Returns the stored integer in this format's
    /// LSB units (sign-extended) and whether overflow handling changed the rounded value.
    ///
    /// The golden model's inner-loop primitive: no allocation, Int arithmetic only. Exact for every
    /// `raw` and `fractionBits` when `fitsInt` (signed W ≤ 64, unsigned W ≤ 63).
    @inlinable
    public func fit(raw: Int, fractionBits sourceFractionBits: Int) -> (value: Int, overflowed: Bool) {
        precondition(fitsInt, "fit(raw:fractionBits:) needs a format whose values fit an Int, not \(self)")
        return place(raw, fractionBits: sourceFractionBits, min: minRaw, max: maxRaw)
    }

    /// `fit` for any exact integer type; `min`/`max` are this format's bounds in that type.
    @inlinable
    func place<T: ExactInteger>(_ a: T, fractionBits sourceFractionBits: Int,
                                min: T, max: T) -> (value: T, overflowed: Bool) {
        let d = fractionBits - sourceFractionBits
        var q: T
        var qIsExact = true
        if d >= 0 {
            q = a.shiftedLeft(by: d)                 // no bits dropped, no rounding
            qIsExact = q.shiftedRight(by: d) == a
        } else {
            q = a.shiftedRight(by: -d)
            // Data-dependent, so written to select rather than branch.
            let roundsUp = quantization != .truncate
                && quantization.roundsUp(firstDropped: a.bit(-d - 1), restDropped: a.hasBits(below: -d - 1),
                                         negative: a.isNegative, lsb: q.bit(0))
            q = roundsUp ? q.incremented() : q
        }
        if qIsExact && q >= min && q <= max && !(overflow == .saturateSymmetric && isSigned && q == min) {
            return (q, false)
        }
        // Out of range (or AP_SAT_SYM's excluded minimum). When q did not fit T, its sign is a's.
        let negative = qIsExact ? q.isNegative : a.isNegative
        let stored: T
        switch overflow {
        case .saturate:
            stored = negative ? min : max
        case .saturateToZero:
            stored = .zero
        case .saturateSymmetric:
            // Signed: −(2^(W−1) − 1), which the headers build as the pattern 10…01 (so W = 1 gives −1).
            stored = !negative ? max : isSigned ? T(pattern: lowestSymmetricPattern(), width: width, signed: true) : min
        case .wrap, .wrapSignMagnitude:
            let wrapped = q.lowBits(width)
            let rewritten = overflow == .wrap && saturationBits == 0 ? wrapped
                : rewriteWrapped(wrapped, negative: negative, bitAboveWidth: a.bit(width - d))
            stored = T(pattern: rewritten, width: width, signed: isSigned)
        }
        return (stored, !(qIsExact && stored == q))
    }

    @usableFromInline
    func lowestSymmetricPattern<P: FixedWidthInteger & UnsignedInteger>() -> P {
        (1 << (width - 1)) | 1
    }

    /// AP_WRAP with N > 0 and AP_WRAP_SM, on w = the low W bits of the rounded value; s = it is
    /// negative; lD = bit W of floor(x·2^F) before rounding.
    ///   AP_WRAP, signed:    MSB := s, bits [W−N, W−2] := !s.   Unsigned: bits [W−N, W−1] := 1.
    ///   AP_WRAP_SM, N = 0:  if lD ≠ MSB(w): w := ~w (so MSB := lD).
    ///              N = 1:  if s ≠ MSB(w): w := ~w.
    ///              N ≥ 2:  if bit W−N of w = s: w := ~w; then bits [W−N, W−2] := !s, MSB := s.
    @usableFromInline
    func rewriteWrapped<P: FixedWidthInteger & UnsignedInteger>(_ w: P, negative s: Bool, bitAboveWidth lD: Bool) -> P {
        let all: P = P.max >> (P.bitWidth - width)
        let msb: P = 1 << (width - 1)
        let n = saturationBits
        let belowMSB: P = n >= 2 ? ((1 << (n - 1)) &- 1) << (width - n) : 0   // bits [W−N, W−2]
        func withSign(_ v: P) -> P {
            let v = s ? v | msb : v & ~msb
            return s ? v & ~belowMSB : v | belowMSB
        }
        if overflow == .wrap {
            return isSigned ? withSign(w) : w | (belowMSB | msb)
        }
        let msbSet = w & msb != 0
        switch n {
        case 0: return lD != msbSet ? ~w & all : w
        case 1: return s != msbSet ? ~w & all : w
        default: return withSign((w >> (width - n)) & 1 != 0 ? (s ? ~w & all : w) : (s ? w : ~w & all))
        }
    }
}

extension FixedFormat.Quantization {
    /// Whether rounding adds one LSB to t = floor(x·2^F) (the table beside the cases).
    @inlinable
    func roundsUp(firstDropped qb: Bool, restDropped r: Bool, negative s: Bool, lsb: Bool) -> Bool {
        switch self {
        case .truncate: false
        case .truncateToZero: s && (qb || r)
        case .round: qb
        case .roundToZero: qb && (s || r)
        case .roundToMinusInfinity: qb && r
        case .roundToInfinity: qb && (!s || r)
        case .convergent: qb && (lsb || r)
        }
    }
}
