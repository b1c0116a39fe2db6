/// An 8-bit image: `components` samples per pixel (1 = grey, 3 = RGB), interleaved, rows top to bottom.
/// This is what enters the codec and what comes out of it.
public struct Image: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var components: Int
    public var samples: [UInt8]

    public init(width: Int, height: Int, components: Int, samples: [UInt8]) {
        precondition(components == 1 || components == 3, "an Image has 1 (grey) or 3 (RGB) components")
        precondition(samples.count == width * height * components, "sample count does not match the size")
        self.width = width
        self.height = height
        self.components = components
        self.samples = samples
    }

    public init(width: Int, height: Int, components: Int, filledWith value: UInt8 = 0) {
        self.init(width: width, height: height, components: components,
                  samples: [UInt8](repeating: value, count: width * height * components))
    }

    public var pixelCount: Int { width * height }

    /// The part of the image `width` × `height` pixels from (x, y) at its top left, clipped to the image.
    public func window(x: Int, y: Int, width w: Int, height h: Int) -> Image {
        let x0 = min(max(x, 0), width), y0 = min(max(y, 0), height)
        let w = min(max(w, 0), width - x0), h = min(max(h, 0), height - y0)
        var part = [UInt8]()
        part.reserveCapacity(w * h * components)
        for row in y0..<(y0 + h) {
            let from = (row * width + x0) * components
            part += samples[from..<(from + w * components)]
        }
        return Image(width: w, height: h, components: components, samples: part)
    }

    @inlinable
    public subscript(x: Int, y: Int, c: Int) -> UInt8 {
        get { samples[(y * width + x) * components + c] }
        set { samples[(y * width + x) * components + c] = newValue }
    }
}
