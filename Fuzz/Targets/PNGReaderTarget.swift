import Golden
import ImageIO

/// The PNG reader, `PNGFile.read`, from a scratch file. Chunk CRCs are recomputed first (for as long
/// as the chunk layout holds), so that mutations reach libpng's header and data checks instead of
/// stopping at the CRC; files with bad CRCs are the unit tests' business. Inputs of odd length are
/// read with alpha composited, even ones with alpha dropped. Images are limited to 2^20 pixels, so
/// one input costs at most a few megabytes.
enum PNGReaderTarget: FuzzTarget {
    static let name = "png"

    static func run(_ input: [UInt8]) {
        var bytes = input
        repairChunkCRCs(&bytes)
        let rule: AlphaRule = input.count % 2 == 1 ? .composite(background: 200) : .drop
        guard let image = try? PNGFile.read(ScratchFile.write(bytes), maxPixels: 1 << 20, alpha: rule) else { return }
        precondition(image.components == 1 || image.components == 3)
        precondition(image.samples.count == image.width * image.height * image.components)
    }

    /// After the 8-byte signature, chunks are: length (4 bytes, big-endian), type (4), data, CRC-32 of
    /// type and data (4).
    static func repairChunkCRCs(_ bytes: inout [UInt8]) {
        var at = 8
        while at + 12 <= bytes.count {
            let length = bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
            guard length <= bytes.count - at - 12 else { return }
            let end = at + 8 + length
            let crc = crc32(bytes[at + 4..<end])
            for k in 0..<4 { bytes[end + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * k)) }
            at = end + 4
        }
    }

    /// CRC-32 (ISO 3309, the polynomial 0xEDB88320 reflected), one byte at a time through a table.
    static func crc32(_ data: ArraySlice<UInt8>) -> UInt32 {
        ~data.reduce(~UInt32(0)) { crc, byte in crcTable[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
}
