import Foundation

/// Runs the block datapath over many 8×8 blocks: 64 values per block, row-major within the block,
/// blocks one after another. This is the unit the HLS and Verilog cores implement and the unit every
/// co-simulation compares.
public struct BlockCodec: Sendable {
    public let config: DatapathConfig
    public let graphs: KernelGraphs
    public let stages: BlockStages
    let mayOverflow: Set<Register>

    public init(_ config: DatapathConfig) throws {
        self.config = config
        self.graphs = try KernelGraphs(config)
        self.stages = BlockStages(config)
        self.mayOverflow = graphs.registersThatMayOverflow
    }

    /// Samples (0...255) → quantized coefficients.
    public func encode(samples: [UInt8], table: QuantTable, trackRanges: Bool = true,
                       threads: Int = 1) -> (coefficients: [Int32], report: OverflowReport) {
        precondition(samples.count % 64 == 0)
        var out = [Int32](repeating: 0, count: samples.count)
        let report = samples.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                run(blocks: samples.count / 64, threads: threads) { range, report in
                    encode(s.baseAddress!, o.baseAddress!, range, table, trackRanges, &report)
                }
            }
        }
        return (out, report)
    }

    /// Samples (0...255) → FDCT outputs (the fdct_output register: 8 × the orthonormal DCT), unquantized.
    public func forwardTransform(samples: [UInt8], threads: Int = 1) -> (coefficients: [Int32], report: OverflowReport) {
        precondition(samples.count % 64 == 0)
        var out = [Int32](repeating: 0, count: samples.count)
        let report = samples.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                run(blocks: samples.count / 64, threads: threads) { range, report in
                    encode(s.baseAddress!, o.baseAddress!, range, nil, true, &report)
                }
            }
        }
        return (out, report)
    }

    /// Quantized coefficients → samples (0...255).
    public func decode(coefficients: [Int32], table: QuantTable, trackRanges: Bool = true,
                       threads: Int = 1) -> (samples: [UInt8], report: OverflowReport) {
        precondition(coefficients.count % 64 == 0)
        var out = [UInt8](repeating: 0, count: coefficients.count)
        let report = coefficients.withUnsafeBufferPointer { c in
            out.withUnsafeMutableBufferPointer { o in
                run(blocks: coefficients.count / 64, threads: threads) { range, report in
                    decode(c.baseAddress!, o.baseAddress!, range, table, trackRanges, &report)
                }
            }
        }
        return (out, report)
    }

    // MARK: batches of eight blocks

    /// Splits the blocks into contiguous chunks, one per thread, each with its own report.
    func run(blocks: Int, threads: Int, _ body: (Range<Int>, inout OverflowReport) -> Void) -> OverflowReport {
        let reports = ReportBox(count: max(1, threads))
        parallelChunks(blocks, threads: threads, minimumChunk: 64) { range in
            var report = OverflowReport()
            body(range, &report)
            reports.add(report)
        }
        return reports.merged()
    }

    /// `table == nil` stops after the FDCT.
    func encode(_ s: UnsafePointer<UInt8>, _ o: UnsafeMutablePointer<Int32>, _ range: Range<Int>,
                _ table: QuantTable?, _ track: Bool, _ report: inout OverflowReport) {
        switch (graphs.encodeWidth <= 32, track) {
        case (true, true): encodeBatches(SIMD8<Int32>.self, TrackRanges.self, s, o, range, table, &report)
        case (true, false): encodeBatches(SIMD8<Int32>.self, CountOverflowsOnly.self, s, o, range, table, &report)
        case (false, true): encodeBatches(SIMD8<Int64>.self, TrackRanges.self, s, o, range, table, &report)
        case (false, false): encodeBatches(SIMD8<Int64>.self, CountOverflowsOnly.self, s, o, range, table, &report)
        }
    }

    func decode(_ c: UnsafePointer<Int32>, _ o: UnsafeMutablePointer<UInt8>, _ range: Range<Int>,
                _ table: QuantTable, _ track: Bool, _ report: inout OverflowReport) {
        switch (graphs.decodeWidth <= 32, track) {
        case (true, true): decodeBatches(SIMD8<Int32>.self, TrackRanges.self, c, o, range, table, &report)
        case (true, false): decodeBatches(SIMD8<Int32>.self, CountOverflowsOnly.self, c, o, range, table, &report)
        case (false, true): decodeBatches(SIMD8<Int64>.self, TrackRanges.self, c, o, range, table, &report)
        case (false, false): decodeBatches(SIMD8<Int64>.self, CountOverflowsOnly.self, c, o, range, table, &report)
        }
    }

    /// The table as lane vectors, one per coefficient position.
    struct LaneTable<V: SIMD> where V.Scalar: FixedWidthInteger & SignedInteger {
        var divisor: [V], reciprocal: [V], correction: [V], shift: [V]
        init(_ table: QuantTable, reciprocalBits: Int) {
            let entries = table.values.map { QuantizerEntry(q: $0, reciprocalBits: reciprocalBits) }
            func splat(_ x: Int) -> V { V(repeating: V.Scalar(truncatingIfNeeded: x)) }
            divisor = entries.map { splat($0.divisor) }
            reciprocal = entries.map { splat($0.reciprocal) }
            correction = entries.map { splat($0.correction) }
            shift = entries.map { splat($0.shift) }
        }
    }

    /// Copies up to eight blocks into lane layout (position-major: lane b of vector p is value p of
    /// block b). Missing lanes repeat the first block so they never widen a min/max.
    @inline(__always)
    func gather<V: SIMD, S>(_ src: UnsafePointer<S>, first: Int, count: Int, into buf: UnsafeMutablePointer<V>,
                            _ convert: (S) -> V.Scalar) {
        let lanes = UnsafeMutableRawPointer(buf).assumingMemoryBound(to: V.Scalar.self)
        for b in 0..<8 {
            let block = src + (first + (b < count ? b : 0)) * 64
            for p in 0..<64 { lanes[p * 8 + b] = convert(block[p]) }
        }
    }

    @inline(__always)
    func scatter<V: SIMD, D>(_ buf: UnsafePointer<V>, first: Int, count: Int, to dst: UnsafeMutablePointer<D>,
                             _ convert: (V.Scalar) -> D) {
        let lanes = UnsafeRawPointer(buf).assumingMemoryBound(to: V.Scalar.self)
        for b in 0..<count {
            let block = dst + (first + b) * 64
            for p in 0..<64 { block[p] = convert(lanes[p * 8 + b]) }
        }
    }

    static func validLanes<V: SIMD>(_ count: Int) -> V where V.Scalar: FixedWidthInteger {
        var v = V(repeating: 0)
        for i in 0..<count { v[i] = 1 }
        return v
    }

    func encodeBatches<V: SIMD, T: RangeTracking>(_: V.Type, _: T.Type, _ s: UnsafePointer<UInt8>,
                                                  _ o: UnsafeMutablePointer<Int32>, _ range: Range<Int>,
                                                  _ table: QuantTable?, _ report: inout OverflowReport)
    where V.Scalar: FixedWidthInteger & SignedInteger {
        var a = LaneArithmetic<V, T>(config: config, mayOverflow: mayOverflow)
        let t = LaneTable<V>(table ?? QuantTable(Array(repeating: 1, count: 64)),
                             reciprocalBits: config.quantizerReciprocalBits)
        let quantizing = table != nil
        let buf = UnsafeMutablePointer<V>.allocate(capacity: 128)
        defer { buf.deallocate() }
        let ws = buf + 64
        t.reciprocal.withUnsafeBufferPointer { recip in
        t.correction.withUnsafeBufferPointer { corr in
        t.shift.withUnsafeBufferPointer { shift in
            var first = range.lowerBound
            while first < range.upperBound {
                let count = min(8, range.upperBound - first)
                a.valid = Self.validLanes(count)
                gather(s, first: first, count: count, into: buf) { V.Scalar(truncatingIfNeeded: $0) }
                for r in 0..<8 {           // pass 1: rows
                    let out = stages.forwardRow(Octet { buf[r * 8 + $0] }, &a)
                    for k in 0..<8 { ws[r * 8 + k] = out[k] }
                }
                for c in 0..<8 {           // pass 2: columns
                    let out = stages.forwardColumn(Octet { ws[$0 * 8 + c] }, &a)
                    for u in 0..<8 { buf[u * 8 + c] = out[u] }
                }
                for i in 0..<64 where quantizing {
                    buf[i] = stages.quantize(buf[i], reciprocal: recip[i], correction: corr[i], shift: shift[i], &a)
                }
                scatter(buf, first: first, count: count, to: o) { Int32(truncatingIfNeeded: $0) }
                first += count
            }
        }}}
        a.accumulate(into: &report)
    }

    func decodeBatches<V: SIMD, T: RangeTracking>(_: V.Type, _: T.Type, _ c: UnsafePointer<Int32>,
                                                  _ o: UnsafeMutablePointer<UInt8>, _ range: Range<Int>,
                                                  _ table: QuantTable, _ report: inout OverflowReport)
    where V.Scalar: FixedWidthInteger & SignedInteger {
        var a = LaneArithmetic<V, T>(config: config, mayOverflow: mayOverflow)
        let t = LaneTable<V>(table, reciprocalBits: config.quantizerReciprocalBits)
        let buf = UnsafeMutablePointer<V>.allocate(capacity: 128)
        defer { buf.deallocate() }
        let ws = buf + 64
        t.divisor.withUnsafeBufferPointer { divisor in
            var first = range.lowerBound
            while first < range.upperBound {
                let count = min(8, range.upperBound - first)
                a.valid = Self.validLanes(count)
                gather(c, first: first, count: count, into: buf) { V.Scalar(truncatingIfNeeded: $0) }
                for i in 0..<64 { buf[i] = stages.dequantize(buf[i], divisor: divisor[i], &a) }
                for col in 0..<8 {         // pass 1: columns
                    let out = stages.inverseColumn(Octet { buf[$0 * 8 + col] }, &a)
                    for k in 0..<8 { ws[k * 8 + col] = out[k] }
                }
                for r in 0..<8 {           // pass 2: rows
                    let out = stages.inverseRow(Octet { ws[r * 8 + $0] }, &a)
                    for k in 0..<8 { buf[r * 8 + k] = out[k] }
                }
                scatter(buf, first: first, count: count, to: o) { UInt8(truncatingIfNeeded: $0) }
                first += count
            }
        }
        a.accumulate(into: &report)
    }
}

/// Per-thread reports, merged after a parallel run.
final class ReportBox: @unchecked Sendable {
    private var reports: [OverflowReport] = []
    private let lock = NSLock()
    init(count: Int) { reports.reserveCapacity(count) }
    func add(_ r: OverflowReport) { lock.lock(); reports.append(r); lock.unlock() }
    func merged() -> OverflowReport {
        var all = OverflowReport()
        for r in reports { all.merge(r) }
        return all
    }
}
