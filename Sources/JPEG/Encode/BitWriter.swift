/// Entropy-coded bytes: bits packed most significant first through a 64-bit buffer, with a 00
/// stuffed after every FF byte (T.81 F.1.2.3), into memory this writer owns and grows.
/// The caller makes room with `reserve` before a burst of `put`s (an MCU), so `put` never checks.
/// A raw writer (`stuffs` false) stores the bits as they are: a part of a segment coded on its own
/// thread, which `append(bitsOf:)` later moves into the stuffed stream at whatever bit it reached.
struct BitWriter {
    private(set) var start: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var out: UnsafeMutablePointer<UInt8>
    /// Bits not yet stored, in the low 64 − free bits; bits above them were stored already.
    private var pending: UInt64 = 0
    private var free = 64
    let stuffs: Bool

    init(capacity: Int, stuffs: Bool = true) {
        self.capacity = max(capacity, 64)
        self.stuffs = stuffs
        start = .allocate(capacity: self.capacity)
        out = start
    }

    /// Bytes written so far (pending bits not included).
    var count: Int { out - start }

    /// Makes room for `bytes` more bytes.
    @inline(__always) mutating func reserve(_ bytes: Int) {
        if capacity - (out - start) < bytes { grow(bytes) }
    }

    private mutating func grow(_ bytes: Int) {
        let used = out - start
        let larger = max(2 * capacity, used + bytes)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: start, count: used)
        start.deallocate()
        (start, out, capacity) = (moved, moved + used, larger)
    }

    /// Appends the low `length` bits of `bits` (length ≤ 32; bits above it must be zero).
    @inline(__always) mutating func put(_ bits: UInt64, _ length: Int) {
        if length < free {
            pending = (pending &<< UInt64(length)) | bits
            free -= length
            return
        }
        // Fill the buffer to 64 bits, store it, keep the rest (its stale high bits shift out later).
        let rest = length - free
        store((pending &<< UInt64(free)) | (bits &>> UInt64(rest)))
        pending = bits
        free = 64 - rest
    }

    /// Stores 8 bytes, big-endian. A byte is FF exactly when ~word has a zero byte; the usual
    /// zero-byte test on ~word reads (~word − 0101…01) & word & 8080…80.
    @inline(__always) private mutating func store(_ word: UInt64) {
        if !stuffs || (~word &- 0x0101_0101_0101_0101) & word & 0x8080_8080_8080_8080 == 0 {
            UnsafeMutableRawPointer(out).storeBytes(of: word.bigEndian, as: UInt64.self)
            out += 8
        } else {
            for shift in stride(from: 56, through: 0, by: -8) { byte(UInt8(truncatingIfNeeded: word &>> UInt64(shift))) }
        }
    }

    @inline(__always) private mutating func byte(_ b: UInt8) {
        out.pointee = b
        out += 1
        if b == 0xFF {
            out.pointee = 0
            out += 1
        }
    }

    /// Pads the last byte with 1-bits (T.81 F.1.2.3) and stores every pending bit.
    mutating func padToByte() {
        let used = 64 - free
        guard used > 0 else { return }
        let bytes = (used + 7) / 8
        let padding = UInt64(8 * bytes - used)
        let word = (pending &<< padding) | ((1 &<< padding) &- 1)
        for i in stride(from: bytes - 1, through: 0, by: -1) { byte(UInt8(truncatingIfNeeded: word &>> UInt64(8 * i))) }
        pending = 0
        free = 64
    }

    /// Appends every bit a raw writer holds, stored and pending, stuffing as this writer does.
    mutating func append(bitsOf part: BitWriter) {
        precondition(!part.stuffs, "only a raw writer's bits are appended")
        // Stuffing at most doubles the bytes; 16 more cover the pending bits and a stored word.
        reserve(2 * part.count + 32)
        var next = UnsafeRawPointer(part.start)
        let end = next + part.count
        while end - next >= 4 {
            put(UInt64(UInt32(bigEndian: next.loadUnaligned(as: UInt32.self))), 32)
            next += 4
        }
        while next < end {
            put(UInt64(next.load(as: UInt8.self)), 8)
            next += 1
        }
        // The pending bits, at most 63: the high ones first, in two puts of at most 32.
        let used = 64 - part.free
        let bits = part.pending & ((1 &<< UInt64(used)) &- 1)
        if used > 32 {
            put(bits &>> 32, used - 32)
            put(bits & 0xFFFF_FFFF, 32)
        } else if used > 0 {
            put(bits, used)
        }
    }

    /// A marker (FF, code) at a byte boundary: call `padToByte` first.
    mutating func marker(_ code: UInt8) {
        reserve(2)
        out[0] = 0xFF
        out[1] = code
        out += 2
    }

    /// Plain bytes (marker segments), at a byte boundary.
    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        reserve(bytes.count)
        bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
        out += bytes.count
    }

    /// Frees the memory; the writer must not be used again.
    func release() { start.deallocate() }
}
