#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Squared-error sums between two images of the same shape, per channel, in exact integers.
struct SquaredErrorSums {
    var perChannel: [Int]
    var maxAbsoluteError: Int

    init(reference: Image, test: Image) {
        let components = reference.components
        var sums = [Int](repeating: 0, count: components)
        var maxError = 0
        reference.samples.withUnsafeBufferPointer { a in
            test.samples.withUnsafeBufferPointer { b in
                for c in 0..<components {
                    var sum = 0
                    for i in Swift.stride(from: c, to: a.count, by: components) {
                        let d = Int(a[i]) - Int(b[i])
                        sum += d * d
                        maxError = max(maxError, abs(d))
                    }
                    sums[c] = sum
                }
            }
        }
        perChannel = sums
        maxAbsoluteError = maxError
    }
}

/// Peak signal-to-noise ratio for 8-bit samples:
///
///     PSNR = 10 · log10(255² / MSE)  dB
///
/// Identical data (MSE = 0) has infinite PSNR, reported as nil so that it stays valid JSON (null).
public enum PSNR {
    public static let peak = 255.0

    public static func decibels(meanSquaredError mse: Double) -> Double? {
        mse > 0 ? 10 * log10(peak * peak / mse) : nil
    }
}
