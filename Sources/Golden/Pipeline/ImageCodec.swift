import Foundation

/// Settings of one encode: quality (or explicit tables) and chroma subsampling.
public struct EncodeSettings: Sendable, Hashable {
    public var quality: Int
    public var chroma: ChromaSubsampling
    /// Explicit tables (luminance, chrominance) instead of the IJG quality scaling; one table serves all.
    public var tables: [QuantTable]?

    public init(quality: Int = 75, chroma: ChromaSubsampling = .s420, tables: [QuantTable]? = nil) {
        self.quality = quality
        self.chroma = chroma
        self.tables = tables
    }

    /// The table used by component `index` (0 = luma).
    public func table(forComponent index: Int) -> QuantTable {
        let all = tables ?? QuantTable.ijg(quality: quality)
        return all[min(index == 0 ? 0 : 1, all.count - 1)]
    }
}

/// One component's quantized coefficients: blocks in raster order, 64 per block, row-major within.
public struct EncodedComponent: Sendable, Equatable {
    public var width: Int, height: Int
    public var blocksWide: Int, blocksHigh: Int
    public var table: QuantTable
    public var coefficients: [Int32]

    public init(width: Int, height: Int, blocksWide: Int, blocksHigh: Int, table: QuantTable, coefficients: [Int32]) {
        (self.width, self.height, self.blocksWide, self.blocksHigh) = (width, height, blocksWide, blocksHigh)
        self.table = table
        self.coefficients = coefficients
    }
}

/// The model's compressed form of an image: what an entropy coder would receive.
public struct EncodedImage: Sendable, Equatable {
    public var width: Int, height: Int
    public var chroma: ChromaSubsampling
    public var components: [EncodedComponent]

    public init(width: Int, height: Int, chroma: ChromaSubsampling, components: [EncodedComponent]) {
        (self.width, self.height, self.chroma, self.components) = (width, height, chroma, components)
    }

    public var blockCount: Int { components.reduce(0) { $0 + $1.blocksWide * $1.blocksHigh } }
    public var nonzeroCoefficients: Int { components.reduce(0) { $0 + $1.coefficients.lazy.filter { $0 != 0 }.count } }
}

/// The whole codec: colour conversion, chroma subsampling, padding, the block datapath, upsampling.
public struct ImageCodec: Sendable {
    public let blocks: BlockCodec
    public let colour: ColourConversion
    public var threads: Int
    /// Record min/max at every register (the overflow report); off only for pure speed runs.
    public var trackRanges: Bool

    public init(config: DatapathConfig = .libjpeg, threads: Int = 1, trackRanges: Bool = true) throws {
        blocks = try BlockCodec(config)
        colour = ColourConversion(bits: config.colorBits)
        self.threads = threads
        self.trackRanges = trackRanges
    }

    public var config: DatapathConfig { blocks.config }

    /// Image → YCbCr (or Y) component planes, subsampled and padded to whole blocks.
    public func componentPlanes(_ image: Image, chroma requested: ChromaSubsampling) -> (ChromaSubsampling, [ComponentPlane]) {
        let chroma: ChromaSubsampling = image.components == 1 ? .gray : requested
        let (w, h) = (image.width, image.height)
        let colour = self.colour, threads = self.threads
        // Full-size planes, every sample written by the threads (no zero fill first).
        func planes(_ count: Int, _ convert: (UnsafePointer<UInt8>, [UnsafeMutablePointer<UInt8>], Range<Int>) -> Void) -> [[UInt8]] {
            var made: [[UInt8]] = []
            image.samples.withUnsafeBufferPointer { src in
                let source = UncheckedSendable(src.baseAddress!)
                func fill(_ index: Int, _ pointers: [UnsafeMutablePointer<UInt8>]) {
                    if index == count {
                        let targets = UncheckedSendable(pointers)
                        parallelChunks(w * h, threads: threads, minimumChunk: 65536) { convert(source.value, targets.value, $0) }
                        return
                    }
                    made.append([UInt8](largeUninitialized: w * h) { buffer in
                        fill(index + 1, pointers + [buffer.baseAddress!])
                    })
                }
                fill(0, [])
            }
            return made.reversed()   // each plane is appended once the ones after it are done
        }
        let full: [[UInt8]]
        if image.components == 1 {
            full = [image.samples]
        } else if chroma == .gray {
            full = planes(1) { src, p, range in
                let y = p[0]
                for i in range { y[i] = colour.luma(Int(src[3 * i]), Int(src[3 * i + 1]), Int(src[3 * i + 2])) }
            }
        } else {
            full = planes(3) { src, p, range in
                let (y, cb, cr) = (p[0], p[1], p[2])
                for i in range {
                    let c = colour.forward(Int(src[3 * i]), Int(src[3 * i + 1]), Int(src[3 * i + 2]))
                    y[i] = c.y
                    cb[i] = c.cb
                    cr[i] = c.cr
                }
            }
        }
        let planes = full.enumerated().map { index, samples in
            samples.withUnsafeBufferPointer {
                Resampling.downsample($0, width: w, height: h, factors: index == 0 ? (1, 1) : chroma.factors,
                                      threads: threads)
            }
        }
        return (chroma, planes)
    }

    /// Image → quantized coefficients.
    public func encode(_ image: Image, settings: EncodeSettings) -> (EncodedImage, OverflowReport) {
        let (chroma, planes) = componentPlanes(image, chroma: settings.chroma)
        var report = OverflowReport()
        var components: [EncodedComponent] = []
        for (index, plane) in planes.enumerated() {
            let table = settings.table(forComponent: index)
            let (coefficients, r) = blocks.encode(samples: plane.blocks(threads: threads), table: table,
                                                  trackRanges: trackRanges, threads: threads)
            report.merge(r)
            components.append(EncodedComponent(width: plane.width, height: plane.height, blocksWide: plane.blocksWide,
                                               blocksHigh: plane.blocksHigh, table: table, coefficients: coefficients))
        }
        return (EncodedImage(width: image.width, height: image.height, chroma: chroma, components: components), report)
    }

    /// Quantized coefficients → the component planes the IDCT produces (padded, before upsampling).
    public func decodePlanes(_ encoded: EncodedImage) -> ([ComponentPlane], OverflowReport) {
        var report = OverflowReport()
        let planes = encoded.components.map { c -> ComponentPlane in
            let (samples, r) = blocks.decode(coefficients: c.coefficients, table: c.table,
                                             trackRanges: trackRanges, threads: threads)
            report.merge(r)
            var plane = ComponentPlane(width: c.width, height: c.height)
            plane.setBlocks(samples)
            return plane
        }
        return (planes, report)
    }

    /// Quantized coefficients → image.
    public func decode(_ encoded: EncodedImage, upsampling: Upsampling) -> (Image, OverflowReport) {
        let (planes, report) = decodePlanes(encoded)
        return (assemble(planes, encoded: encoded, upsampling: upsampling), report)
    }

    /// Upsamples the chroma planes and converts back to RGB (or keeps grey), cropped to the image size.
    public func assemble(_ planes: [ComponentPlane], encoded: EncodedImage, upsampling: Upsampling) -> Image {
        assemble(planes, width: encoded.width, height: encoded.height,
                 ratios: planes.indices.map { $0 == 0 ? (1, 1) : encoded.chroma.factors }, upsampling: upsampling)
    }
}
