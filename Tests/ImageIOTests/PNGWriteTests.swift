import Foundation
import Golden
import ImageIO
import Testing

@Suite final class PNGWriteTests {
    let folder = makeTemporaryFolder(prefix: "fxcodec-png-write")
    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func contents(of folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    func writeError(_ image: Image, to path: String) -> ImageIOError? {
        let error = expectImageIOError(about: path) { try PNGFile.write(image, to: path) }
        #expect(error?.description.hasPrefix(path + ": cannot write the file: ") == true)
        return error
    }

    static let gradient = Image(width: 29, height: 17, components: 3,
                                samples: (0..<(29 * 17 * 3)).map { UInt8(truncatingIfNeeded: $0 * 7) })
    static let grey = Image(width: 31, height: 5, components: 1,
                            samples: (0..<(31 * 5)).map { UInt8(truncatingIfNeeded: $0 * 13) })

    @Test("8-bit grey and RGB read back exactly", arguments: [gradient, grey])
    func roundTrip(image: Image) throws {
        let path = folder + "/round-trip.png"
        try PNGFile.write(image, to: path)
        #expect(firstDifference(try PNGFile.read(path), image) == nil)
        #expect(contents(of: folder) == ["round-trip.png"])
    }

    @Test("a photograph reads back exactly", arguments: ["coffee.png", "camera.png"])
    func photographRoundTrip(name: String) throws {
        let original = try PNGFile.read(Fixtures.sharedImage(name))
        let path = folder + "/" + name
        try PNGFile.write(original, to: path)
        #expect(firstDifference(try PNGFile.read(path), original) == nil)
    }

    @Test func replacesAnExistingFile() throws {
        let path = folder + "/image.png"
        try PNGFile.write(Self.grey, to: path)
        try PNGFile.write(Self.gradient, to: path)
        #expect(firstDifference(try PNGFile.read(path), Self.gradient) == nil)
        #expect(contents(of: folder) == ["image.png"])
    }

    @Test("libpng refuses a 0 x 0 image: no output and no temporary file remain")
    func refusedByLibpng() {
        let path = folder + "/empty.png"
        let error = writeError(Image(width: 0, height: 0, components: 1, samples: []), to: path)
        #expect(error?.description.contains("Image width is zero in IHDR") == true)
        #expect(contents(of: folder).isEmpty)
    }

    @Test("a failed write leaves an existing file as it was")
    func failureKeepsTheOldFile() throws {
        let path = folder + "/kept.png"
        try PNGFile.write(Self.grey, to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        _ = writeError(Image(width: 0, height: 0, components: 3, samples: []), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(contents(of: folder) == ["kept.png"])
    }

    @Test("the rename fails when the target is a folder: the temporary file is removed")
    func renameFailure() throws {
        let path = folder + "/a-folder"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        let error = writeError(Self.grey, to: path)
        #expect(error?.description.contains("cannot rename the finished temporary file into place") == true)
        #expect(contents(of: folder) == ["a-folder"])
        #expect(contents(of: path).isEmpty)
    }

    @Test("an Image whose samples were cut short after init is refused, not read past")
    func inconsistentImage() {
        var image = Self.grey
        image.samples.removeLast()
        let path = folder + "/short.png"
        let error = expectImageIOError(about: path) { try PNGFile.write(image, to: path) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.description.contains("31 x 5 x 1 samples holding 154") == true)
        #expect(contents(of: folder).isEmpty)
    }

    @Test func missingFolder() {
        let path = folder + "/no-such-folder/out.png"
        let error = writeError(Self.grey, to: path)
        #expect(error?.description.contains("No such file or directory") == true)
        #expect(contents(of: folder).isEmpty)
    }
}
