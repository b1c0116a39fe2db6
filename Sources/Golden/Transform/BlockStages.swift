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
    public let config: DatapathConfig
    public let constants: DCTConstants

    public init(_ config: DatapathConfig) {
        self.config = config
        self.constants = DCTConstants(bits: config.dctConstantBits)
    }

    /// FDCT pass 1 on one row of samples (0...255): level shift, then the row transform.
    @inlinable
    public func forwardRow<A: DatapathArithmetic>(_ samples: Octet<A.Value>, _ a: inout A) -> Octet<A.Value> {
        let shifted = Octet { a.add(samples[$0], constant: -128) }
        let out = forwardDCT8(shifted, pass: .first, constants: constants, pass1Bits: config.fdctPass1Bits, &a)
        return Octet { a.register(out[$0], .fdctWorkspace) }
    }

    /// FDCT pass 2 on one column of the workspace.
    @inlinable
    public func forwardColumn<A: DatapathArithmetic>(_ column: Octet<A.Value>, _ a: inout A) -> Octet<A.Value> {
        let out = forwardDCT8(column, pass: .second, constants: constants, pass1Bits: config.fdctPass1Bits, &a)
        return Octet { a.register(out[$0], .fdctOutput) }
    }

    /// Quantize one coefficient with its table entry (reciprocal form, see `QuantizerEntry`):
    /// sign(x) · (((|x| + c) · f) >> r).
    @inlinable
    public func quantize<A: DatapathArithmetic>(_ x: A.Value, reciprocal f: A.Value, correction c: A.Value,
                                                shift r: A.Value, _ a: inout A) -> A.Value {
        let m = a.shiftRight(a.multiply(a.add(a.magnitude(x), c), f), by: r)
        return a.register(a.applySign(of: x, to: m), .quantized)
    }

    /// Dequantize one coefficient: quantized · q.
    @inlinable
    public func dequantize<A: DatapathArithmetic>(_ q: A.Value, divisor: A.Value, _ a: inout A) -> A.Value {
        a.register(a.multiply(q, divisor), .dequantized)
    }

    /// IDCT pass 1 on one column of dequantized coefficients.
    @inlinable
    public func inverseColumn<A: DatapathArithmetic>(_ column: Octet<A.Value>, _ a: inout A) -> Octet<A.Value> {
        let out = inverseDCT8(column, pass: .first, constants: constants, pass1Bits: config.idctPass1Bits, &a)
        return Octet { a.register(out[$0], .idctWorkspace) }
    }

    /// IDCT pass 2 on one row of the workspace, then the range limit to samples 0...255.
    @inlinable
    public func inverseRow<A: DatapathArithmetic>(_ row: Octet<A.Value>, _ a: inout A) -> Octet<A.Value> {
        let out = inverseDCT8(row, pass: .second, constants: constants, pass1Bits: config.idctPass1Bits, &a)
        return Octet { rangeLimit(a.register(out[$0], .idctOutput), &a) }
    }

    /// libjpeg table: clamp(wrap10(v) + 128, 0, 255), i.e. T[v & 1023]; saturate: clamp(v + 128, 0, 255).
    @inlinable
    public func rangeLimit<A: DatapathArithmetic>(_ v: A.Value, _ a: inout A) -> A.Value {
        switch config.rangeLimit {
        case .libjpegTable:
            return a.register(a.add(a.register(v, .rangeIndex), constant: 128), .sample)
        case .saturate:
            return a.register(a.add(v, constant: 128), .sample)
        }
    }
}
