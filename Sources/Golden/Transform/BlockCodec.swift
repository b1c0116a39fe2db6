import Foundation

/// Runs the block datapath over many 8×8 blocks: 64 values per block, row-major within the block,
/// blocks one after another. This is the unit the HLS and Verilog cores implement and the unit every
/// co-simulation compares.
public struct BlockCodec: Sendable {
    public let config: DatapathConfig
    public let graphs: KernelGraphs
    public let stages: BlockStages
    let mayOverflow: Set<Register>
    /// The input magnitudes up to which each kernel stays within 32-bit lanes.
    public let laneBounds: LaneBounds
    /// Run whole batches of eight blocks in `LaneArithmetic` (the default) or every block in
    /// `ScalarArithmetic`. The results and reports are the same; the tests compare the two.
    public var usesLanes = true

    public init(_ config: DatapathConfig) throws {
        self.config = config
        self.graphs = try KernelGraphs(config)
        self.stages = BlockStages(config)
        self.mayOverflow = graphs.registersThatMayOverflow
        self.laneBounds = LaneBounds(graphs)
    }

    /// Samples (0...255) → quantized coefficients.
    public func encode(samples: [UInt8], table: QuantTable, trackRanges: Bool = true,
                       threads: Int = 1) -> (coefficients: [Int32], report: OverflowReport) {
        // Every coefficient is written (by the threads, which also take the first touch of the pages).
        var report = OverflowReport()
        let out = [Int32](largeUninitialized: samples.count) { o in
            report = samples.withUnsafeBufferPointer { encode(samples: $0, into: o, table: table, trackRanges: trackRanges, threads: threads) }
        }
        return (out, report)
    }

    /// The same into a buffer the caller owns (as many values as samples).
    public func encode(samples: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Int32>, table: QuantTable,
                       trackRanges: Bool = true, threads: Int = 1) -> OverflowReport {
        encodeAll(samples, out, table, trackRanges, threads)
    }

    /// Samples (0...255) → FDCT outputs (the fdct_output register: 8 × the orthonormal DCT), unquantized.
    public func forwardTransform(samples: [UInt8], threads: Int = 1) -> (coefficients: [Int32], report: OverflowReport) {
        var out = [Int32](repeating: 0, count: samples.count)
        let report = samples.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { encodeAll(s, $0, nil, true, threads) }
        }
        return (out, report)
    }

    /// `table == nil` stops after the FDCT.
    func encodeAll(_ s: UnsafeBufferPointer<UInt8>, _ o: UnsafeMutableBufferPointer<Int32>, _ table: QuantTable?,
                   _ track: Bool, _ threads: Int) -> OverflowReport {
        precondition(s.count % 64 == 0 && o.count == s.count)
        guard !s.isEmpty else { return OverflowReport() }
        return run(blocks: s.count / 64, threads: threads) { range, report in
            encode(s.baseAddress!, o.baseAddress!, range, table, track, &report)
        }
    }

    /// Quantized coefficients → samples (0...255).
    public func decode(coefficients: [Int32], table: QuantTable, trackRanges: Bool = true,
                       threads: Int = 1) -> (samples: [UInt8], report: OverflowReport) {
        // Every sample is written (by the threads).
        var report = OverflowReport()
        let out = [UInt8](largeUninitialized: coefficients.count) { o in
            report = coefficients.withUnsafeBufferPointer { decode(coefficients: $0, into: o, table: table, trackRanges: trackRanges, threads: threads) }
        }
        return (out, report)
    }

    /// The same into a buffer the caller owns (as many samples as coefficients).
    public func decode(coefficients c: UnsafeBufferPointer<Int32>, into o: UnsafeMutableBufferPointer<UInt8>,
                       table: QuantTable, trackRanges: Bool = true, threads: Int = 1) -> OverflowReport {
        precondition(c.count % 64 == 0 && o.count == c.count)
        guard !c.isEmpty else { return OverflowReport() }
        return run(blocks: c.count / 64, threads: threads) { range, report in
            decode(c.baseAddress!, o.baseAddress!, range, table, trackRanges, &report)
        }
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
    /// Whole batches of eight go through the lanes (each checked against `laneBounds`), the remainder
    /// block by block.
    func encode(_ s: UnsafePointer<UInt8>, _ o: UnsafeMutablePointer<Int32>, _ range: Range<Int>,
                _ table: QuantTable?, _ track: Bool, _ report: inout OverflowReport) {
        let split = usesLanes && laneBounds.encodes ? Self.lanePart(of: range) : range.lowerBound
        if track {
            encodeLaneBatches(TrackRanges.self, s, o, range.lowerBound..<split, table, &report)
            encodeBlocks(TrackRanges.self, s, o, split..<range.upperBound, table, &report)
        } else {
            encodeLaneBatches(CountOverflowsOnly.self, s, o, range.lowerBound..<split, table, &report)
            encodeBlocks(CountOverflowsOnly.self, s, o, split..<range.upperBound, table, &report)
        }
    }

    func decode(_ c: UnsafePointer<Int32>, _ o: UnsafeMutablePointer<UInt8>, _ range: Range<Int>,
                _ table: QuantTable, _ track: Bool, _ report: inout OverflowReport) {
        let split = usesLanes && laneBounds.decodes ? Self.lanePart(of: range) : range.lowerBound
        if track {
            decodeLaneBatches(TrackRanges.self, c, o, range.lowerBound..<split, table, &report)
            decodeBlocks(TrackRanges.self, c, o, split..<range.upperBound, table, &report)
        } else {
            decodeLaneBatches(CountOverflowsOnly.self, c, o, range.lowerBound..<split, table, &report)
            decodeBlocks(CountOverflowsOnly.self, c, o, split..<range.upperBound, table, &report)
        }
    }


    /// The table's quantizer entries as four arrays, one entry per coefficient position.
    struct EntryTable {
        var divisor: [Int], reciprocal: [Int], correction: [Int], shift: [Int]
        init(_ table: QuantTable, reciprocalBits: Int) {
            let entries = table.values.map { QuantizerEntry(q: $0, reciprocalBits: reciprocalBits) }
            divisor = entries.map(\.divisor)
            reciprocal = entries.map(\.reciprocal)
            correction = entries.map(\.correction)
            shift = entries.map(\.shift)
        }
    }

    func encodeBlocks<T: RangeTracking>(_: T.Type, _ s: UnsafePointer<UInt8>, _ o: UnsafeMutablePointer<Int32>,
                                        _ range: Range<Int>, _ table: QuantTable?, _ report: inout OverflowReport) {
        guard !range.isEmpty else { return }
        var a = ScalarArithmetic<T>(config: config, mayOverflow: mayOverflow)
        let t = EntryTable(table ?? QuantTable(Array(repeating: 1, count: 64)), reciprocalBits: config.quantizerReciprocalBits)
        let quantizing = table != nil
        let stages = self.stages
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { ws in
        t.reciprocal.withUnsafeBufferPointer { recip in
        t.correction.withUnsafeBufferPointer { corr in
        t.shift.withUnsafeBufferPointer { shift in
            for block in range {
                let src = s + block * 64, dst = o + block * 64
                for r in 0..<8 {           // pass 1: rows
                    let row = src + r * 8
                    let out = stages.forwardRow(Octet(Int(row[0]), Int(row[1]), Int(row[2]), Int(row[3]),
                                                      Int(row[4]), Int(row[5]), Int(row[6]), Int(row[7])), &a)
                    for k in 0..<8 { ws[r * 8 + k] = out[k] }
                }
                for c in 0..<8 {           // pass 2: columns
                    let out = stages.forwardColumn(Octet(ws[c], ws[8 + c], ws[16 + c], ws[24 + c],
                                                         ws[32 + c], ws[40 + c], ws[48 + c], ws[56 + c]), &a)
                    for u in 0..<8 { ws[u * 8 + c] = out[u] }
                }
                if quantizing {
                    for i in 0..<64 {
                        let q = stages.quantize(ws[i], reciprocal: recip[i], correction: corr[i], shift: shift[i], &a)
                        dst[i] = Int32(truncatingIfNeeded: q)
                    }
                } else {
                    for i in 0..<64 { dst[i] = Int32(truncatingIfNeeded: ws[i]) }
                }
            }
        }}}}
        a.accumulate(into: &report)
    }

    func decodeBlocks<T: RangeTracking>(_: T.Type, _ c: UnsafePointer<Int32>, _ o: UnsafeMutablePointer<UInt8>,
                                        _ range: Range<Int>, _ table: QuantTable, _ report: inout OverflowReport) {
        guard !range.isEmpty else { return }
        var a = ScalarArithmetic<T>(config: config, mayOverflow: mayOverflow)
        let t = EntryTable(table, reciprocalBits: config.quantizerReciprocalBits)
        let stages = self.stages
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 128) { buf in
        t.divisor.withUnsafeBufferPointer { divisor in
            let ws = buf.baseAddress! + 64
            for block in range {
                let src = c + block * 64, dst = o + block * 64
                for i in 0..<64 { buf[i] = stages.dequantize(Int(src[i]), divisor: divisor[i], &a) }
                for col in 0..<8 {         // pass 1: columns
                    let out = stages.inverseColumn(Octet(buf[col], buf[8 + col], buf[16 + col], buf[24 + col],
                                                         buf[32 + col], buf[40 + col], buf[48 + col], buf[56 + col]), &a)
                    for k in 0..<8 { ws[k * 8 + col] = out[k] }
                }
                for r in 0..<8 {           // pass 2: rows
                    let w = ws + r * 8
                    let out = stages.inverseRow(Octet(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]), &a)
                    for k in 0..<8 { dst[r * 8 + k] = UInt8(truncatingIfNeeded: out[k]) }
                }
            }
        }}
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
