import CLanes

/// The block passes on eight blocks at once, lane i = block i, through `LaneArithmetic`.
///
/// Rows of eight blocks are loaded and stored through 8×8 transposes, so each lane vector holds one
/// position of the eight blocks. Every pass's inputs are checked against `LaneBounds` (and against the
/// formats of `checkedRegisters`); a batch works on a copy of the evaluator's state, so one that fails
/// any check is forgotten, observations included, and run block by block by the scalar path.
extension BlockCodec {
    /// Blocks per batch.
    static var laneCount: Int { LaneVector.scalarCount }

    /// The registers at the end of a checked pass. The lanes leave them unnarrowed; instead the check
    /// after the pass holds the batch to their format as well as to the next pass's bound, so a value
    /// such a register would have narrowed (and counted) sends the batch to the scalar path.
    static let checkedRegisters: Set<Register> = [.fdctWorkspace, .fdctOutput, .dequantized, .idctWorkspace]

    /// −bound...bound (nil: unbounded) within register `r`'s format.
    func guardRange(_ bound: Int?, _ r: Register?) -> ClosedRange<Int> {
        let format = r.flatMap { config.spec($0).bounds(unsigned: $0.isUnsigned) } ?? Int.min...Int.max
        let b = bound.map { -$0...$0 } ?? Int.min...Int.max
        return max(format.lowerBound, b.lowerBound)...min(format.upperBound, b.upperBound)  // both hold 0
    }

    /// The end of the whole batches in `range`.
    static func lanePart(of range: Range<Int>) -> Int {
        range.lowerBound + range.count / laneCount * laneCount
    }

    /// `table == nil` stops after the FDCT.
    func encodeLaneBatches<T: RangeTracking>(_: T.Type, _ s: UnsafePointer<UInt8>, _ o: UnsafeMutablePointer<Int32>,
                                             _ range: Range<Int>, _ table: QuantTable?, _ report: inout OverflowReport) {
        guard !range.isEmpty else { return }
        var a = LaneArithmetic<T>(config: config, mayOverflow: mayOverflow.subtracting(Self.checkedRegisters))
        let rowGuard = guardRange(laneBounds.fdctColumn, .fdctWorkspace)
        let columnGuard = guardRange(table == nil ? nil : laneBounds.quantize, .fdctOutput)
        let t = EntryTable(table ?? QuantTable(Array(repeating: 1, count: 64)), reciprocalBits: config.quantizerReciprocalBits)
        let splat = { (v: [Int]) in v.map { LaneVector(repeating: Int32(truncatingIfNeeded: $0)) } }
        let (recip, corr, shift) = (splat(t.reciprocal), splat(t.correction), splat(t.shift))
        let quantizing = table != nil
        let stages = self.stages
        withUnsafeTemporaryAllocation(of: LaneVector.self, capacity: 72) { buffer in
        recip.withUnsafeBufferPointer { recip in
        corr.withUnsafeBufferPointer { corr in
        shift.withUnsafeBufferPointer { shift in
            let ws = buffer.baseAddress!, row = ws + 64
            for batch in stride(from: range.lowerBound, to: range.upperBound, by: Self.laneCount) {
                let src = s + batch * 64, dst = o + batch * 64
                // The batch works on a copy of the evaluator's state, kept only when it passes every check.
                var l = a
                var span = LaneSpan()
                for r in 0..<8 {           // pass 1: rows
                    fx_load_rows_u8(src + r * 8, row)
                    let out = stages.forwardRow(Octet(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]), &l)
                    span.include(out)
                    (ws[r * 8], ws[r * 8 + 1], ws[r * 8 + 2], ws[r * 8 + 3]) = (out.v0, out.v1, out.v2, out.v3)
                    (ws[r * 8 + 4], ws[r * 8 + 5], ws[r * 8 + 6], ws[r * 8 + 7]) = (out.v4, out.v5, out.v6, out.v7)
                }
                guard span.within(rowGuard) else {
                    encodeBlocks(T.self, s, o, batch..<batch + Self.laneCount, table, &report)
                    continue
                }
                // Pass 2 (columns) and the quantizer. The quantizer runs before its input is checked;
                // a batch that fails the check is run again by the scalar path, so nothing it computed is kept.
                // Without a quantizer the check still holds the batch to the fdct_output format.
                span = LaneSpan()
                Self.forwardColumns(stages, ws, quantizing ? (recip.baseAddress!, corr.baseAddress!, shift.baseAddress!) : nil,
                                    &span, &l)
                guard span.within(columnGuard) else {
                    encodeBlocks(T.self, s, o, batch..<batch + Self.laneCount, table, &report)
                    continue
                }
                a = l
                for r in 0..<8 { fx_store_rows_i32(dst + r * 8, ws + r * 8) }
            }
        }}}}
        a.accumulate(into: &report)
    }

    func decodeLaneBatches<T: RangeTracking>(_: T.Type, _ c: UnsafePointer<Int32>, _ o: UnsafeMutablePointer<UInt8>,
                                             _ range: Range<Int>, _ table: QuantTable, _ report: inout OverflowReport) {
        guard !range.isEmpty else { return }
        var a = LaneArithmetic<T>(config: config, mayOverflow: mayOverflow.subtracting(Self.checkedRegisters))
        let coefficientGuard = guardRange(laneBounds.coefficient, nil)
        let dequantizedGuard = guardRange(laneBounds.idctColumn, .dequantized)
        let rowGuard = guardRange(laneBounds.idctRow, .idctWorkspace)
        let divisor = EntryTable(table, reciprocalBits: config.quantizerReciprocalBits).divisor
            .map { LaneVector(repeating: Int32(truncatingIfNeeded: $0)) }
        let stages = self.stages
        withUnsafeTemporaryAllocation(of: LaneVector.self, capacity: 128) { buffer in
        divisor.withUnsafeBufferPointer { divisor in
            let coefficients = buffer.baseAddress!, ws = coefficients + 64
            for batch in stride(from: range.lowerBound, to: range.upperBound, by: Self.laneCount) {
                let src = c + batch * 64, dst = o + batch * 64
                var span = LaneSpan()
                for r in 0..<8 {
                    fx_load_rows_i32(src + r * 8, coefficients + r * 8)
                    span.include(Octet(coefficients[r * 8], coefficients[r * 8 + 1], coefficients[r * 8 + 2],
                                       coefficients[r * 8 + 3], coefficients[r * 8 + 4], coefficients[r * 8 + 5],
                                       coefficients[r * 8 + 6], coefficients[r * 8 + 7]))
                }
                // Checked before dequantizing, then before each IDCT pass; a batch that fails is forgotten
                // (it works on a copy, as in the encoder).
                var l = a
                var fits = span.within(coefficientGuard)
                if fits {
                    span = LaneSpan()
                    for i in 0..<64 {
                        coefficients[i] = stages.dequantize(coefficients[i], divisor: divisor[i], &l)
                        span.include(coefficients[i])
                    }
                    fits = span.within(dequantizedGuard)
                }
                if fits {
                    span = LaneSpan()
                    let d = coefficients
                    for col in 0..<8 {     // pass 1: columns
                        let out = stages.inverseColumn(Octet(d[col], d[8 + col], d[16 + col], d[24 + col],
                                                             d[32 + col], d[40 + col], d[48 + col], d[56 + col]), &l)
                        span.include(out)
                        (ws[col], ws[8 + col], ws[16 + col], ws[24 + col]) = (out.v0, out.v1, out.v2, out.v3)
                        (ws[32 + col], ws[40 + col], ws[48 + col], ws[56 + col]) = (out.v4, out.v5, out.v6, out.v7)
                    }
                    fits = span.within(rowGuard)
                }
                guard fits else {
                    decodeBlocks(T.self, c, o, batch..<batch + Self.laneCount, table, &report)
                    continue
                }
                Self.inverseRows(stages, ws, dst, &l)
                a = l
            }
        }}
        a.accumulate(into: &report)
    }
}

extension BlockCodec {
    /// FDCT pass 2 on the eight columns of a batch's workspace, then the quantizer when given its
    /// table (reciprocal, correction, shift), in place. A function of its own so that the optimizer
    /// inlines the kernels into this small loop.
    @inline(never)
    static func forwardColumns<T: RangeTracking>(_ stages: BlockStages, _ ws: UnsafeMutablePointer<LaneVector>,
                                                _ table: (UnsafePointer<LaneVector>, UnsafePointer<LaneVector>, UnsafePointer<LaneVector>)?,
                                                _ span: inout LaneSpan, _ arithmetic: inout LaneArithmetic<T>) {
        var a = arithmetic             // a local copy stays in registers
        defer { arithmetic = a }
        for c in 0..<8 {
            let out = stages.forwardColumn(Octet(ws[c], ws[8 + c], ws[16 + c], ws[24 + c],
                                                 ws[32 + c], ws[40 + c], ws[48 + c], ws[56 + c]), &a)
            span.include(out)
            guard let (recip, corr, shift) = table else {
                (ws[c], ws[8 + c], ws[16 + c], ws[24 + c]) = (out.v0, out.v1, out.v2, out.v3)
                (ws[32 + c], ws[40 + c], ws[48 + c], ws[56 + c]) = (out.v4, out.v5, out.v6, out.v7)
                continue
            }
            // Written out: a loop over out[u] compiles to a jump table per coefficient.
            @inline(__always) func q(_ x: LaneVector, _ u: Int) {
                let i = u * 8 + c
                ws[i] = stages.quantize(x, reciprocal: recip[i], correction: corr[i], shift: shift[i], &a)
            }
            q(out.v0, 0); q(out.v1, 1); q(out.v2, 2); q(out.v3, 3)
            q(out.v4, 4); q(out.v5, 5); q(out.v6, 6); q(out.v7, 7)
        }
    }

    /// IDCT pass 2 on the eight rows of a batch's workspace, stored as samples. A function of its own
    /// so that the optimizer inlines the kernel into this small loop.
    @inline(never)
    static func inverseRows<T: RangeTracking>(_ stages: BlockStages, _ ws: UnsafeMutablePointer<LaneVector>,
                                             _ dst: UnsafeMutablePointer<UInt8>,
                                             _ arithmetic: inout LaneArithmetic<T>) {
        var a = arithmetic
        defer { arithmetic = a }
        for r in 0..<8 {
            let w = ws + r * 8
            let out = stages.inverseRow(Octet(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]), &a)
            fx_store_samples(dst + r * 8, out.v0, out.v1, out.v2, out.v3, out.v4, out.v5, out.v6, out.v7)
        }
    }
}

/// The smallest and largest value of a batch's signals, lane by lane, for the `LaneBounds` checks.
struct LaneSpan {
    var lo = LaneVector(repeating: .max), hi = LaneVector(repeating: .min)

    @inline(__always) mutating func include(_ v: LaneVector) {
        lo = fx_min(lo, v)
        hi = fx_max(hi, v)
    }

    @inline(__always) mutating func include(_ o: Octet<LaneVector>) {
        lo = fx_min(fx_min(fx_min(lo, o.v0), fx_min(o.v1, o.v2)), fx_min(fx_min(o.v3, o.v4), fx_min(o.v5, fx_min(o.v6, o.v7))))
        hi = fx_max(fx_max(fx_max(hi, o.v0), fx_max(o.v1, o.v2)), fx_max(fx_max(o.v3, o.v4), fx_max(o.v5, fx_max(o.v6, o.v7))))
    }

    /// Every value in `range`.
    @inline(__always) func within(_ range: ClosedRange<Int>) -> Bool {
        Int(fx_reduce_min(lo)[0]) >= range.lowerBound && Int(fx_reduce_max(hi)[0]) <= range.upperBound
    }
}
