/// The stages of the 8×8 block datapath, each written once over `DatapathArithmetic`:
///
///   encode: sample − 128 → FDCT rows → [fdct_workspace] → FDCT columns → [fdct_output]
///           → quantize → [quantized]
///   decode: [quantized] → × q → [dequantized] → IDCT columns → [idct_workspace] → IDCT rows
///           → [idct_output] → range limit → [sample]
///
/// Brackets are registers (`Register`): the only places a value is narrowed. Blocks are in raster
/// order within the block (row-major, "natural" order), never zigzag.
public struct BlockStages: Sendable, Hashable {
    // Plain values only (no strings or collections), so the inner loops copy nothing that is counted.
    public let constants: DCTConstants
    public let fdctPass1Bits: Int
    public let idctPass1Bits: Int
    public let rangeLimit: DatapathConfig.RangeLimit

    public init(_ config: DatapathConfig) {
        constants = DCTConstants(bits: config.dctConstantBits)
        fdctPass1Bits = config.fdctPass1Bits
        idctPass1Bits = config.idctPass1Bits
        rangeLimit = config.rangeLimit
    }

    /// FDCT pass 1 on one row of samples (0...255): level shift, then the row transform.
    @inlinable @inline(__always)
    public func forwardRow<A: DatapathArithmetic>(_ samples: Octet<A.Value>, _ a: inout A) -> Octet<A.Value> {
        let shifted = Octet(a.add(samples.v0, constant: -128), a.add(samples.v1, constant: -128),
                            a.add(samples.v2, constant: -128), a.add(samples.v3, constant: -128),
                            a.add(samples.v4, constant: -128), a.add(samples.v5, constant: -128),
                            a.add(samples.v6, constant: -128), a.add(samples.v7, constant: -128))
        let out = forwardDCT8(shifted, pass: .first, constants: constants, pass1Bits: fdctPass1Bits, &a)
        return register(out, .fdctWorkspace, &a)
    }

    /// FDCT pass 2 on one column of the workspace.
    @inlinable @inline(__always)
    public func forwardColumn<A: DatapathArithmetic>(_ column: Octet<A.Value>, _ a: inout A) -> Octet<A.Value> {
        let out = forwardDCT8(column, pass: .second, constants: constants, pass1Bits: fdctPass1Bits, &a)
        return register(out, .fdctOutput, &a)
    }

    /// Quantize one coefficient with its table entry (reciprocal form, see `QuantizerEntry`):
    /// sign(x) · (((|x| + c) · f) >> r).
    @inlinable @inline(__always)
    public func quantize<A: DatapathArithmetic>(_ x: A.Value, reciprocal f: A.Value, correction c: A.Value,
                                                shift r: A.Value, _ a: inout A) -> A.Value {
        let m = a.shiftRight(a.multiply(a.add(a.magnitude(x), c), f), by: r)
        return a.register(a.applySign(of: x, to: m), .quantized)
    }

    /// Dequantize one coefficient: quantized · q.
    @inlinable @inline(__always)
    public func dequantize<A: DatapathArithmetic>(_ q: A.Value, divisor: A.Value, _ a: inout A) -> A.Value {
        a.register(a.multiply(q, divisor), .dequantized)
    }

    /// IDCT pass 1 on one column of dequantized coefficients.
    @inlinable @inline(__always)
    public func inverseColumn<A: DatapathArithmetic>(_ column: Octet<A.Value>, _ a: inout A) -> Octet<A.Value> {
        let out = inverseDCT8(column, pass: .first, constants: constants, pass1Bits: idctPass1Bits, &a)
        return register(out, .idctWorkspace, &a)
    }

    /// IDCT pass 2 on one row of the workspace, then the range limit to samples 0...255.
    @inlinable @inline(__always)
    public func inverseRow<A: DatapathArithmetic>(_ row: Octet<A.Value>, _ a: inout A) -> Octet<A.Value> {
        let out = inverseDCT8(row, pass: .second, constants: constants, pass1Bits: idctPass1Bits, &a)
        let o = register(out, .idctOutput, &a)
        return Octet(rangeLimit(o.v0, &a), rangeLimit(o.v1, &a), rangeLimit(o.v2, &a), rangeLimit(o.v3, &a),
                     rangeLimit(o.v4, &a), rangeLimit(o.v5, &a), rangeLimit(o.v6, &a), rangeLimit(o.v7, &a))
    }

    @inlinable @inline(__always)
    func register<A: DatapathArithmetic>(_ o: Octet<A.Value>, _ r: Register, _ a: inout A) -> Octet<A.Value> {
        Octet(a.register(o.v0, r), a.register(o.v1, r), a.register(o.v2, r), a.register(o.v3, r),
              a.register(o.v4, r), a.register(o.v5, r), a.register(o.v6, r), a.register(o.v7, r))
    }

    /// libjpeg table: clamp(wrap10(v) + 128, 0, 255), i.e. T[v & 1023]; saturate: clamp(v + 128, 0, 255).
    @inlinable @inline(__always)
    public func rangeLimit<A: DatapathArithmetic>(_ v: A.Value, _ a: inout A) -> A.Value {
        switch rangeLimit {
        case .libjpegTable:
            return a.register(a.add(a.register(v, .rangeIndex), constant: 128), .sample)
        case .saturate:
            return a.register(a.add(v, constant: 128), .sample)
        }
    }
}
