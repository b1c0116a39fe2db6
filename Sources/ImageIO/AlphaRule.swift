/// What reading does with an alpha channel (RGBA, grey+alpha, or a tRNS chunk).
public enum AlphaRule: Sendable, Equatable {
    /// Keep the colour samples as stored and ignore alpha.
    case drop
    /// Blend over a flat background level: out = round((a·v + (255 − a)·bg) / 255).
    case composite(background: UInt8)
}

extension AlphaRule {
    /// Removes the last of `colours + 1` interleaved samples per pixel, in place, leaving `colours`
    /// samples per pixel at the front of `samples` and shrinking it.  Output sample i·colours + k is
    /// written after input samples up to i·(colours + 1) + k have been read, so nothing is
    /// overwritten before it is used.
    func removeAlpha(from samples: inout [UInt8], pixelCount: Int, colours: Int) {
        let stride = colours + 1
        samples.withUnsafeMutableBufferPointer { buffer in
            switch self {
            case .drop:
                for pixel in 0..<pixelCount {
                    for k in 0..<colours {
                        buffer[pixel * colours + k] = buffer[pixel * stride + k]
                    }
                }
            case .composite(let background):
                // N = a·v + (255 − a)·bg is an integer and 255 is odd, so N/255 is never exactly
                // halfway: round(N/255) = ⌊(N + 127)/255⌋.
                let bg = Int(background)
                for pixel in 0..<pixelCount {
                    let a = Int(buffer[pixel * stride + colours])
                    for k in 0..<colours {
                        let v = Int(buffer[pixel * stride + k])
                        buffer[pixel * colours + k] = UInt8((a * v + (255 - a) * bg + 127) / 255)
                    }
                }
            }
        }
        samples.removeLast(samples.count - pixelCount * colours)
    }
}
