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

/// The zigzag order as a table the coders read: natural index of zigzag position k.
nonisolated(unsafe) let zigzagTable: UnsafePointer<Int32> = {
    let table = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
    for k in 0..<64 { table[k] = Int32(Zigzag.natural[k]) }
    return UnsafePointer(table)
}()

/// What the scan walk does with each block. Segments are restart intervals; each begins with every
/// DC predictor at 0 (T.81 F.1.1.5.1).
protocol BlockVisitor {
    mutating func beginSegment()
    mutating func beginMCU()
    /// A real block; returns the natural index of a coefficient out of range, or −1.
    mutating func block(_ coefficients: UnsafePointer<Int32>, component: Int, _ placed: PlacedComponent) -> Int
    /// A dummy block (libjpeg pads the right and bottom MCUs with them): all AC zero and DC equal to the
    /// block before it, so a DC difference of 0 and an EOB; the predictor does not change.
    mutating func dummyBlock(component: Int, _ placed: PlacedComponent)
    mutating func endSegment(_ segment: Int)
}

/// Walks the MCUs of `segments` in raster order; in an MCU each component's h × v blocks in raster
/// order (T.81 A.2.3), a block outside the component's real blocks being a dummy.
func walk<V: BlockVisitor>(_ layout: ScanLayout, segments: Range<Int>, _ components: UnsafeBufferPointer<PlacedComponent>,
                           _ visitor: inout V) -> OutOfRange? {
    let perRow = layout.mcusPerRow
    for s in segments {
        visitor.beginSegment()
        for m in layout.segment(s) {
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
        visitor.endSegment(s)
    }
    return nil
}

/// Which zigzag positions 1…63 hold a non-zero coefficient: bit k for position k.
@inline(__always) func nonzeroAC(_ block: UnsafePointer<Int32>, _ zigzag: UnsafePointer<Int32>) -> UInt64 {
    var mask: UInt64 = 0
    for k in 1..<64 { mask |= (block[Int(zigzag[k])] != 0 ? 1 : 0) &<< UInt64(k) }
    return mask
}

// MARK: coding

/// Huffman-codes segments into a `BitWriter` (T.81 F.1.2): per block the DC difference's size
/// symbol and bits, then for each non-zero AC in zigzag order the symbol (run << 4) | size and its
/// bits, F0 (ZRL) for each 16 zeros before it, and 00 (EOB) unless position 63 is non-zero.
/// After a segment the last byte is padded with 1-bits and, unless it ends the scan, RSTn follows,
/// n counting 0…7 from the first.
struct EncodingVisitor: BlockVisitor {
    var writer: BitWriter
    let lastSegment: Int
    let mcuBytes: Int
    private let lastDC: UnsafeMutablePointer<Int32>
    private let components: Int
    private let zigzag = zigzagTable

    init(writer: BitWriter, lastSegment: Int, blocksPerMCU: Int, components: Int) {
        self.writer = writer
        self.lastSegment = lastSegment
        self.components = components
        // The most a block can take: 27 bits DC, 63 × 26 bits AC, all bytes FF-stuffed, and a stored word.
        mcuBytes = blocksPerMCU * 512 + 16
        lastDC = .allocate(capacity: components)
        lastDC.initialize(repeating: 0, count: components)
    }

    func release() { lastDC.deallocate() }

    mutating func beginSegment() { lastDC.update(repeating: 0, count: components) }

    @inline(__always) mutating func beginMCU() { writer.reserve(mcuBytes) }

    @inline(__always)
    mutating func block(_ b: UnsafePointer<Int32>, component c: Int, _ p: PlacedComponent) -> Int {
        let dc = b[0]
        let (dcSize, dcBits) = category(Int(dc) - Int(lastDC[c]))
        if dcSize > 11 { return 0 }
        lastDC[c] = dc
        let e = p.dc[dcSize]
        writer.put(UInt64(e >> 8) &<< UInt64(dcSize) | dcBits, Int(e & 0xFF) &+ dcSize)

        let ac = p.ac
        var mask = nonzeroAC(b, zigzag)
        var last = 0
        while mask != 0 {
            let k = mask.trailingZeroBitCount
            mask &= mask &- 1
            var run = k &- last &- 1
            last = k
            if run > 15 {
                let zrl = ac[0xF0]
                repeat {
                    writer.put(UInt64(zrl >> 8), Int(zrl & 0xFF))
                    run &-= 16
                } while run > 15
            }
            let n = Int(zigzag[k])
            let (size, bits) = category(Int(b[n]))
            if size > 10 { return n }
            let code = ac[run &<< 4 | size]
            writer.put(UInt64(code >> 8) &<< UInt64(size) | bits, Int(code & 0xFF) &+ size)
        }
        if last != 63 {
            let eob = ac[0]
            writer.put(UInt64(eob >> 8), Int(eob & 0xFF))
        }
        return -1
    }

    @inline(__always) mutating func dummyBlock(component: Int, _ p: PlacedComponent) {
        let (dc, eob) = (p.dc[0], p.ac[0])
        writer.put(UInt64(dc >> 8), Int(dc & 0xFF))
        writer.put(UInt64(eob >> 8), Int(eob & 0xFF))
    }

    mutating func endSegment(_ segment: Int) {
        writer.reserve(32)
        writer.padToByte()
        if segment != lastSegment { writer.marker(Marker.restart(segment)) }
    }
}

// MARK: statistics

/// Counts each component's symbols as `EncodingVisitor` would code them: DC size categories at
/// counts[512·c + s], AC symbols at counts[512·c + 256 + symbol].
struct CountingVisitor: BlockVisitor {
    let counts: UnsafeMutablePointer<Int>
    private let lastDC: UnsafeMutablePointer<Int32>
    private let components: Int
    private let zigzag = zigzagTable

    init(components: Int) {
        self.components = components
        counts = .allocate(capacity: 512 * components)
        counts.initialize(repeating: 0, count: 512 * components)
        lastDC = .allocate(capacity: components)
        lastDC.initialize(repeating: 0, count: components)
    }

    func release() {
        counts.deallocate()
        lastDC.deallocate()
    }

    mutating func beginSegment() { lastDC.update(repeating: 0, count: components) }
    mutating func beginMCU() {}
    mutating func endSegment(_ segment: Int) {}

    @inline(__always)
    mutating func block(_ b: UnsafePointer<Int32>, component c: Int, _ p: PlacedComponent) -> Int {
        let dc = b[0]
        let dcSize = category(Int(dc) - Int(lastDC[c])).size
        if dcSize > 11 { return 0 }
        lastDC[c] = dc
        let table = counts + 512 * c
        table[dcSize] += 1
        let ac = table + 256
        var mask = nonzeroAC(b, zigzag)
        var last = 0
        while mask != 0 {
            let k = mask.trailingZeroBitCount
            mask &= mask &- 1
            let run = k &- last &- 1
            last = k
            ac[0xF0] += run >> 4
            let n = Int(zigzag[k])
            let size = category(Int(b[n])).size
            if size > 10 { return n }
            ac[(run & 15) << 4 | size] += 1
        }
        if last != 63 { ac[0] += 1 }
        return -1
    }

    @inline(__always) mutating func dummyBlock(component c: Int, _ p: PlacedComponent) {
        counts[512 * c] += 1
        counts[512 * c + 256] += 1
    }
}
