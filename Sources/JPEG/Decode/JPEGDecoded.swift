import Golden

/// A JPEG file read to quantized coefficients: the frame as declared, and the coefficients in the
/// golden model's form (`EncodedImage`: real blocks only, MCU padding dropped; each component with the
/// quantization table it was decoded with).
public struct JPEGDecoded: Sendable {
    public var frameType: JPEGFrameType
    public var width: Int, height: Int
    /// The SOF's components (ids, sampling factors, table selectors) with their derived sizes.
    public var frameComponents: [JPEGComponent]
    public var colourSpace: JPEGColourSpace
    /// MCUs per restart interval (0: none).
    public var restartInterval: Int
    /// Scans read.
    public var scans: Int
    /// The coefficients. `encoded.chroma` is the layout's `ChromaSubsampling` when it has one (see
    /// `chroma`); for any other layout it is `.s444` and `frameComponents` give the real factors, so
    /// pass such an image to `pixels`, not straight to `ImageCodec.decode`.
    public var encoded: EncodedImage
    /// What libjpeg would warn about (corrupt or missing data, skipped bytes …), in file order.
    public var warnings: [String]

    init(frameType: JPEGFrameType, width: Int, height: Int, components: [JPEGComponent],
         colourSpace: JPEGColourSpace, restartInterval: Int, scans: Int,
         components encoded: [EncodedComponent], warnings: [String]) {
        self.frameType = frameType
        self.width = width
        self.height = height
        frameComponents = components
        self.colourSpace = colourSpace
        self.restartInterval = restartInterval
        self.scans = scans
        self.warnings = warnings
        self.encoded = EncodedImage(width: width, height: height, chroma: .s444, components: encoded)
        self.encoded.chroma = chroma ?? .s444
    }

    /// Each component's upsampling ratio (hmax / h, vmax / v); nil for a component whose factors do not
    /// divide the largest (libjpeg: "Fractional sampling not implemented yet").
    public var upsamplingRatios: [(h: Int, v: Int)?] { Self.upsamplingRatios(frameComponents) }

    static func upsamplingRatios(_ components: [JPEGComponent]) -> [(h: Int, v: Int)?] {
        let maxH = components.map(\.h).max() ?? 1, maxV = components.map(\.v).max() ?? 1
        return components.map { maxH % $0.h == 0 && maxV % $0.v == 0 ? (maxH / $0.h, maxV / $0.v) : nil }
    }

    /// The layout as the golden model's `ChromaSubsampling`: grey; or YCbCr with luma at full size and
    /// both chroma components reduced by (1, 1), (2, 1) or (2, 2). nil for every other layout (4:4:0,
    /// 4:1:1, luma smaller than chroma …) and for RGB files.
    public var chroma: ChromaSubsampling? { Self.chroma(colourSpace, frameComponents) }

    static func chroma(_ colourSpace: JPEGColourSpace, _ components: [JPEGComponent]) -> ChromaSubsampling? {
        if colourSpace == .grey { return .gray }
        guard colourSpace == .yCbCr else { return nil }
        let ratios = upsamplingRatios(components)
        guard let y = ratios[0], y == (1, 1), let cb = ratios[1], let cr = ratios[2], cb == cr else { return nil }
        return ChromaSubsampling.allCases.first { $0 != .gray && $0.factors == cb }
    }
}

/// An image decoded through the golden model.
public struct JPEGPicture: Sendable {
    public var image: Image
    /// The datapath's overflow report for the IDCT of every block.
    public var report: OverflowReport
    /// The reader's warnings, then any about the datapath (tables wider than it holds).
    public var warnings: [String]
}

extension JPEGDecoded {
    /// Checks that the pixel stage fits the budget: besides the coefficients it allocates the IDCT's
    /// samples and the planes (2 bytes per coefficient) and the output.
    static func admitPixelStage(width: Int, height: Int, coefficients: Int, components: Int,
                                budget: MemoryBudget) throws(JPEGDecodeError) {
        let pixels = width * height, bytes = 2 * coefficients + pixels * components
        do {
            try budget.admit(width: width, height: height, bytesPerPixel: (bytes + pixels - 1) / pixels,
                             for: "decoding \(components) components to pixels")
        } catch {
            throw .budget(error, at: 0)
        }
    }

    /// The reader's warnings, then one for each quantization table wider than the datapath holds.
    func notes(for codec: ImageCodec) -> [String] {
        var notes = warnings
        let limit = (1 << codec.config.quantTableBits) - 1
        for (index, component) in encoded.components.enumerated() {
            if let widest = component.table.values.max(), widest > limit {
                notes.append("component \(index)'s quantization table has steps up to \(widest), wider than the "
                             + "datapath's \(codec.config.quantTableBits)-bit quant_table_bits (decoded at full width)")
            }
        }
        return notes
    }

    /// Pixels through the configured golden path, as djpeg -dct int produces them with libjpeg's
    /// defaults: `BlockCodec.decode` (dequantize, IDCT, range limit) with the file's tables, then
    /// upsampling (`.fancy` is djpeg's default, `.box` its -nosmooth) and colour conversion.
    /// Layouts with a `ChromaSubsampling` go through `ImageCodec.decode` itself; the others (any
    /// integral ratio: 4:4:0, 4:1:1, luma below chroma …) through `ImageCodec.decodePlanes` and
    /// `ImageCodec.assemble(_:width:height:ratios:…)`, which follows libjpeg-turbo's choice of
    /// upsampling method per ratio. RGB files skip the colour conversion, as libjpeg does.
    public func pixels(codec: ImageCodec, upsampling: Upsampling,
                       budget: MemoryBudget = .standard) throws(JPEGDecodeError) -> JPEGPicture {
        try Self.admitPixelStage(width: width, height: height,
                                 coefficients: encoded.components.reduce(0) { $0 + $1.coefficients.count },
                                 components: encoded.components.count, budget: budget)
        let notes = notes(for: codec)
        if let chroma, colourSpace != .rgb {
            var layout = encoded
            layout.chroma = chroma
            let (image, report) = codec.decode(layout, upsampling: upsampling)
            return JPEGPicture(image: image, report: report, warnings: notes)
        }
        var ratios: [(h: Int, v: Int)] = []
        for (index, ratio) in upsamplingRatios.enumerated() {
            guard let ratio else {
                let c = frameComponents[index]
                throw .unsupported(at: nil, "fractional upsampling (component \(index) is \(c.h)×\(c.v) in a frame whose "
                                   + "largest factors are \(frameComponents.map(\.h).max()!)×\(frameComponents.map(\.v).max()!); "
                                   + "libjpeg refuses it too)")
            }
            ratios.append(ratio)
        }
        let (planes, report) = codec.decodePlanes(encoded)
        let image = codec.assemble(planes, width: width, height: height, ratios: ratios, upsampling: upsampling,
                                   convertsColour: colourSpace != .rgb)
        return JPEGPicture(image: image, report: report, warnings: notes)
    }
}

extension JPEGReader {
    /// Reads a JPEG file and decodes it to pixels through `codec`: `read` then `JPEGDecoded.pixels`,
    /// with the same result. A sequential file in one scan is decoded in bands: the pixel stage follows
    /// the entropy decoder band by band, on the same thread while the band is in cache, or with more
    /// than one thread on another thread.
    public static func decode(_ bytes: [UInt8], codec: ImageCodec, upsampling: Upsampling = .fancy,
                              budget: MemoryBudget = .standard,
                              limits: Limits = Limits()) throws(JPEGDecodeError) -> JPEGPicture {
        try readAndDecode(bytes, codec: codec, upsampling: upsampling, budget: budget, limits: limits).picture
    }

    /// `decode`, also giving what `read` gives.
    public static func readAndDecode(_ bytes: [UInt8], codec: ImageCodec, upsampling: Upsampling = .fancy,
                                     budget: MemoryBudget = .standard, limits: Limits = Limits())
        throws(JPEGDecodeError) -> (decoded: JPEGDecoded, picture: JPEGPicture) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JPEGDecodeError) -> (JPEGDecoded, JPEGPicture) in
            var parser = FileParser(bytes: buffer, budget: budget, limits: limits)
            let first = try parser.headers()
            if let plan = parser.bandPlan(first, budget: budget) {
                return try parser.decodeInBands(from: first, plan, codec: codec, upsampling: upsampling, budget: budget)
            }
            let decoded = try parser.decodeAll(from: first)
            return (decoded, try decoded.pixels(codec: codec, upsampling: upsampling, budget: budget))
        }
    }
}
