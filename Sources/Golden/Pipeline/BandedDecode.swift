/// One component of a decode in bands: where its coefficients are (blocks in raster order, 64 each,
/// written by someone else as the bands arrive), its size, its table, and its block rows in one band
/// row (its vertical sampling factor in an interleaved scan).
public struct BandComponent {
    public var coefficients: UnsafePointer<Int32>
    public var width: Int, height: Int
    public var table: QuantTable
    public var blockRowsPerBandRow: Int

    public init(coefficients: UnsafePointer<Int32>, width: Int, height: Int, table: QuantTable, blockRowsPerBandRow: Int) {
        self.coefficients = coefficients
        (self.width, self.height, self.table, self.blockRowsPerBandRow) = (width, height, table, blockRowsPerBandRow)
    }

    var blocksWide: Int { (width + 7) / 8 }
    var blocksHigh: Int { (height + 7) / 8 }
}

/// The pixel stage of `ImageCodec.decode`, fed a band of rows (MCU rows of a scan) at a time: for a
/// caller whose coefficients arrive over time (an entropy decoder on another thread). A band's blocks
/// go through the IDCT into the component planes, then every image row whose upsampling reads only
/// finished plane rows is assembled. It runs the functions `decode` runs (`BlockCodec.decode`, the
/// planes' layout, `assembleRows`) on the same samples, so the pixels and the report are the same.
///
/// A band row holds `blockRowsPerBandRow` block rows of each component and `imageRowsPerBandRow`
/// image rows. The upsampling filters read a plane row at most one beyond the one an image row falls
/// in, so the image rows of all but the last finished band row are ready.
public final class BandedDecoder: @unchecked Sendable {  // used by one thread at a time
    public let bandRows: Int
    /// Band rows decoded so far (bands come in order).
    public private(set) var decodedRows = 0
    private let codec: ImageCodec
    private let components: [BandComponent]
    private let ratios: [(h: Int, v: Int)]
    private let width: Int, height: Int, imageRowsPerBandRow: Int
    private let upsampling: Upsampling
    private let planes: [UnsafeMutablePointer<UInt8>]
    private let sources: [Resampling.PlaneRows]
    private let out: UnsafeMutablePointer<UInt8>
    private var assembledRows = 0
    private(set) var report = OverflowReport()

    fileprivate init(codec: ImageCodec, components: [BandComponent], chroma: ChromaSubsampling, width: Int, height: Int,
                     bandRows: Int, imageRowsPerBandRow: Int, upsampling: Upsampling, out: UnsafeMutablePointer<UInt8>) {
        precondition(components.count == (chroma == .gray ? 1 : 3), "grey or three components")
        precondition(components.allSatisfy { $0.blocksHigh <= bandRows * $0.blockRowsPerBandRow }
                     && height <= bandRows * imageRowsPerBandRow, "the band rows cover every component and the image")
        self.codec = codec
        self.components = components
        ratios = components.indices.map { $0 == 0 ? (1, 1) : chroma.factors }
        (self.width, self.height, self.imageRowsPerBandRow) = (width, height, imageRowsPerBandRow)
        self.upsampling = upsampling
        self.bandRows = bandRows
        planes = components.map { c in
            let bytes = c.blocksWide * c.blocksHigh * 64
            let plane = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes)
            HugePages.advise(plane, bytes: bytes)
            return plane
        }
        sources = zip(components, planes).map { c, plane in
            Resampling.PlaneRows(base: plane, width: c.width, height: c.height, stride: 8 * c.blocksWide)
        }
        self.out = out
    }

    deinit { for plane in planes { plane.deallocate() } }

    /// Decodes band rows `decodedRows ..< upTo` (IDCT into the planes, on `threads`) and assembles the
    /// image rows that are ready.
    public func decode(upTo rows: Int, threads: Int) {
        let band = decodedRows..<min(rows, bandRows)
        guard !band.isEmpty else { return }
        for (c, component) in components.enumerated() {
            let v = component.blockRowsPerBandRow
            let blockRows = min(band.lowerBound * v, component.blocksHigh)..<min(band.upperBound * v, component.blocksHigh)
            guard !blockRows.isEmpty else { continue }
            let wide = component.blocksWide, blocks = blockRows.count * wide, stride = 8 * wide
            let first = component.coefficients + blockRows.lowerBound * wide * 64
            let plane = planes[c]
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: blocks * 64) { samples in
                report.merge(codec.blocks.decode(coefficients: UnsafeBufferPointer(start: first, count: blocks * 64),
                                                 into: samples, table: component.table,
                                                 trackRanges: codec.trackRanges, threads: threads))
                ComponentPlane.place(samples.baseAddress!, blockRows: blockRows, blocksWide: wide, into: plane, stride: stride)
            }
        }
        decodedRows = band.upperBound
        let ready = decodedRows == bandRows ? height : min(height, (decodedRows - 1) * imageRowsPerBandRow)
        guard ready > assembledRows else { return }
        let (sources, width, ratios, upsampling, assembler) = (sources, width, ratios, upsampling, codec)
        let o = UncheckedSendable(out)
        parallelChunks(ready - assembledRows, threads: threads, minimumChunk: 16) { [assembledRows] rows in
            assembler.assembleRows((assembledRows + rows.lowerBound)..<(assembledRows + rows.upperBound), sources,
                               width: width, ratios: ratios, upsampling: upsampling, convertsColour: true, into: o.value)
        }
        assembledRows = ready
    }
}

extension ImageCodec {
    /// `decode` with the coefficients arriving in `bandRows` bands: `body` gets a `BandedDecoder` to
    /// feed (in order, from one thread at a time); what it has not decoded when `body` returns is
    /// decoded then. Returns `body`'s result, the image and the IDCT's report, as `decode` gives them
    /// for these components at `chroma`.
    public func decodeInBands<R, E: Error>(_ components: [BandComponent], chroma: ChromaSubsampling, width: Int, height: Int,
                                           bandRows: Int, imageRowsPerBandRow: Int, upsampling: Upsampling,
                                           _ body: (BandedDecoder) throws(E) -> R) throws(E) -> (R, Image, OverflowReport) {
        let n = components.count, count = width * height * n
        var result: Result<(R, OverflowReport), E>!
        let samples = [UInt8](largeUninitialized: count) { out in
            let bands = BandedDecoder(codec: self, components: components, chroma: chroma, width: width, height: height,
                                      bandRows: bandRows, imageRowsPerBandRow: imageRowsPerBandRow,
                                      upsampling: upsampling, out: out.baseAddress!)
            do throws(E) {
                let value = try body(bands)
                bands.decode(upTo: bands.bandRows, threads: threads)
                result = .success((value, bands.report))
            } catch {
                result = .failure(error)
            }
        }
        let (value, report) = try result.get()
        return (value, Image(width: width, height: height, components: n, samples: samples), report)
    }
}
