#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Multi-scale SSIM (Wang, Simoncelli, Bovik, Asilomar 2003) of BT.601 luma:
///
///     MS-SSIM = SSIM_M^w_M · Π_{j<M} cs_j^w_j,   M = 5,
///     w = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
///
/// cs_j is the mean contrast-structure term (2σxy + C2) / (σx² + σy² + C2) at scale j, SSIM_M the
/// mean SSIM at the coarsest scale, each under the 11×11 Gaussian window of `SSIM` with valid
/// borders. Between scales both images are halved by 2×2 averaging (an odd last row or column is
/// dropped). A negative mean is taken as 0 before the power. nil when the coarsest scale is smaller
/// than the window: both sides need at least 11 · 2⁴ = 176 samples.
public enum MSSSIM {
    public static let weights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    public static let minimumSide = SSIM.windowSize << (weights.count - 1)

    public static func luma(reference: Image, test: Image) -> Double? {
        precondition(reference.width == test.width && reference.height == test.height
                     && reference.components == test.components, "MS-SSIM needs images of one shape")
        guard reference.width >= minimumSide, reference.height >= minimumSide else { return nil }
        var x = DoublePlane(reference), y = DoublePlane(test)
        var product = 1.0
        for (scale, weight) in weights.enumerated() {
            let map = SSIMMap(width: x.width, height: x.height)
            let (ssim, cs) = map.means(x: x, y: y)
            let term = scale == weights.count - 1 ? ssim : cs
            product *= pow(max(0, term), weight)
            if scale < weights.count - 1 { (x, y) = (x.halved(), y.halved()) }
        }
        return product
    }
}

/// A plane of Double samples: an image's luma, or a halved one.
struct DoublePlane: SSIMRows {
    var width: Int, height: Int
    var samples: [Double]

    init(_ image: Image) {
        (width, height) = (image.width, image.height)
        samples = [Double](repeating: 0, count: width * height)
        let rows = PlaneRows(image: image, plane: .luma)
        samples.withUnsafeMutableBufferPointer { out in
            for y in 0..<height { rows.load(row: y, into: out.baseAddress! + y * width) }
        }
    }

    init(width: Int, height: Int, samples: [Double]) { (self.width, self.height, self.samples) = (width, height, samples) }

    func load(row y: Int, into out: UnsafeMutablePointer<Double>) {
        samples.withUnsafeBufferPointer { s in out.update(from: s.baseAddress! + y * width, count: width) }
    }

    /// out[i][j] = (s[2i][2j] + s[2i][2j+1] + s[2i+1][2j] + s[2i+1][2j+1]) / 4.
    func halved() -> DoublePlane {
        let w = width / 2, h = height / 2
        var out = [Double](repeating: 0, count: w * h)
        for i in 0..<h {
            for j in 0..<w {
                let a = 2 * i * width + 2 * j
                out[i * w + j] = (samples[a] + samples[a + 1] + samples[a + width] + samples[a + width + 1]) / 4
            }
        }
        return DoublePlane(width: w, height: h, samples: out)
    }
}
