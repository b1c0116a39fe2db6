import Foundation
import Golden
import HLSGen
import Testing

/// The raster front end's block order and address rules (`MCUOrder`) against the golden model's
/// component planes: every real block once, its 64 samples equal, dummies exactly where an MCU runs
/// past a component's blocks; on every shared image (a window) and the sizes the issue names, in
/// 4:2:0, 4:2:2, 4:4:4 and grey.
@Suite struct MCUOrderTests {
    static let sizes = [(1, 1), (17, 9), (33, 17), (250, 131), (16, 16), (15, 8)]

    static func frames() throws -> [(name: String, image: Image)] {
        let images = try Fixtures.sharedImages()
        var frames: [(String, Image)] = images.map { ("\($0.name)[161x131]", $0.image.window(x: 61, y: 47, width: 161, height: 131)) }
        let coffee = try #require(images.first { $0.name.hasPrefix("coffee") }).image
        let camera = try #require(images.first { $0.name.hasPrefix("camera") }).image
        for (w, h) in sizes {
            frames.append(("coffee \(w)x\(h)", coffee.window(x: 5, y: 3, width: w, height: h)))
            frames.append(("camera \(w)x\(h)", camera.window(x: 5, y: 3, width: w, height: h)))
        }
        return frames
    }

    /// Full-resolution planes as the colour stage gives them (libjpeg's integer RGB→YCbCr).
    static func fullPlanes(_ image: Image, colour: ColourConversion, grey: Bool) -> [[UInt8]] {
        guard image.components == 3 else { return [image.samples] }
        var planes = [[UInt8]](repeating: [UInt8](repeating: 0, count: image.pixelCount), count: grey ? 1 : 3)
        for i in 0..<image.pixelCount {
            let (y, cb, cr) = colour.forward(Int(image.samples[3 * i]), Int(image.samples[3 * i + 1]), Int(image.samples[3 * i + 2]))
            planes[0][i] = y
            if !grey { planes[1][i] = cb; planes[2][i] = cr }
        }
        return planes
    }

    @Test(arguments: ChromaSubsampling.allCases)
    func everyBlockIsTheGoldenModelsInMCUOrder(_ chroma: ChromaSubsampling) throws {
        let codec = try ImageCodec(config: .libjpeg)
        let colour = ColourConversion(bits: DatapathConfig.libjpeg.colorBits)
        var frames = 0, blocks = 0, dummies = 0
        for (name, image) in try Self.frames() {
            let (used, planes) = codec.componentPlanes(image, chroma: chroma)
            let order = MCUOrder(width: image.width, height: image.height, chroma: used, components: image.components)
            let full = Self.fullPlanes(image, colour: colour, grey: used == .gray)
            #expect(order.components == planes.count, "\(name) \(chroma): components")
            var seen = Set<[Int]>()
            for block in order.blocks {
                let plane = planes[block.component]
                #expect(block.dummy == (block.x >= plane.blocksWide || block.y >= plane.blocksHigh), "\(name) \(chroma): \(block)")
                if block.dummy { dummies += 1; continue }
                #expect(seen.insert([block.component, block.x, block.y]).inserted, "\(name) \(chroma): \(block) twice")
                let golden = (0..<64).map { k in plane.samples[(8 * block.y + k / 8) * plane.stride + 8 * block.x + k % 8] }
                let mine = order.samples(of: block, from: full[block.component])
                if mine != golden {
                    let k = (0..<64).first { mine[$0] != golden[$0] }!
                    Issue.record("\(name) \(chroma): component \(block.component) block (\(block.x), \(block.y)) index \(k): expected \(golden[k]), got \(mine[k])")
                    return
                }
                blocks += 1
            }
            #expect(seen.count == planes.reduce(0) { $0 + $1.blockCount }, "\(name) \(chroma): every real block once")
            frames += 1
        }
        #expect(frames == 6 + 2 * Self.sizes.count && blocks > 2000, "\(frames) frames, \(blocks) blocks")
        // 4:2:0 and 4:2:2 frames whose width is not a multiple of 16 have dummy luma blocks.
        #expect((dummies > 0) == (chroma == .s420 || chroma == .s422), "\(chroma): \(dummies) dummies")
    }
}
