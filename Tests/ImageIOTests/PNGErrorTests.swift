import Foundation
import Golden
import ImageIO
import Testing

/// Bad input: each case throws an ImageIOError whose text names the file and the problem.
@Suite final class PNGErrorTests {
    let folder = makeTemporaryFolder(prefix: "fxcodec-png-errors")
    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Writes `bytes` to a new file, reads it, and returns the error (or records an issue).
    func readError(_ bytes: [UInt8], name: String) throws -> ImageIOError? {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return readError(path: path)
    }

    func readError(path: String, maxPixels: Int = PNGFile.defaultMaxPixels) -> ImageIOError? {
        expectImageIOError(about: path) { _ = try PNGFile.read(path, maxPixels: maxPixels) }
    }

    func validFile() throws -> [UInt8] { try Fixtures.bytes(PNGKind(colour: .rgb, depth: 8).name) }

    @Test func missingFile() {
        let error = readError(path: folder + "/no-such-file.png")
        #expect(error?.kind == .cannotRead)
        #expect(error?.description.contains("No such file or directory") == true)
    }

    @Test func folderInsteadOfFile() {
        let error = readError(path: folder)
        #expect(error?.kind == .cannotRead)
        #expect(error?.description.contains("Is a directory") == true)
    }

    @Test func emptyFile() throws {
        let error = try readError([], name: "empty.png")
        #expect(error?.kind == .emptyFile)
        #expect(error?.description.contains("empty file") == true)
    }

    @Test func notAPNG() throws {
        let error = try readError(Array("this is a text file, not an image\n".utf8), name: "text.png")
        #expect(error?.kind == .notPNG)
        #expect(error?.description.contains("not a PNG file: bad signature") == true)
    }

    @Test func truncatedInsideTheSignature() throws {
        let error = try readError(Array(try validFile().prefix(5)), name: "five-bytes.png")
        #expect(error?.kind == .truncated)
        #expect(error?.description.contains("truncated PNG file") == true)
    }

    @Test("truncated anywhere after the signature", arguments: [12, 40, 100, 0])
    func truncated(keeping: Int) throws {
        let whole = try validFile()
        let length = keeping > 0 ? keeping : whole.count - 1   // 0: all but the last byte
        let error = try readError(Array(whole.prefix(length)), name: "truncated-\(length).png")
        #expect(error?.kind == .truncated)
        #expect(error?.description.contains("truncated PNG file: unexpected end of file") == true)
    }

    @Test func badIHDRChecksum() throws {
        var bytes = try validFile()
        bytes[29] ^= 0x01                       // 8 signature + 8 chunk head + 13 IHDR data
        let error = try readError(bytes, name: "bad-ihdr-crc.png")
        #expect(error?.kind == .malformed)
        #expect(error?.description.contains("IHDR: CRC error") == true)
    }

    @Test func badIDATChecksum() throws {
        var bytes = try validFile()
        let idat = try #require(bytes.indices.first { Array(bytes[$0..<($0 + 4)]) == Array("IDAT".utf8) })
        let length = bytes[(idat - 4)..<idat].reduce(0) { $0 << 8 | Int($1) }
        bytes[idat + 4 + length] ^= 0x01        // the chunk's CRC (flipping a data byte trips zlib first)
        let error = try readError(bytes, name: "bad-idat-crc.png")
        #expect(error?.kind == .malformed)
        #expect(error?.description.contains("IDAT: CRC error") == true)
    }

    @Test func badCompressedData() {
        let error = readError(path: Fixtures.path("bad_zlib"))
        #expect(error?.kind == .malformed)
        #expect(error?.description.contains("invalid PNG data") == true)
    }

    @Test("a header claiming 100000 x 100000 is refused before allocation")
    func hugeHeader() {
        let error = readError(path: Fixtures.path("huge"))
        #expect(error?.kind == .tooLarge)
        #expect(error?.description.contains(
            "image too large: 100000 x 100000 = 10000000000 pixels, over the limit of 256000000 pixels") == true)
    }

    @Test("a side over the limit is refused by libpng's user limits while IHDR is read")
    func sideOverTheLimit() {
        let error = readError(path: Fixtures.path("too_wide"))
        #expect(error?.kind == .malformed)
        #expect(error?.description.contains("Image width exceeds user limit in IHDR") == true)
    }

    @Test func overTheCallersPixelLimit() {
        let kind = PNGKind(colour: .grey, depth: 8)
        let error = readError(path: kind.path, maxPixels: 100)
        #expect(error?.kind == .tooLarge)
        #expect(error?.description.contains("37 x 23 = 851 pixels, over the limit of 100 pixels") == true)
    }

    /// Through a memory budget the message says what the run would need and names the option.
    @Test func overTheMemoryBudget() {
        let kind = PNGKind(colour: .grey, depth: 8)
        let error = expectImageIOError(about: kind.path) {
            _ = try PNGFile.read(kind.path, budget: MemoryBudget(bytes: 8000), bytesPerPixel: 10, purpose: "a test run")
        }
        #expect(error?.kind == .tooLarge)
        #expect(error?.description.contains(
            "37 x 23 pixels: a test run needs about 8.3 KiB, over the memory budget of 7.8 KiB (--memory-budget raises it)") == true,
            "\(error?.description ?? "")")
    }
}
