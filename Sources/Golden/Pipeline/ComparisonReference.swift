extension ImageCodec {
    /// What a decoded image is measured against: the input itself, or, when an RGB input was encoded
    /// as grey (`--chroma gray`), its JFIF luma Y = (0.299·R + 0.587·G + 0.114·B) as this codec's colour
    /// conversion computes it — the most a grey file can hold.
    public func comparisonReference(for image: Image, chroma: ChromaSubsampling) -> Image {
        guard chroma == .gray, image.components == 3 else { return image }
        var luma = [UInt8](repeating: 0, count: image.pixelCount)
        let colour = self.colour
        image.samples.withUnsafeBufferPointer { rgb in
            for i in 0..<image.pixelCount {
                luma[i] = colour.luma(Int(rgb[3 * i]), Int(rgb[3 * i + 1]), Int(rgb[3 * i + 2]))
            }
        }
        return Image(width: image.width, height: image.height, components: 1, samples: luma)
    }
}
