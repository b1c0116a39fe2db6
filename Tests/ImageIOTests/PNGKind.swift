import Golden
import ImageIO
import Testing

/// One kind of PNG file the reader must handle, and the image the reading rules promise for it.
struct PNGKind: Sendable, CustomTestStringConvertible {
    enum Colour: Int, Sendable { case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6 }

    let colour: Colour
    let depth: Int
    var trns = false
    var interlaced = false
    var width = 37
    var height = 23

    static let all: [PNGKind] = [
        .init(colour: .grey, depth: 1), .init(colour: .grey, depth: 2), .init(colour: .grey, depth: 4),
        .init(colour: .grey, depth: 8), .init(colour: .grey, depth: 16),
        .init(colour: .grey, depth: 2, trns: true), .init(colour: .grey, depth: 8, trns: true),
        .init(colour: .grey, depth: 16, trns: true),
        .init(colour: .greyAlpha, depth: 8), .init(colour: .greyAlpha, depth: 16),
        .init(colour: .rgb, depth: 8), .init(colour: .rgb, depth: 16),
        .init(colour: .rgb, depth: 8, trns: true), .init(colour: .rgb, depth: 16, trns: true),
        .init(colour: .rgba, depth: 8), .init(colour: .rgba, depth: 16),
        .init(colour: .palette, depth: 1), .init(colour: .palette, depth: 2),
        .init(colour: .palette, depth: 4), .init(colour: .palette, depth: 8),
        .init(colour: .palette, depth: 2, trns: true), .init(colour: .palette, depth: 8, trns: true),
        .init(colour: .grey, depth: 1, interlaced: true), .init(colour: .grey, depth: 8, interlaced: true),
        .init(colour: .rgba, depth: 16, interlaced: true),
        .init(colour: .palette, depth: 4, trns: true, interlaced: true),
        .init(colour: .rgb, depth: 8, interlaced: true, width: 1, height: 1),
        .init(colour: .rgb, depth: 8, interlaced: true, width: 3, height: 2),
        .init(colour: .grey, depth: 16, interlaced: true, width: 5, height: 9),
    ]

    var name: String {
        "\(colour)\(depth)\(trns ? "_trns" : "")\(interlaced ? "_adam7" : "")_\(width)x\(height)"
    }
    var testDescription: String { name }
    var generatorLine: String {
        "\(name),\(width),\(height),\(depth),\(colour.rawValue),\(interlaced ? "adam7" : "plain"),\(trns ? "trns" : "opaque")"
    }
    var path: String { Fixtures.path(name) }
    var hasAlpha: Bool { trns || colour == .greyAlpha || colour == .rgba }

    /// The reading rules, applied to the stored samples.
    func expectedImage(alpha rule: AlphaRule) -> Image {
        var samples: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let (colours, alpha) = expectedPixel(x: x, y: y)
                for v in colours {
                    switch rule {
                    case .drop:
                        samples.append(UInt8(v))
                    case .composite(let background):
                        let blended = Double(alpha * v + (255 - alpha) * Int(background)) / 255
                        samples.append(UInt8(blended.rounded()))
                    }
                }
            }
        }
        let components = colour == .grey || colour == .greyAlpha ? 1 : 3
        return Image(width: width, height: height, components: components, samples: samples)
    }

    /// 8-bit colour samples and alpha of one pixel.
    private func expectedPixel(x: Int, y: Int) -> (colours: [Int], alpha: Int) {
        let stored = { (c: Int) in sourceSample(x: x, y: y, c: c, depth: depth) }
        let key = { (c: Int) in sourceSample(x: 1, y: 1, c: c, depth: depth) }
        switch colour {
        case .grey:
            return ([to8Bits(stored(0))], trns && stored(0) == key(0) ? 0 : 255)
        case .rgb:
            let transparent = trns && (0..<3).allSatisfy { stored($0) == key($0) }
            return ((0..<3).map { to8Bits(stored($0)) }, transparent ? 0 : 255)
        case .palette:
            let index = stored(0)
            return (paletteEntry(index), trns && index < (1 << depth) / 2 ? paletteAlpha(index) : 255)
        case .greyAlpha:
            return ([to8Bits(stored(0))], to8Bits(stored(1)))
        case .rgba:
            return ((0..<3).map { to8Bits(stored($0)) }, to8Bits(stored(3)))
        }
    }

    /// 16 bits: round(v·255/65535) (never exactly halfway); 1, 2, 4 bits: v·255/(2ⁿ − 1), exact.
    private func to8Bits(_ v: Int) -> Int {
        depth == 16 ? Int((Double(v) * 255 / 65535).rounded()) : v * 255 / ((1 << depth) - 1)
    }
}
