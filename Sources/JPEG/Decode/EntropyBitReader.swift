/// Reads the entropy-coded data of a scan, most significant bit first (T.81 F.2.2.5), as libjpeg's
/// jdhuff.c does:
/// - `FF 00` is a data byte FF (byte stuffing); `FF FF … FF 00` also counts as one FF.
/// - `FF` followed by any other byte (after fill FFs) is a marker: reading stops before it and the
///   marker is kept in `marker`. From then on the reader supplies zero bits. The end of the file acts
///   as an EOI marker (libjpeg's data source inserts one and warns "Premature end of JPEG file").
/// - Whether zero bits past the marker were used is known from `padding > count`: `padding` counts
///   every zero bit appended, `count` every bit still held, and the real bits are the first
///   `count − padding` of them. libjpeg stops decoding a segment's later MCUs once that happens.
///
/// The buffer holds `count` bits left-aligned in a UInt64 (the next bit is bit 63), refilled to at
/// least 57 bits; every byte load is at an index below `end`.
struct EntropyBitReader {
    let bytes: UnsafePointer<UInt8>
    /// Bytes in the file.
    let end: Int
    /// The next byte to load.
    var position: Int
    var buffer: UInt64 = 0
    var count = 0
    /// Zero bits appended after the marker or the end of the file (see above).
    var padding = 0
    /// The marker code that stopped reading, 0 for none (0 is never a marker code).
    var marker: UInt8 = 0
    /// Offset of the marker's FF byte; `end` for the end of the file.
    var markerOffset = 0
    /// The file ended inside the entropy-coded data.
    var reachedFileEnd = false
    /// Bit patterns that matched no code (each decoded as symbol 0).
    var corruptCodes = 0

    init(bytes: UnsafePointer<UInt8>, end: Int, position: Int) {
        self.bytes = bytes
        self.end = end
        self.position = position
    }

    /// Whether zero bits past a marker have been consumed (libjpeg's "insufficient data").
    @inline(__always) var overran: Bool { padding > count }

    /// Ensures at least 32 bits (real or zero padding) are buffered: enough for any Huffman code
    /// (≤ 16 bits, 17 for a corrupt one) followed by its value bits (≤ 15).
    @inline(__always) mutating func fill() {
        if count >= 32 { return }
        // Fast path: eight bytes without an FF (no stuffing, no marker); take the whole bytes that fit.
        if marker == 0 && position <= end &- 8 {
            let word = UInt64(bigEndian: UnsafeRawPointer(bytes + position).loadUnaligned(as: UInt64.self))
            let inverted = ~word   // an FF byte is a zero byte here
            let hasFF = (inverted &- 0x0101_0101_0101_0101) & ~inverted & 0x8080_8080_8080_8080
            if hasFF == 0 {
                let taken = (63 &- count) &>> 3           // 4…7 bytes, as count < 32
                let kept = word & ~(UInt64.max &>> UInt64(taken &* 8))
                buffer |= kept &>> UInt64(count)
                position &+= taken
                count &+= taken &* 8
                return
            }
        }
        fillSlowly()
    }

    /// Byte by byte, with stuffing and markers; pads with zeros once the data has ended.
    mutating func fillSlowly() {
        while count <= 56 {
            if marker != 0 { return padWithZeros() }
            guard position < end else { return stopAtFileEnd() }
            var byte = bytes[position]
            position += 1
            if byte == 0xFF {
                var next: UInt8 = 0xFF
                while next == 0xFF {          // fill bytes
                    guard position < end else { return stopAtFileEnd() }
                    next = bytes[position]
                    position += 1
                }
                if next != 0 {
                    marker = next
                    markerOffset = position - 2
                    return padWithZeros()
                }
                byte = 0xFF
            }
            buffer |= UInt64(byte) &<< UInt64(56 &- count)
            count &+= 8
        }
    }

    private mutating func stopAtFileEnd() {
        markAtFileEnd()
        padWithZeros()
    }

    /// The end of the file, taken as an EOI marker.
    mutating func markAtFileEnd() {
        marker = 0xD9
        markerOffset = end
        position = end
        reachedFileEnd = true
    }

    private mutating func padWithZeros() {
        padding &+= 64 &- count
        count = 64
    }

    /// The next n bits (1…16) without consuming them.
    @inline(__always) func peek(_ n: Int) -> Int { Int(truncatingIfNeeded: buffer &>> UInt64(64 &- n)) }

    @inline(__always) mutating func skip(_ n: Int) {
        buffer = buffer &<< UInt64(n)
        count &-= n
    }

    /// The next n bits (1…16) as an unsigned number.
    @inline(__always) mutating func bits(_ n: Int) -> Int {
        let value = peek(n)
        skip(n)
        return value
    }

    /// The next bit.
    @inline(__always) mutating func bit() -> Int { bits(1) }

    /// A Huffman symbol. Needs `fill()` beforehand (17 bits).
    @inline(__always) mutating func symbol(_ table: HuffmanLookup) -> Int {
        let entry = Int(table.lookup[peek(HuffmanDecoder.lookaheadBits)])
        if entry != 0 {
            skip(entry &>> 8)
            return entry & 0xFF
        }
        return longSymbol(table)
    }

    /// An AC code and its value bits in one lookup (`HuffmanLookup.combined`), when both fit in the
    /// lookahead: (run of zeros, value); nil otherwise, with nothing consumed. Needs `fill()` beforehand.
    @inline(__always) mutating func shortCoefficient(_ table: HuffmanLookup) -> (run: Int, value: Int)? {
        let both = Int(table.combined[peek(HuffmanDecoder.lookaheadBits)])
        if both == 0 { return nil }
        skip(both & 0xFF)
        return ((both &>> 8) & 15, both &>> 16)
    }

    /// A code longer than the lookahead, by F.2.2.3: the first length whose maxCode it does not exceed.
    /// A bit pattern no code matches is corrupt: 17 bits are dropped and symbol 0 is returned, as
    /// libjpeg does ("Corrupt JPEG data: bad Huffman code").
    mutating func longSymbol(_ table: HuffmanLookup) -> Int {
        for length in (HuffmanDecoder.lookaheadBits + 1)...16 {
            let code = peek(length)
            if code <= Int(table.maxCode[length]) {
                skip(length)
                return Int(table.values[(code &+ Int(table.valueOffset[length])) & 0xFF])
            }
        }
        skip(17)
        corruptCodes &+= 1
        return 0
    }

    /// A value of size category s (1…15) read from s bits (F.2.2.1, EXTEND): v < 2^(s−1) stands for
    /// v − 2^s + 1.
    @inline(__always) mutating func value(size s: Int) -> Int {
        let v = bits(s)
        return v < 1 &<< (s &- 1) ? v &- (1 &<< s) &+ 1 : v
    }

    /// Drops the buffered bits (before a restart marker) and returns how many whole bytes of real
    /// data were in them (libjpeg counts them as discarded).
    mutating func discardBuffer() -> Int {
        let realBits = max(0, count - padding)
        buffer = 0
        count = 0
        padding = 0
        return realBits / 8
    }
}
