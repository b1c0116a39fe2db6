import Golden
import ImageIO
import Testing

@Suite struct PNGReadTests {
    @Test("each PNG kind reads by the rules", arguments: PNGKind.all,
          [AlphaRule.drop, .composite(background: 77)])
    func readsByTheRules(kind: PNGKind, alpha: AlphaRule) throws {
        let image = try PNGFile.read(kind.path, alpha: alpha)
        #expect(firstDifference(image, kind.expectedImage(alpha: alpha)) == nil)
    }

    @Test("compositing changes every file that has alpha or tRNS", arguments: PNGKind.all.filter(\.hasAlpha))
    func compositingIsNotANoOp(kind: PNGKind) throws {
        let dropped = try PNGFile.read(kind.path, alpha: .drop)
        let overBlack = try PNGFile.read(kind.path, alpha: .composite(background: 0))
        let overWhite = try PNGFile.read(kind.path, alpha: .composite(background: 255))
        #expect(differingSamples(dropped, overBlack) > 0)
        #expect(differingSamples(overBlack, overWhite) > 0)
    }

    @Test("every 16-bit value v reads as round(v·255/65535)")
    func sixteenBitRounding() throws {
        let image = try PNGFile.read(Fixtures.path("grey16_every_value"))
        #expect(image.components == 1)
        let wrong = (0..<65536).filter { v in
            Int(image.samples[v]) != Int((Double(v) * 255 / 65535).rounded())
        }
        #expect(wrong.isEmpty, "first wrong values: \(wrong.prefix(5))")
    }

    @Test("the pixel limit is a parameter: width × height equal to it passes, one more is refused")
    func pixelLimit() throws {
        let kind = PNGKind(colour: .grey, depth: 8)
        let pixels = kind.width * kind.height
        #expect(try PNGFile.read(kind.path, maxPixels: pixels).pixelCount == pixels)
        #expect(throws: ImageIOError.self) { try PNGFile.read(kind.path, maxPixels: pixels - 1) }
    }

    @Test("coffee_16bit.png (coffee ×257) reads equal to coffee.png")
    func sixteenBitPhotograph() throws {
        let eight = try PNGFile.read(Fixtures.sharedImage("coffee.png"))
        let sixteen = try PNGFile.read(Fixtures.sharedImage("coffee_16bit.png"))
        #expect((eight.width, eight.height, eight.components) == (600, 400, 3))
        #expect(firstDifference(sixteen, eight) == nil)
    }

    @Test("camera.png is grey")
    func greyPhotograph() throws {
        let camera = try PNGFile.read(Fixtures.sharedImage("camera.png"))
        #expect((camera.width, camera.height, camera.components) == (512, 512, 1))
        #expect(Set(camera.samples).count > 200)
    }

    @Test("horse.png is RGBA: alpha is dropped, or composited over the background")
    func rgbaPhotograph() throws {
        let path = Fixtures.sharedImage("horse.png")
        let dropped = try PNGFile.read(path)
        let overBlack = try PNGFile.read(path, alpha: .composite(background: 0))
        let overWhite = try PNGFile.read(path, alpha: .composite(background: 255))
        #expect((dropped.width, dropped.height, dropped.components) == (400, 328, 3))
        #expect((overBlack.width, overBlack.height, overBlack.components) == (400, 328, 3))
        // Its partly transparent pixels store white, so only a dark background shows them.
        #expect(differingSamples(dropped, overBlack) > 0)
        #expect(firstDifference(dropped, overWhite) == nil)
    }
}
