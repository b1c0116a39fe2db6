import Foundation
import Golden
import ImageIO
import Testing

@Suite struct QualityMetricsTests {
    static func image(_ width: Int, _ height: Int, _ components: Int,
                      _ sample: (_ x: Int, _ y: Int, _ c: Int) -> Int) -> Image {
        var samples: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<components { samples.append(UInt8(sample(x, y, c))) }
            }
        }
        return Image(width: width, height: height, components: components, samples: samples)
    }

    /// `image` plus uniform noise in −amplitude…amplitude (a fixed xorshift sequence), clamped.
    static func withNoise(_ image: Image, amplitude: Int) -> Image {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var noisy = image
        for i in noisy.samples.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            let noise = Int(state % UInt64(2 * amplitude + 1)) - amplitude
            noisy.samples[i] = UInt8(min(255, max(0, Int(image.samples[i]) + noise)))
        }
        return noisy
    }

    @Test("identical images: PSNR infinite (nil), MSE 0, SSIM exactly 1")
    func identical() throws {
        let coffee = try PNGFile.read(Fixtures.sharedImage("coffee.png"))
        let metrics = QualityMetrics.measure(reference: coffee, test: coffee)
        #expect(metrics.psnr == [nil, nil, nil])
        #expect(metrics.psnrOverall == nil)
        #expect(metrics.meanSquaredError == [0, 0, 0] && metrics.meanSquaredErrorOverall == 0)
        #expect(metrics.maxAbsoluteError == 0)
        #expect(metrics.ssim == [1, 1, 1])
        #expect(metrics.ssimLuma == 1)
    }

    @Test("a known MSE gives the known PSNR, per channel and overall")
    func knownMeanSquaredError() {
        let reference = Self.image(16, 16, 3) { x, y, c in (x * 13 + y * 7 + c * 50) % 200 + 20 }
        // R off by 10 everywhere (MSE 100), G exact, B off by ±5 (MSE 25); overall MSE 125/3.
        let test = Self.image(16, 16, 3) { x, y, c in
            let v = (x * 13 + y * 7 + c * 50) % 200 + 20
            return [v + 10, v, (x + y) % 2 == 0 ? v + 5 : v - 5][c]
        }
        let metrics = QualityMetrics.measure(reference: test, test: reference)
        #expect(metrics.meanSquaredError == [100, 0, 25])
        #expect(metrics.maxAbsoluteError == 10)
        #expect(abs(metrics.psnr[0]! - 28.130803608679106) < 1e-9)     // 10·log10(255²/100)
        #expect(metrics.psnr[1] == nil)
        #expect(abs(metrics.psnr[2]! - 34.15140352195873) < 1e-9)      // 10·log10(255²/25)
        #expect(abs(metrics.psnrOverall! - 31.932916025795166) < 1e-9) // 10·log10(255²/(125/3))
    }

    @Test("flat images: SSIM = (2pq + C1)/(p² + q² + C1), as σ = 0", arguments: [(11, 11), (23, 14)])
    func flatImages(width: Int, height: Int) {
        let c1 = (0.01 * 255) * (0.01 * 255)
        let expected = (2 * 100 * 110 + c1) / (100 * 100 + 110 * 110 + c1)   // 0.99547644…
        let metrics = QualityMetrics.measure(reference: Self.image(width, height, 1) { _, _, _ in 100 },
                                             test: Self.image(width, height, 1) { _, _, _ in 110 })
        #expect(abs(metrics.ssimLuma! - expected) < 1e-12)
        #expect(abs(expected - 0.9954764440915066) < 1e-15)
    }

    @Test("the separable streaming SSIM equals the direct 2-D Gaussian window")
    func separableEqualsDirect() {
        let reference = Self.image(19, 14, 3) { x, y, c in (x * x * 7 + y * 31 + c * 90 + x * y) % 256 }
        let test = Self.withNoise(reference, amplitude: 30)
        for c in 0..<3 {
            let fast = SSIM.mean(reference: reference, test: test, plane: .channel(c))!
            let direct = Self.directSSIM(reference, test, channel: c)
            #expect(abs(fast - direct) < 1e-12, "channel \(c): \(fast) vs \(direct)")
            #expect(fast < 0.99)
        }
    }

    /// Wang et al.'s definition, computed window by window with the 2-D weights.
    static func directSSIM(_ a: Image, _ b: Image, channel: Int) -> Double {
        let weight: [[Double]] = (0..<11).map { j in
            (0..<11).map { i in
                let squaredDistance = Double((i - 5) * (i - 5) + (j - 5) * (j - 5))
                return exp(-squaredDistance / 4.5)          // 2σ² = 4.5
            }
        }
        let total = weight.joined().reduce(0, +)
        let c1 = 2.55 * 2.55, c2 = 7.65 * 7.65
        var sum = 0.0
        for top in 0...(a.height - 11) {
            for left in 0...(a.width - 11) {
                var mx = 0.0, my = 0.0, xx = 0.0, yy = 0.0, xy = 0.0
                for j in 0..<11 {
                    for i in 0..<11 {
                        let w = weight[j][i] / total
                        let x = Double(a[left + i, top + j, channel]), y = Double(b[left + i, top + j, channel])
                        mx += w * x; my += w * y; xx += w * x * x; yy += w * y * y; xy += w * x * y
                    }
                }
                sum += ((2 * mx * my + c1) * (2 * (xy - mx * my) + c2))
                    / ((mx * mx + my * my + c1) * (xx - mx * mx + yy - my * my + c2))
            }
        }
        return sum / Double((a.width - 10) * (a.height - 10))
    }

    @Test("SSIM and PSNR drop as noise grows")
    func noise() throws {
        let camera = try PNGFile.read(Fixtures.sharedImage("camera.png"))
        let metrics = [2, 8, 32].map { amplitude in
            QualityMetrics.measure(reference: camera, test: Self.withNoise(camera, amplitude: amplitude))
        }
        let ssim = metrics.map { $0.ssimLuma! }, psnr = metrics.map { $0.psnrOverall! }
        #expect(ssim[0] < 1 && ssim[0] > ssim[1] && ssim[1] > ssim[2] && ssim[2] > 0)
        #expect(psnr[0] > psnr[1] && psnr[1] > psnr[2])
    }

    @Test("luma of an RGB image with R = G = B is that grey level")
    func lumaOfGreyRGB() {
        let grey = Self.image(20, 15, 1) { x, y, _ in (x * 17 + y * 11) % 256 }
        let greyTest = Self.withNoise(grey, amplitude: 20)
        let rgb = { (image: Image) in Self.image(20, 15, 3) { x, y, _ in Int(image[x, y, 0]) } }
        let greyMetrics = QualityMetrics.measure(reference: grey, test: greyTest)
        let rgbMetrics = QualityMetrics.measure(reference: rgb(grey), test: rgb(greyTest))
        #expect(greyMetrics.ssim == [greyMetrics.ssimLuma])
        #expect(abs(rgbMetrics.ssimLuma! - greyMetrics.ssimLuma!) < 1e-12)
        #expect(greyMetrics.ssimLuma! < 0.99)
    }

    @Test("smaller than the 11 x 11 window: SSIM is nil, and JSON keeps every key as null")
    func tooSmallForTheWindowAndJSON() throws {
        let small = Self.image(10, 40, 3) { x, y, c in x + y + c }
        let metrics = QualityMetrics.measure(reference: small, test: small)
        #expect(metrics.ssim == [nil, nil, nil] && metrics.ssimLuma == nil)
        let json = String(decoding: try JSONEncoder().encode(metrics), as: UTF8.self)
        #expect(json.contains("\"psnrOverall\":null"))
        #expect(json.contains("\"ssimLuma\":null"))
        #expect(try JSONDecoder().decode(QualityMetrics.self, from: Data(json.utf8)) == metrics)
    }

    @Test("error map: |a − b| · amplification, clamped to 255, in the input's components")
    func errorMap() {
        let a = Self.image(4, 1, 3) { x, _, c in 100 + x * c }
        let b = Self.image(4, 1, 3) { x, _, c in 100 - x * c * 10 }
        let map = QualityMetrics.errorMap(reference: a, test: b)
        #expect(map.components == 3)
        // Differences x·c·11: (0 0 0) (0 11 22) (0 22 44) (0 33 66), times 8, clamped.
        #expect(map.samples == [0, 0, 0, 0, 88, 176, 0, 176, 255, 0, 255, 255])
        let greyMap = QualityMetrics.errorMap(reference: Self.image(3, 1, 1) { x, _, _ in x },
                                              test: Self.image(3, 1, 1) { _, _, _ in 0 }, amplification: 100)
        #expect(greyMap.components == 1)
        #expect(greyMap.samples == [0, 100, 200])
    }
}
