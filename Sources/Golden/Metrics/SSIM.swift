#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Structural similarity (Wang, Bovik, Sheikh, Simoncelli, IEEE Trans. Image Processing 13(4),
/// 2004), as in their reference ssim_index.m:
///
///     SSIM = (2·μx·μy + C1)(2·σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))
///     C1 = (K1·L)², C2 = (K2·L)², K1 = 0.01, K2 = 0.03, L = 255
///
/// μ, σ² and σxy are local moments under an 11×11 Gaussian window (σ = 1.5, weights summing to 1):
/// σx² = E[x²] − μx², σxy = E[xy] − μx·μy.  The result is the mean of the SSIM map, in Double.
///
/// Borders: only windows lying wholly inside the image are used ('valid' filtering, as
/// ssim_index.m), so the map is (W − 10) × (H − 10); an image narrower or lower than 11 samples has
/// no window and gives nil.  No downsampling (ssim_index.m has none; the later ssim.m does).
///
/// Separable: the window is the outer product g(i)·g(j) of the 1-D Gaussian, so each of the five
/// moments is an 11-tap horizontal pass followed by an 11-tap vertical one.  Rows stream through a
/// ring of the last 11 horizontally filtered rows, so memory is O(width).
public enum SSIM {
    public enum Plane: Sendable, Equatable {
        case channel(Int)
        /// BT.601 luma Y = 0.299·R + 0.587·G + 0.114·B, unrounded; the grey channel of a grey image.
        case luma
    }

    public static let windowSize = 11
    public static let gaussianSigma = 1.5
    public static let k1 = 0.01, k2 = 0.03, dynamicRange = 255.0

    /// 1-D Gaussian weights g(i) ∝ exp(−(i − 5)² / (2σ²)), i = 0…10, normalised to sum 1.
    static let window: [Double] = {
        let centre = Double(windowSize / 2)
        let raw = (0..<windowSize).map { i in
            exp(-(Double(i) - centre) * (Double(i) - centre) / (2 * gaussianSigma * gaussianSigma))
        }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }()

    /// Mean SSIM of one plane; nil when the image is smaller than the window.
    public static func mean(reference: Image, test: Image, plane: Plane) -> Double? {
        precondition(reference.width == test.width && reference.height == test.height
                     && reference.components == test.components, "SSIM needs images of one shape")
        if case .channel(let c) = plane {
            precondition(0 <= c && c < reference.components, "SSIM: no channel \(c) in the image")
        }
        let map = SSIMMap(width: reference.width, height: reference.height)
        guard map.outputWidth > 0, map.outputHeight > 0 else { return nil }
        return map.mean(x: PlaneRows(image: reference, plane: plane),
                        y: PlaneRows(image: test, plane: plane))
    }
}

/// Rows of a plane as Double, for the streaming SSIM map.
protocol SSIMRows {
    func load(row y: Int, into out: UnsafeMutablePointer<Double>)
}

/// Rows of one plane of an image, as Double.
struct PlaneRows: SSIMRows {
    let image: Image
    let plane: SSIM.Plane

    func load(row y: Int, into out: UnsafeMutablePointer<Double>) {
        let width = image.width, components = image.components
        image.samples.withUnsafeBufferPointer { samples in
            let row = samples.baseAddress! + y * width * components
            switch (plane, components) {
            case (.luma, 3):
                for x in 0..<width {
                    let p = row + x * 3
                    out[x] = 0.299 * Double(p[0]) + 0.587 * Double(p[1]) + 0.114 * Double(p[2])
                }
            case (.luma, _):
                for x in 0..<width { out[x] = Double(row[x * components]) }
            case (.channel(let c), _):
                for x in 0..<width { out[x] = Double(row[x * components + c]) }
            }
        }
    }
}

/// The streaming SSIM computation.  Moments, in this order: x, y, x², y², xy.
struct SSIMMap {
    static let momentCount = 5
    let width, height, outputWidth, outputHeight: Int
    let c1 = (SSIM.k1 * SSIM.dynamicRange) * (SSIM.k1 * SSIM.dynamicRange)
    let c2 = (SSIM.k2 * SSIM.dynamicRange) * (SSIM.k2 * SSIM.dynamicRange)

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        outputWidth = max(0, width - SSIM.windowSize + 1)
        outputHeight = max(0, height - SSIM.windowSize + 1)
    }

    func mean(x: some SSIMRows, y: some SSIMRows) -> Double { means(x: x, y: y).ssim }

    /// The means of the SSIM map and of its contrast-structure part cs = (2σxy + C2) / (σx² + σy² + C2).
    func means(x: some SSIMRows, y: some SSIMRows) -> (ssim: Double, cs: Double) {
        let n = SSIM.windowSize, m = Self.momentCount, rowLength = m * outputWidth
        // One scratch block: the window weights; the input rows of the five moments; the ring of
        // horizontally filtered rows (slot s holds moment k at s·rowLength + k·outputWidth); the
        // vertically filtered row of the five moments.
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(
            capacity: n + m * width + n * rowLength + rowLength)
        defer { scratch.deallocate() }
        _ = scratch.initialize(from: SSIM.window)
        let g = scratch.baseAddress!, input = g + n, ring = input + m * width, moment = ring + n * rowLength

        var total = 0.0, totalCS = 0.0
        for row in 0..<height {
            x.load(row: row, into: input)
            y.load(row: row, into: input + width)
            for i in 0..<width {
                let a = input[i], b = input[width + i]
                input[2 * width + i] = a * a
                input[3 * width + i] = b * b
                input[4 * width + i] = a * b
            }
            let slot = ring + (row % n) * rowLength
            for k in 0..<m {
                filterHorizontally(input + k * width, into: slot + k * outputWidth, weights: g)
            }
            guard row >= n - 1 else { continue }

            // The ring now holds rows row − 10 … row; the oldest sits in slot (row + 1) mod 11.
            for i in 0..<rowLength { moment[i] = 0 }
            for t in 0..<n {
                let source = ring + ((row + 1 + t) % n) * rowLength, w = g[t]
                for i in 0..<rowLength { moment[i] += w * source[i] }
            }
            let (s, cs) = sumOfSSIM(moments: moment)
            total += s
            totalCS += cs
        }
        let count = Double(outputWidth * outputHeight)
        return (total / count, totalCS / count)
    }

    /// dst[j] = Σₖ g[k]·src[j + k], j = 0 … outputWidth − 1.
    @inline(__always)
    func filterHorizontally(_ src: UnsafePointer<Double>, into dst: UnsafeMutablePointer<Double>,
                            weights g: UnsafePointer<Double>) {
        for j in 0..<outputWidth {
            var sum = 0.0
            for k in 0..<SSIM.windowSize { sum += g[k] * src[j + k] }
            dst[j] = sum
        }
    }

    /// The SSIM formula at each position of one output row, summed, and its cs part summed.
    @inline(__always)
    func sumOfSSIM(moments: UnsafePointer<Double>) -> (Double, Double) {
        let w = outputWidth
        var sum = 0.0, sumCS = 0.0
        for j in 0..<w {
            let mx = moments[j], my = moments[w + j]
            let vx = moments[2 * w + j] - mx * mx
            let vy = moments[3 * w + j] - my * my
            let cxy = moments[4 * w + j] - mx * my
            let cs = (2 * cxy + c2) / (vx + vy + c2)
            sumCS += cs
            sum += (2 * mx * my + c1) / (mx * mx + my * my + c1) * cs
        }
        return (sum, sumCS)
    }
}
