import Foundation
import LibJPEGReference
import Testing

/// The libjpeg-turbo reference checked against the stated facts (libjpeg-turbo-arithmetic.md).
@Suite struct LibJPEGReferenceTests {
    // MARK: kernels

    @Test(arguments: [0, 1, 37, 127, 128, 129, 200, 255])
    func fdctOfFlatBlockIsDCOnly(sample: Int) {
        var block = [Int16](repeating: Int16(sample - 128), count: 64)
        LibJPEG.fdct(&block)
        #expect(Int(block[0]) == 64 * (sample - 128))  // DC = sum(s - 128)
        #expect(block.dropFirst().allSatisfy { $0 == 0 })
    }

    @Test func fdctIsEightTimesOrthonormalDCT() {
        let blocks = noiseBlocks(200)
        var transformed = blocks
        LibJPEG.fdctBlocks(&transformed)
        var worst = 0.0, total = 0.0
        for b in 0..<200 {
            let exact = orthonormalDCT(blocks[(64 * b)..<(64 * b + 64)].map(Double.init))
            for i in 0..<64 {
                let error = abs(Double(transformed[64 * b + i]) - 8 * exact[i])
                worst = max(worst, error)
                total += error
            }
        }
        #expect(worst <= 2)
        #expect(total / (200 * 64) < 0.5)
    }

    @Test func blockCallsMatchSingleBlockCalls() {
        let blocks = noiseBlocks(5)
        var together = blocks
        LibJPEG.fdctBlocks(&together)
        var oneByOne = [Int16]()
        for b in 0..<5 {
            var block = Array(blocks[(64 * b)..<(64 * b + 64)])
            LibJPEG.fdct(&block)
            oneByOne += block
        }
        #expect(together == oneByOne)

        let coefficients = together.map { $0 / 16 }
        let quant = [UInt16](repeating: 2, count: 64)
        let samples = LibJPEG.idctBlocks(coefficients: coefficients, quant: quant)
        let single = (0..<5).flatMap { b in
            LibJPEG.idct(coefficients: Array(coefficients[(64 * b)..<(64 * b + 64)]), quant: quant)
        }
        #expect(samples == single)
        #expect(samples.count == 5 * 64)
    }

    /// DC only: every sample is T[(d*q + 4) >> 3], rounding ties up.
    @Test(arguments: [(1, 4), (-1, 4), (1, 12), (-1, 12), (3, 16), (-25, 16), (10, 99), (-100, 5), (63, 16)])
    func idctOfDCOnlyIsFlat(dc: Int, q: Int) {
        var coefficients = [Int16](repeating: 0, count: 64)
        coefficients[0] = Int16(dc)
        let quant = [UInt16](repeating: UInt16(q), count: 64)
        let out = LibJPEG.idct(coefficients: coefficients, quant: quant)
        let level = ((dc * q + 4) >> 3) + 128
        #expect(out == [UInt8](repeating: UInt8(min(max(level, 0), 255)), count: 64))
    }

    @Test func rangeLimitTableIsTheStatedWrap() {
        let expected: [UInt8] = (0..<1024).map { i in
            switch i {
            case 0..<128: UInt8(i + 128)
            case 128..<512: 255
            case 512..<896: 0
            default: UInt8(i - 896)
            }
        }
        #expect(LibJPEG.idctRangeLimit == expected)
    }

    /// DC = 8v with q = 1 gives v before the range limit; outside -512...511 it wraps (C code).
    @Test func idctOverflowWrapsModulo1024() {
        let quant = [UInt16](repeating: 1, count: 64)
        var wrapped = 0
        for v in stride(from: -1600, through: 1600, by: 7) {
            var coefficients = [Int16](repeating: 0, count: 64)
            coefficients[0] = Int16(8 * v)
            let out = LibJPEG.idct(coefficients: coefficients, quant: quant)
            let expected = LibJPEG.idctRangeLimit[v & 1023]
            #expect(out.allSatisfy { $0 == expected }, "v = \(v)")
            if expected != UInt8(min(max(v + 128, 0), 255)) { wrapped += 1 }
        }
        #expect(wrapped > 100)  // the sweep really left -512...511
    }

    @Test func idctIsOrthonormalInverse() {
        var coefficients = noiseBlocks(100)
        LibJPEG.fdctBlocks(&coefficients)
        let quant: [UInt16] = (0..<64).map { UInt16(4 + $0) }
        let quantized = coefficients.enumerated().map { i, x in
            Int16((Double(x) / Double(8 * quant[i % 64])).rounded())
        }
        let out = LibJPEG.idctBlocks(coefficients: quantized, quant: quant)
        var worst = 0.0
        for b in 0..<100 {
            let dequantized = (0..<64).map { Double(quantized[64 * b + $0]) * Double(quant[$0]) }
            let exact = orthonormalIDCT(dequantized)
            for i in 0..<64 {
                let sample = min(max((exact[i] + 128).rounded(), 0), 255)
                worst = max(worst, abs(Double(out[64 * b + i]) - sample))
            }
        }
        #expect(worst <= 1)
    }

    // MARK: encoder and coefficient reader

    @Test func quality50UsesAnnexKTables() throws {
        let image = rgbImage(width: 32, height: 16)
        let jpeg = try LibJPEG.encode(samples: image, width: 32, height: 16, components: 3,
                                      quality: 50, chroma: .s420)
        let components = try LibJPEG.readCoefficients(jpeg: jpeg)
        #expect(components.count == 3)
        #expect(components[0].quant == annexKLuma)
        #expect(components[1].quant == annexKChroma)
        #expect(components[2].quant == annexKChroma)
    }

    @Test(arguments: [1, 10, 75, 95, 100])
    func qualityScalesAnnexK(quality: Int) throws {
        let jpeg = try LibJPEG.encode(samples: rgbImage(width: 8, height: 8), width: 8, height: 8,
                                      components: 3, quality: quality, chroma: .s444)
        let components = try LibJPEG.readCoefficients(jpeg: jpeg)
        let scale = quality < 50 ? 5000 / quality : 200 - 2 * quality
        func scaled(_ base: [UInt16]) -> [UInt16] {
            base.map { UInt16(min(max((Int($0) * scale + 50) / 100, 1), 255)) }
        }
        #expect(components[0].quant == scaled(annexKLuma))
        #expect(components[1].quant == scaled(annexKChroma))
    }

    @Test func customTablesAreClampedTo1Through255() throws {
        let luma: [UInt16] = (0..<64).map { UInt16($0 * 5) }  // 0 ... 315
        let chroma = [UInt16](repeating: 7, count: 64)
        let jpeg = try LibJPEG.encode(samples: rgbImage(width: 16, height: 16), width: 16, height: 16,
                                      components: 3, quality: 90, chroma: .s422, tables: [luma, chroma])
        let components = try LibJPEG.readCoefficients(jpeg: jpeg)
        #expect(components[0].quant == luma.map { min(max($0, 1), 255) })
        #expect(components[1].quant == chroma)
    }

    struct Geometry: Sendable, CustomTestStringConvertible {
        let width, height: Int
        let chroma: LibJPEG.Subsampling
        /// Per component: blocks across, blocks down, width, height, h, v.
        let expected: [[Int]]
        var testDescription: String { "\(width)x\(height) \(chroma)" }
    }

    @Test(arguments: [
        Geometry(width: 1, height: 1, chroma: .s420, expected: [[1, 1, 1, 1, 2, 2], [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]]),
        Geometry(width: 17, height: 9, chroma: .s420, expected: [[3, 2, 17, 9, 2, 2], [2, 1, 9, 5, 1, 1], [2, 1, 9, 5, 1, 1]]),
        Geometry(width: 17, height: 9, chroma: .s422, expected: [[3, 2, 17, 9, 2, 1], [2, 2, 9, 9, 1, 1], [2, 2, 9, 9, 1, 1]]),
        Geometry(width: 17, height: 9, chroma: .s444, expected: [[3, 2, 17, 9, 1, 1], [3, 2, 17, 9, 1, 1], [3, 2, 17, 9, 1, 1]]),
        Geometry(width: 17, height: 9, chroma: .gray, expected: [[3, 2, 17, 9, 1, 1]]),
        Geometry(width: 600, height: 400, chroma: .s420, expected: [[75, 50, 600, 400, 2, 2], [38, 25, 300, 200, 1, 1], [38, 25, 300, 200, 1, 1]]),
    ])
    func realBlockCounts(geometry g: Geometry) throws {
        let components = g.chroma == .gray ? 1 : 3
        let samples = g.chroma == .gray ? greyImage(width: g.width, height: g.height)
                                        : rgbImage(width: g.width, height: g.height)
        let jpeg = try LibJPEG.encode(samples: samples, width: g.width, height: g.height,
                                      components: components, quality: 75, chroma: g.chroma)
        let read = try LibJPEG.readCoefficients(jpeg: jpeg)
        let found = read.map { [$0.widthInBlocks, $0.heightInBlocks, $0.width, $0.height, $0.hSampling, $0.vSampling] }
        #expect(found == g.expected)
        #expect(read.allSatisfy { $0.coefficients.count == $0.widthInBlocks * $0.heightInBlocks * 64 })
    }

    /// Every block of a grey image with whole blocks is quantize(fdct(block)): natural order
    /// within blocks, raster order of blocks, and the encoder's DCT and quantizer agree with the kernel.
    @Test func coefficientsAreQuantizedFDCTInRasterOrder() throws {
        let (width, height) = (40, 24)
        let image = greyImage(width: width, height: height)
        let jpeg = try LibJPEG.encode(samples: image, width: width, height: height, components: 1,
                                      quality: 50, chroma: .gray)
        let luma = try #require(try LibJPEG.readCoefficients(jpeg: jpeg).first)
        var expected = [Int16]()
        for by in 0..<(height / 8) {
            for bx in 0..<(width / 8) {
                var block = (0..<64).map { Int16(image[(8 * by + $0 / 8) * width + 8 * bx + $0 % 8]) - 128 }
                LibJPEG.fdct(&block)
                expected += block.enumerated().map { i, x in
                    let q = Int(annexKLuma[i]), magnitude = (abs(Int(x)) + 4 * q) / (8 * q)
                    return Int16(x < 0 ? -magnitude : magnitude)
                }
            }
        }
        #expect(luma.coefficients == expected)
        #expect(luma.coefficients.contains { $0 != 0 && $0 != luma.coefficients[0] })
    }

    // MARK: decoder

    @Test(arguments: [LibJPEG.Subsampling.s444, .s422, .s420])
    func roundTripIsClose(chroma: LibJPEG.Subsampling) throws {
        let (width, height) = (600, 400)
        let image = rgbImage(width: width, height: height)
        let jpeg = try LibJPEG.encode(samples: image, width: width, height: height, components: 3,
                                      quality: 90, chroma: chroma)
        let fancy = try LibJPEG.decode(jpeg: jpeg, fancyUpsampling: true)
        let box = try LibJPEG.decode(jpeg: jpeg, fancyUpsampling: false)
        for decoded in [fancy, box] {
            #expect(decoded.width == width && decoded.height == height && decoded.components == 3)
            #expect(psnr(decoded.samples, image) > 30)
        }
        // Upsampling only exists for subsampled chroma.
        #expect((fancy.samples == box.samples) == (chroma == .s444))
    }

    @Test func greyRoundTripStaysGrey() throws {
        let image = greyImage(width: 17, height: 9)
        let jpeg = try LibJPEG.encode(samples: image, width: 17, height: 9, components: 1,
                                      quality: 95, chroma: .gray)
        let decoded = try LibJPEG.decode(jpeg: jpeg, fancyUpsampling: true)
        #expect(decoded.width == 17 && decoded.height == 9 && decoded.components == 1)
        #expect(psnr(decoded.samples, image) > 35)
    }

    // MARK: errors

    @Test func garbageIsAThrownLibjpegError() {
        let garbage: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4]
        #expect(throws: LibJPEG.Failure(code: 53, message: "Not a JPEG file: starts with 0x89 0x50")) {
            _ = try LibJPEG.decode(jpeg: garbage, fancyUpsampling: true)
        }
        #expect(throws: LibJPEG.Failure(code: 53, message: "Not a JPEG file: starts with 0x89 0x50")) {
            _ = try LibJPEG.readCoefficients(jpeg: garbage)
        }
        #expect(throws: LibJPEG.Failure(code: 42, message: "Empty input file")) {
            _ = try LibJPEG.decode(jpeg: [], fancyUpsampling: false)
        }
    }

    @Test func truncatedDataIsAnErrorNotAWarning() throws {
        let jpeg = try LibJPEG.encode(samples: rgbImage(width: 64, height: 64), width: 64, height: 64,
                                      components: 3, quality: 75, chroma: .s420)
        let truncated = Array(jpeg.prefix(jpeg.count / 2))
        #expect(throws: LibJPEG.Failure(code: 120, message: "Premature end of JPEG file")) {
            _ = try LibJPEG.decode(jpeg: truncated, fancyUpsampling: true)
        }
    }

    @Test func emptyImageIsAnEncoderError() {
        #expect(throws: LibJPEG.Failure(code: 32, message: "Empty JPEG image (DNL not supported)")) {
            _ = try LibJPEG.encode(samples: [], width: 0, height: 5, components: 3, quality: 75, chroma: .s420)
        }
    }

    // MARK: speed (printed, not asserted)

    @Test func kernelSpeed() {
        let (fdct, idct) = LibJPEG.timeKernels(blocks: 200_000)
        print(String(format: "libjpeg C kernels: fdct_islow %.1f ns/block, idct_islow %.1f ns/block", fdct, idct))
        #expect(fdct.isFinite && fdct > 0)
        #expect(idct.isFinite && idct > 0)
    }
}

// MARK: helpers

private let annexKLuma: [UInt16] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]

private let annexKChroma: [UInt16] = (0..<64).map { i in
    let head: [[UInt16]] = [[17, 18, 24, 47], [18, 21, 26, 66], [24, 26, 56], [47, 66]]
    let (row, column) = (i / 8, i % 8)
    return row < head.count && column < head[row].count ? head[row][column] : 99
}

/// Deterministic xorshift64 values in 0 ..< range.
private struct Noise {
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    mutating func next(_ range: Int) -> Int {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Int(state % UInt64(range))
    }
}

/// Blocks of uniform sample - 128 values.
private func noiseBlocks(_ count: Int) -> [Int16] {
    var noise = Noise()
    return (0..<(64 * count)).map { _ in Int16(noise.next(256) - 128) }
}

/// Smooth gradients with mild noise, RGB interleaved.
private func rgbImage(width: Int, height: Int) -> [UInt8] {
    var noise = Noise()
    var samples = [UInt8]()
    samples.reserveCapacity(width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let r = 255 * x / max(width - 1, 1), g = 255 * y / max(height - 1, 1)
            let b = 128 + Int(100 * sin(Double(x + y) / 9))
            for c in [r, g, b] { samples.append(UInt8(min(max(c + noise.next(9) - 4, 0), 255))) }
        }
    }
    return samples
}

private func greyImage(width: Int, height: Int) -> [UInt8] {
    var noise = Noise()
    return (0..<(width * height)).map { i in
        let (x, y) = (i % width, i / width)
        return UInt8(min(max(128 + Int(90 * sin(Double(x) / 5) * cos(Double(y) / 7)) + noise.next(11) - 5, 0), 255))
    }
}

private func basis(_ k: Int, _ n: Int) -> Double {
    (k == 0 ? (1 / 8).squareRoot() : (2 / 8).squareRoot()) * cos(Double((2 * n + 1) * k) * .pi / 16)
}

/// 2-D DCT-II with orthonormal scaling, row-major.
private func orthonormalDCT(_ block: [Double]) -> [Double] {
    (0..<64).map { i in
        let (v, u) = (i / 8, i % 8)
        return (0..<64).reduce(0) { sum, j in sum + block[j] * basis(v, j / 8) * basis(u, j % 8) }
    }
}

private func orthonormalIDCT(_ coefficients: [Double]) -> [Double] {
    (0..<64).map { j in
        (0..<64).reduce(0) { sum, i in sum + coefficients[i] * basis(i / 8, j / 8) * basis(i % 8, j % 8) }
    }
}

private func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
    let squared = zip(a, b).reduce(0.0) { sum, pair in
        let d = Double(pair.0) - Double(pair.1)
        return sum + d * d
    }
    return 10 * log10(255 * 255 / max(squared / Double(a.count), 1e-12))
}
