/// The parameters of one marker segment (T.81 B.1.1.4): a 2-byte length that counts itself, then
/// length − 2 bytes. Reads never leave the segment; reading past its end throws "bad … marker".
struct MarkerSegment {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Short marker name for messages ("DHT", "SOF0", "APP1").
    let name: String
    /// Offset of the marker's FF byte.
    let offset: Int
    private(set) var position: Int
    /// One past the segment's last byte (≤ the file length).
    let end: Int

    /// The segment whose length field starts at `start`. Throws when the length is below 2 or the
    /// file ends inside the segment.
    init(bytes: UnsafeBufferPointer<UInt8>, name: String, offset: Int, start: Int) throws(JPEGDecodeError) {
        self.bytes = bytes
        self.name = name
        self.offset = offset
        guard start + 2 <= bytes.count else {
            throw JPEGDecodeError(.truncated, at: offset, "the file ends inside the \(name) marker at offset \(offset)")
        }
        let length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
        guard length >= 2 else { throw .bad(name, at: offset, "length \(length) (at least 2: it counts itself)") }
        guard start + length <= bytes.count else {
            throw JPEGDecodeError(.truncated, at: offset, "the file ends inside the \(name) marker at offset \(offset): "
                                  + "it claims \(length) bytes, \(bytes.count - start) remain")
        }
        position = start + 2
        end = start + length
    }

    var remaining: Int { end - position }

    mutating func byte() throws(JPEGDecodeError) -> Int {
        guard position < end else { throw .bad(name, at: offset, "its length \(end - offset - 2) ends it before its parameters do") }
        defer { position += 1 }
        return Int(bytes[position])
    }

    mutating func word() throws(JPEGDecodeError) -> Int {
        let high = try byte()
        return high << 8 | (try byte())
    }

    /// The next `count` bytes (fewer if the segment ends), without consuming them.
    func peekBytes(_ count: Int) -> [UInt8] { Array(bytes[position..<min(end, position + count)]) }

    func fail(_ problem: String) -> JPEGDecodeError { .bad(name, at: offset, problem) }
}
