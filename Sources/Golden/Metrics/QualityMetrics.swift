/// How close a decoded image is to its reference: PSNR, mean squared error and SSIM, per channel and
/// overall.  Encodes to JSON with every key present; a PSNR of identical data (infinite) is null,
/// and so is an SSIM of an image smaller than the 11×11 window.
public struct QualityMetrics: Sendable, Codable, Equatable {
    /// PSNR in dB per channel (R, G, B or the grey channel); nil where the channel is identical.
    public var psnr: [Double?]
    /// PSNR in dB from the mean squared error over all samples of all channels.
    public var psnrOverall: Double?
    public var meanSquaredError: [Double]
    public var meanSquaredErrorOverall: Double
    /// The largest |reference − test| over all samples.
    public var maxAbsoluteError: Int
    /// Mean SSIM of BT.601 luma (the grey channel itself for a grey image).
    public var ssimLuma: Double?
    /// Mean SSIM per channel.
    public var ssim: [Double?]

    /// Compares two images of the same width, height and components (a mismatch is a programming
    /// error and stops the program).
    public static func measure(reference: Image, test: Image) -> QualityMetrics {
        precondition(reference.width == test.width && reference.height == test.height
                     && reference.components == test.components,
                     "QualityMetrics.measure: the images differ in shape "
                     + "(\(reference.width)x\(reference.height)x\(reference.components) vs "
                     + "\(test.width)x\(test.height)x\(test.components))")
        let errors = SquaredErrorSums(reference: reference, test: test)
        let samplesPerChannel = Double(max(1, reference.pixelCount))
        let mse = errors.perChannel.map { Double($0) / samplesPerChannel }
        let mseOverall = Double(errors.perChannel.reduce(0, +)) / (samplesPerChannel * Double(reference.components))

        let ssim = (0..<reference.components).map {
            SSIM.mean(reference: reference, test: test, plane: .channel($0))
        }
        let ssimLuma = reference.components == 1
            ? ssim[0] : SSIM.mean(reference: reference, test: test, plane: .luma)

        return QualityMetrics(psnr: mse.map(PSNR.decibels(meanSquaredError:)),
                              psnrOverall: PSNR.decibels(meanSquaredError: mseOverall),
                              meanSquaredError: mse, meanSquaredErrorOverall: mseOverall,
                              maxAbsoluteError: errors.maxAbsoluteError,
                              ssimLuma: ssimLuma, ssim: ssim)
    }

    /// An image of |reference − test| · amplification per sample, clamped to 255: grey for grey
    /// inputs, RGB for RGB inputs.  The default ×8 makes an error of 1 visible.
    public static func errorMap(reference: Image, test: Image, amplification: Int = 8) -> Image {
        precondition(reference.width == test.width && reference.height == test.height
                     && reference.components == test.components, "errorMap needs images of one shape")
        precondition(amplification >= 0, "errorMap: the amplification must not be negative")
        let samples = zip(reference.samples, test.samples).map { a, b in
            UInt8(min(255, abs(Int(a) - Int(b)) * amplification))
        }
        return Image(width: reference.width, height: reference.height,
                     components: reference.components, samples: samples)
    }

    /// Writes every key, with null for nil (synthesised encoding would leave such keys out).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(psnr, forKey: .psnr)
        try container.encode(psnrOverall, forKey: .psnrOverall)
        try container.encode(meanSquaredError, forKey: .meanSquaredError)
        try container.encode(meanSquaredErrorOverall, forKey: .meanSquaredErrorOverall)
        try container.encode(maxAbsoluteError, forKey: .maxAbsoluteError)
        try container.encode(ssimLuma, forKey: .ssimLuma)
        try container.encode(ssim, forKey: .ssim)
    }
}
