import Golden

/// A Huffman table ready for coding: for each symbol, code << 8 | length (length 0: no code).
final class HuffmanCodeTable: @unchecked Sendable {  // immutable after init
    let entries: UnsafeMutablePointer<UInt32>

    init(_ spec: HuffmanSpec, isDC: Bool) throws(HuffmanSpecError) {
        let codes = try spec.codes(isDC: isDC)
        entries = .allocate(capacity: 256)
        entries.initialize(repeating: 0, count: 256)
        for c in codes { entries[Int(c.symbol)] = c.code << 8 | UInt32(c.length) }
    }

    deinit { entries.deallocate() }

    func length(of symbol: Int) -> Int { Int(entries[symbol] & 0xFF) }
}

/// One component's blocks as the scan walks them, with the code tables it uses.
struct PlacedComponent {
    var coefficients: UnsafePointer<Int32>
    var blocksWide: Int, blocksHigh: Int
    var h: Int, v: Int
    var dc: UnsafePointer<UInt32>, ac: UnsafePointer<UInt32>
}

/// A coefficient the 8-bit format cannot code (T.81 F.1.2): DC differences have at most 11 bits, AC
/// values at most 10.
struct OutOfRange: Error {
    var component: Int, blockX: Int, blockY: Int
    /// Natural (row-major) index in the block; 0 = the DC difference.
    var index: Int
    var value: Int32
}

/// Size category and extra bits of a value (T.81 F.1.2.1, F.1.2.2): the size s is the bit length of
/// |v|; the bits are v for v ≥ 0, else v − 1, in s bits (the low bits of one's complement).
@inline(__always) func category(_ v: Int) -> (size: Int, bits: UInt64) {
    let sign = v >> 63
    let magnitude = UInt64(bitPattern: Int64((v ^ sign) &- sign))
    let size = 64 - magnitude.leadingZeroBitCount
    return (size, UInt64(bitPattern: Int64(v &+ sign)) & ((1 &<< UInt64(size)) &- 1))
}

/// What the scan walk does with each block. Segments are restart intervals; each begins with every
/// DC predictor at 0 (T.81 F.1.1.5.1).
protocol BlockVisitor {
    /// Each component's DC predictor: the DC of its last real block coded.
    var predictors: UnsafeMutablePointer<Int32> { get }
    mutating func beginMCU()
    /// A real block; returns the natural index of a coefficient out of range, or −1.
    mutating func block(_ coefficients: UnsafePointer<Int32>, component: Int, _ placed: PlacedComponent) -> Int
    /// A dummy block (libjpeg pads the right and bottom MCUs with them): all AC zero and DC equal to the
    /// block before it, so a DC difference of 0 and an EOB; the predictor does not change.
    mutating func dummyBlock(component: Int, _ placed: PlacedComponent)
    mutating func endSegment(_ segment: Int)
}

/// A stretch of the scan that one thread walks: whole restart segments, or a part of one segment
/// (`mcus`), which starts from the predictors the MCUs before it leave; a part never ends its segment
/// (`endSegment` is not called): whoever joins the parts pads and marks the end.
struct ScanPiece: Equatable {
    var segments: Range<Int>
    /// The MCUs of a part of the segment `segments.lowerBound`; nil for whole segments.
    var mcus: Range<Int>?

    /// Pieces for `threads`: one piece on one thread; else whole segments in runs when there are
    /// enough of them for the threads, else each segment cut into parts of at least `minimumMCUs`.
    static func split(_ layout: ScanLayout, threads: Int, minimumMCUs: Int = 16) -> [ScanPiece] {
        let segments = layout.segmentCount, wanted = 4 * threads
        if threads <= 1 { return [ScanPiece(segments: 0..<segments)] }
        if segments >= wanted {
            return (0..<wanted).map { i in ScanPiece(segments: (i * segments / wanted)..<((i + 1) * segments / wanted)) }
        }
        return (0..<segments).flatMap { s -> [ScanPiece] in
            let mcus = layout.segment(s)
            let parts = max(1, min((wanted + segments - 1) / segments, mcus.count / minimumMCUs))
            if parts == 1 { return [ScanPiece(segments: s..<(s + 1))] }
            return (0..<parts).map { i in
                let lower = mcus.lowerBound + i * mcus.count / parts, upper = mcus.lowerBound + (i + 1) * mcus.count / parts
                return ScanPiece(segments: s..<(s + 1), mcus: lower..<upper)
            }
        }
    }
}

/// Walks a piece's MCUs in raster order; in an MCU each component's h × v blocks in raster order
/// (T.81 A.2.3), a block outside the component's real blocks being a dummy.
func walk<V: BlockVisitor>(_ layout: ScanLayout, _ piece: ScanPiece, _ components: UnsafeBufferPointer<PlacedComponent>,
                           _ visitor: inout V) -> OutOfRange? {
    if let mcus = piece.mcus {
        let segment = piece.segments.lowerBound
        startingPredictors(layout, at: mcus.lowerBound, segmentStart: layout.segment(segment).lowerBound,
                           components, into: visitor.predictors)
        return walk(layout, mcus: mcus, components, &visitor)
    }
    for s in piece.segments {
        visitor.predictors.update(repeating: 0, count: components.count)
        if let failure = walk(layout, mcus: layout.segment(s), components, &visitor) { return failure }
        visitor.endSegment(s)
    }
    return nil
}

private func walk<V: BlockVisitor>(_ layout: ScanLayout, mcus: Range<Int>, _ components: UnsafeBufferPointer<PlacedComponent>,
                                   _ visitor: inout V) -> OutOfRange? {
    let perRow = layout.mcusPerRow
    for m in mcus {
        let row = m / perRow, column = m - row * perRow
        visitor.beginMCU()
        for c in 0..<components.count {
            let p = components[c]
            for y in 0..<p.v {
                let by = row * p.v + y
                for x in 0..<p.h {
                    let bx = column * p.h + x
                    guard bx < p.blocksWide && by < p.blocksHigh else {
                        visitor.dummyBlock(component: c, p)
                        continue
                    }
                    let block = p.coefficients + (by * p.blocksWide + bx) * 64
                    let bad = visitor.block(block, component: c, p)
                    if bad >= 0 {
                        return OutOfRange(component: c, blockX: bx, blockY: by, index: bad, value: block[bad])
                    }
                }
            }
        }
    }
    return nil
}

/// The DC predictors in force at MCU `m`: for each component the DC of its last real block in the
/// MCUs segmentStart..<m (dummy blocks leave the predictor alone), or 0 if there is none.
func startingPredictors(_ layout: ScanLayout, at m: Int, segmentStart: Int,
                        _ components: UnsafeBufferPointer<PlacedComponent>, into predictors: UnsafeMutablePointer<Int32>) {
    let perRow = layout.mcusPerRow
    for (c, p) in components.enumerated() {
        predictors[c] = 0
        search: for earlier in stride(from: m - 1, through: segmentStart, by: -1) {
            let row = earlier / perRow, column = earlier - row * perRow
            for y in stride(from: p.v - 1, through: 0, by: -1) {
                for x in stride(from: p.h - 1, through: 0, by: -1) {
                    let (bx, by) = (column * p.h + x, row * p.v + y)
                    if bx < p.blocksWide && by < p.blocksHigh {
                        predictors[c] = p.coefficients[(by * p.blocksWide + bx) * 64]
                        break search
                    }
                }
            }
        }
    }
}

/// Which zigzag positions 1…63 hold a non-zero coefficient: bit k for position k. Eight values at a
/// time: (v | −v) has its sign bit set exactly when v ≠ 0, so an arithmetic shift by 31 makes the
/// lane all ones or zero; ANDed with the lane's own bit (1 << position, split into a low and a high
/// word) and ORed together, the lanes give the mask with no branch and no permutation.
@inline(__always) func nonzeroAC(_ block: UnsafePointer<Int32>, _ zigzag: ZigzagTables) -> UInt64 {
    let raw = UnsafeRawPointer(block)
    var low = SIMD8<Int32>(), high = SIMD8<Int32>()
    for row in 0..<8 {
        let v = raw.loadUnaligned(fromByteOffset: 32 &* row, as: SIMD8<Int32>.self)
        let nonzero = (v | (SIMD8<Int32>() &- v)) &>> 31
        low |= nonzero & zigzag.low[row]
        high |= nonzero & zigzag.high[row]
    }
    return UInt64(fold(low)) | UInt64(fold(high)) &<< 32
}

/// The OR of eight 32-bit lanes.
@inline(__always) func fold(_ v: SIMD8<Int32>) -> UInt32 {
    let quads = unsafeBitCast(v, to: SIMD4<UInt64>.self)
    let pair = quads[0] | quads[1] | quads[2] | quads[3]
    return UInt32(truncatingIfNeeded: pair | pair &>> 32)
}

/// The zigzag order as the coders read it: `natural[k]`, the natural index of position k; and for
/// each row of a block each value's position as a bit, `low[r]` holding 1 << k for positions
/// k < 32, `high[r]` 1 << (k − 32) for the others, the DC's bit left out.
struct ZigzagTables {
    let natural: UnsafePointer<Int32>
    let low: UnsafePointer<SIMD8<Int32>>
    let high: UnsafePointer<SIMD8<Int32>>

    nonisolated(unsafe) static let shared: ZigzagTables = {
        let natural = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
        for k in 0..<64 { natural[k] = Int32(Zigzag.natural[k]) }
        let low = UnsafeMutablePointer<SIMD8<Int32>>.allocate(capacity: 8)
        let high = UnsafeMutablePointer<SIMD8<Int32>>.allocate(capacity: 8)
        for row in 0..<8 {
            var (l, h) = (SIMD8<Int32>(), SIMD8<Int32>())
            for column in 0..<8 {
                let k = Zigzag.position[8 * row + column]
                if k == 0 { continue }
                if k < 32 { l[column] = Int32(bitPattern: 1 << UInt32(k)) } else { h[column] = Int32(bitPattern: 1 << UInt32(k - 32)) }
            }
            (low[row], high[row]) = (l, h)
        }
        return ZigzagTables(natural: UnsafePointer(natural), low: UnsafePointer(low), high: UnsafePointer(high))
    }()
}

// MARK: one block

/// Where a block's symbols go (T.81 F.1.2): coded by `HuffmanSink`, counted by `CountingSink`.
protocol SymbolSink {
    /// The DC difference: its size category (the symbol) and extra bits.
    mutating func dc(_ size: Int, _ bits: UInt64)
    /// A non-zero AC after `run` (0…15) zeros: symbol (run << 4) | size, and its extra bits.
    mutating func ac(_ run: Int, _ size: Int, _ bits: UInt64)
    /// Sixteen zeros: ZRL, symbol F0.
    mutating func zeroRun()
    /// Only zeros left: EOB, symbol 00.
    mutating func endOfBlock()
}

/// One block's symbols: the DC difference from `previousDC`; then each non-zero AC in zigzag order,
/// after a ZRL for each 16 zeros before it; EOB unless position 63 is non-zero.
/// Returns the natural index of a value out of range (DC difference over 11 bits: 0; AC over 10
/// bits), or −1.
@inline(__always)
func codeBlock<S: SymbolSink>(_ b: UnsafePointer<Int32>, previousDC: inout Int32, _ zigzag: ZigzagTables,
                              into sink: inout S) -> Int {
    let dc = b[0]
    let (dcSize, dcBits) = category(Int(dc) - Int(previousDC))
    if dcSize > 11 { return 0 }
    previousDC = dc
    sink.dc(dcSize, dcBits)
    var mask = nonzeroAC(b, zigzag)
    var last = 0
    while mask != 0 {
        let k = mask.trailingZeroBitCount
        mask &= mask &- 1
        var run = k &- last &- 1
        last = k
        while run > 15 {
            sink.zeroRun()
            run &-= 16
        }
        let n = Int(zigzag.natural[k])
        let (size, bits) = category(Int(b[n]))
        if size > 10 { return n }
        sink.ac(run, size, bits)
    }
    if last != 63 { sink.endOfBlock() }
    return -1
}

// MARK: coding

/// Huffman codes into a bit writer: each symbol's code, then its extra bits, in one put.
struct HuffmanSink: SymbolSink {
    var writer: BitWriter
    let dcCodes: UnsafePointer<UInt32>, acCodes: UnsafePointer<UInt32>

    @inline(__always) mutating func dc(_ size: Int, _ bits: UInt64) { put(dcCodes[size], size, bits) }
    @inline(__always) mutating func ac(_ run: Int, _ size: Int, _ bits: UInt64) { put(acCodes[run &<< 4 | size], size, bits) }
    @inline(__always) mutating func zeroRun() { put(acCodes[0xF0], 0, 0) }
    @inline(__always) mutating func endOfBlock() { put(acCodes[0], 0, 0) }

    /// `entry` is code << 8 | length.
    @inline(__always) mutating func put(_ entry: UInt32, _ size: Int, _ bits: UInt64) {
        writer.put(UInt64(entry >> 8) &<< UInt64(size) | bits, Int(entry & 0xFF) &+ size)
    }
}

/// Huffman-codes segments into a `BitWriter`. After a segment the last byte is padded with 1-bits
/// and, unless it ends the scan, RSTn follows, n counting 0…7 from the first.
struct EncodingVisitor: BlockVisitor {
    var writer: BitWriter
    let lastSegment: Int
    let mcuBytes: Int
    let predictors: UnsafeMutablePointer<Int32>
    private let zigzag = ZigzagTables.shared

    init(writer: BitWriter, lastSegment: Int, blocksPerMCU: Int, components: Int) {
        self.writer = writer
        self.lastSegment = lastSegment
        // The most a block can take: 27 bits DC, 63 × 26 bits AC, all bytes FF-stuffed, and a stored word.
        mcuBytes = blocksPerMCU * 512 + 16
        predictors = .allocate(capacity: components)
        predictors.initialize(repeating: 0, count: components)
    }

    func release() { predictors.deallocate() }

    @inline(__always) mutating func beginMCU() { writer.reserve(mcuBytes) }

    @inline(__always)
    mutating func block(_ b: UnsafePointer<Int32>, component c: Int, _ p: PlacedComponent) -> Int {
        // A local sink keeps the bit buffer in registers: the byte stores could otherwise alias `self`.
        var sink = HuffmanSink(writer: writer, dcCodes: p.dc, acCodes: p.ac)
        defer { writer = sink.writer }
        return codeBlock(b, previousDC: &predictors[c], zigzag, into: &sink)
    }

    @inline(__always) mutating func dummyBlock(component: Int, _ p: PlacedComponent) {
        var sink = HuffmanSink(writer: writer, dcCodes: p.dc, acCodes: p.ac)
        sink.dc(0, 0)
        sink.endOfBlock()
        writer = sink.writer
    }

    mutating func endSegment(_ segment: Int) {
        writer.reserve(32)
        writer.padToByte()
        if segment != lastSegment { writer.marker(Marker.restart(segment)) }
    }
}

// MARK: statistics

/// Counts symbols: DC sizes in `dc`, AC symbols in `ac`.
struct CountingSink: SymbolSink {
    let dcCounts: UnsafeMutablePointer<Int>, acCounts: UnsafeMutablePointer<Int>

    @inline(__always) func dc(_ size: Int, _ bits: UInt64) { dcCounts[size] += 1 }
    @inline(__always) func ac(_ run: Int, _ size: Int, _ bits: UInt64) { acCounts[run &<< 4 | size] += 1 }
    @inline(__always) func zeroRun() { acCounts[0xF0] += 1 }
    @inline(__always) func endOfBlock() { acCounts[0] += 1 }
}

/// Counts each component's symbols as `EncodingVisitor` codes them: DC size categories at
/// counts[512·c + s], AC symbols at counts[512·c + 256 + symbol].
struct CountingVisitor: BlockVisitor {
    let counts: UnsafeMutablePointer<Int>
    let predictors: UnsafeMutablePointer<Int32>
    private let zigzag = ZigzagTables.shared

    init(components: Int) {
        counts = .allocate(capacity: 512 * components)
        counts.initialize(repeating: 0, count: 512 * components)
        predictors = .allocate(capacity: components)
        predictors.initialize(repeating: 0, count: components)
    }

    func release() {
        counts.deallocate()
        predictors.deallocate()
    }

    mutating func beginMCU() {}
    mutating func endSegment(_ segment: Int) {}

    @inline(__always)
    mutating func block(_ b: UnsafePointer<Int32>, component c: Int, _ p: PlacedComponent) -> Int {
        var sink = CountingSink(dcCounts: counts + 512 * c, acCounts: counts + 512 * c + 256)
        return codeBlock(b, previousDC: &predictors[c], zigzag, into: &sink)
    }

    @inline(__always) mutating func dummyBlock(component c: Int, _ p: PlacedComponent) {
        let sink = CountingSink(dcCounts: counts + 512 * c, acCounts: counts + 512 * c + 256)
        sink.dc(0, 0)
        sink.endOfBlock()
    }
}
