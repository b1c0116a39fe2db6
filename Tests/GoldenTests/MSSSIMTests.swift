import Foundation
import Testing
@testable import Golden

@Suite struct MSSSIMTests {
    static func flat(_ level: UInt8, side: Int = 200) -> Image {
        Image(width: side, height: side, components: 1, filledWith: level)
    }

    /// Flat images: every σ is 0, so each cs_j = C2/C2 = 1 and the coarsest SSIM is the luminance
    /// term l = (2μxμy + C1) / (μx² + μy² + C1): MS-SSIM = l^0.1333 exactly.
    @Test func flatImagesGiveTheLuminanceTermToItsWeight() throws {
        let (a, b) = (100.0, 140.0), c1 = (0.01 * 255) * (0.01 * 255)
        let l = (2 * a * b + c1) / (a * a + b * b + c1)
        let value = try #require(MSSSIM.luma(reference: Self.flat(100), test: Self.flat(140)))
        #expect(abs(value - pow(l, 0.1333)) < 1e-12, "\(value)")
        #expect(MSSSIM.luma(reference: Self.flat(7), test: Self.flat(7)) == 1)
    }

    /// Too small for five scales: nil; more noise: lower.
    @Test func sizeLimitAndMonotonicity() throws {
        #expect(MSSSIM.luma(reference: Self.flat(1, side: 175), test: Self.flat(1, side: 175)) == nil)
        var generator = SplitMix64(seed: 7)
        var ramp = [UInt8](repeating: 0, count: 256 * 256 * 3)
        for i in ramp.indices {
            let (x, y) = (i / 3 % 256, i / (3 * 256))
            ramp[i] = UInt8((x + y) / 2)
        }
        let base = Image(width: 256, height: 256, components: 3, samples: ramp)
        func noisy(_ amplitude: Int) -> Image {
            var out = base
            for i in out.samples.indices {
                let n = Int(generator.next() % UInt64(2 * amplitude + 1)) - amplitude
                out.samples[i] = UInt8(clamping: Int(out.samples[i]) + n)
            }
            return out
        }
        let small = try #require(MSSSIM.luma(reference: base, test: noisy(4)))
        let large = try #require(MSSSIM.luma(reference: base, test: noisy(40)))
        #expect(small < 1 && large < small && large > 0, "\(small) \(large)")
    }
}
