import Foundation
import Golden
import ImageIO
import Testing

/// A chunk that claims more bytes than the file holds is refused before libpng allocates for it
/// (libpng 1.6.39 only warns about an over-long ancillary chunk, then allocates and clears it).
@Suite final class PNGChunkLengthTests {
    let folder = makeTemporaryFolder(prefix: "fxcodec-png-chunks")
    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func file(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// An RGB file, and the offset just after its IHDR chunk (8 signature + 12 + 13 IHDR data).
    func validFile() throws -> (bytes: [UInt8], afterIHDR: Int) {
        (try Fixtures.bytes(PNGKind(colour: .rgb, depth: 8).name), 33)
    }

    @Test func aChunkClaimingTwoGigabytesIsRefusedByItsLength() throws {
        var (bytes, at) = try validFile()
        // A zTXt chunk whose length says 2,097,152,022 bytes, in a file of a few hundred.
        bytes.insert(contentsOf: [0x7d, 0x00, 0x00, 0x16] + Array("zTXt".utf8) + [0x41, 0x00, 0x00], at: at)
        let path = try file(bytes, "long-ztxt.png")
        let error = expectImageIOError(about: path) { _ = try PNGFile.read(path) }
        #expect(error?.kind == .truncated)
        let left = bytes.count - at - 8
        #expect(error?.detail == "unexpected end of file (the zTXt chunk at byte 33 claims 2097152022 bytes; \(left) follow its header)")
    }

    @Test func aChunkCutShortIsNamed() throws {
        let (bytes, _) = try validFile()
        let idat = try #require(bytes.indices.first { Array(bytes[$0..<($0 + 4)]) == Array("IDAT".utf8) }) - 4
        let path = try file(Array(bytes.prefix(idat + 20)), "cut.png")
        let error = expectImageIOError(about: path) { _ = try PNGFile.read(path) }
        #expect(error?.kind == .truncated)
        #expect(error?.detail.hasPrefix("unexpected end of file (the IDAT chunk at byte \(idat) claims ") == true)
    }

    @Test func bytesAfterIENDAreNotScanned() throws {
        let (bytes, _) = try validFile()
        let original = try PNGFile.read(try file(bytes, "plain.png"))
        // Trailing bytes that look like a chunk claiming 2 GB: libpng stops at IEND, and so does the check.
        let trailing = bytes + [0x7f, 0xff, 0xff, 0xff] + Array("tEXt".utf8)
        #expect(try PNGFile.read(try file(trailing, "trailing.png")) == original)
    }
}
