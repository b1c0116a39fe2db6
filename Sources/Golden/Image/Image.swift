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

    @inlinable
    public subscript(x: Int, y: Int, c: Int) -> UInt8 {
        get { samples[(y * width + x) * components + c] }
        set { samples[(y * width + x) * components + c] = newValue }
    }
}
