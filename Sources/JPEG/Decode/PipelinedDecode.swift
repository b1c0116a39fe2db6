import Dispatch
import Golden
import Synchronization

/// MCU rows the entropy decoder has finished, for the pixel stage that follows it. On another
/// thread: the decoder stores the count (release) and signals every `bandRows` rows; the follower
/// waits for a signal and loads the count (acquire), so the coefficients of those rows are visible to
/// it. On the decoder's own thread (`inline`): every `bandRows` rows it runs the follower itself,
/// while the band's coefficients are still in cache. Before each row, `prepare` readies its storage
/// (zeroes it, just before the decoder writes there).
final class ScanProgress: @unchecked Sendable {  // `prepare`, `inline`, `prepared`: the decoder's thread only
    let bandRows: Int
    /// MCU rows `prepare` has readied.
    private(set) var prepared = 0
    private let prepare: (Int) -> Void
    private let inline: ((Int) -> Void)?
    private let rows = Atomic<Int>(0)
    private let ended = Atomic<Bool>(false)
    private let signal = DispatchSemaphore(value: 0)

    init(bandRows: Int, prepare: @escaping (Int) -> Void, inline: ((Int) -> Void)? = nil) {
        self.bandRows = max(1, bandRows)
        self.prepare = prepare
        self.inline = inline
    }

    func starting(row: Int) {
        prepare(row)
        prepared = row + 1
    }

    func completed(rows n: Int) {
        guard n % bandRows == 0 else { return }
        if let inline { return inline(n) }
        rows.store(n, ordering: .releasing)
        signal.signal()
    }

    /// The walk is over (finished, stopped early, or failed): the follower stops.
    func end() {
        ended.store(true, ordering: .releasing)
        signal.signal()
    }

    /// Waits for the next band; the rows finished so far, or nil once the walk is over.
    func next() -> Int? {
        signal.wait()
        return ended.load(ordering: .acquiring) ? nil : rows.load(ordering: .acquiring)
    }
}

/// What a pipelined decode assumes from the headers before the first scan.
struct BandPlan {
    var colour: JPEGColourSpace
    var chroma: ChromaSubsampling
    var tables: [QuantTable]
}

extension FileParser {
    /// A plan when the file can be decoded in a pipeline: a sequential frame whose first scan holds
    /// every component (so no later scan may change a coefficient), in a layout `ImageCodec.decode`
    /// takes, with its pixel stage within the budget. nil sends the file down the plain path.
    func bandPlan(_ first: ScanHeader, budget: MemoryBudget) -> BandPlan? {
        guard let frame, !frame.type.isProgressive, first.components.count == frame.components.count else { return nil }
        let colour = colourSpace(of: frame)
        guard let chroma = JPEGDecoded.chroma(colour, frame.components), colour != .rgb else { return nil }
        let tables = latched.compactMap { $0 }
        guard tables.count == frame.components.count else { return nil }
        guard (try? JPEGDecoded.admitPixelStage(width: frame.width, height: frame.height, coefficients: frame.coefficientCount,
                                                components: frame.components.count, budget: budget)) != nil else { return nil }
        return BandPlan(colour: colour, chroma: chroma, tables: tables)
    }

    /// `decodeAll(from:)` then `pixels`, with the pixel stage following the entropy decoder band by band:
    /// on one thread, each band as soon as it is read; on several, on another thread, and the rest of
    /// the bands, when the decoder is done, on all of `codec`'s threads.
    /// If the whole file turns out other than the plan assumed (a marker after the scan changing the
    /// colour space, say), the pixels are made again from the coefficients the plain way.
    mutating func decodeInBands(from first: ScanHeader, _ plan: BandPlan, codec: ImageCodec, upsampling: Upsampling,
                                budget: MemoryBudget) throws(JPEGDecodeError) -> (JPEGDecoded, JPEGPicture) {
        let frame = frame!
        let interleaved = frame.components.count > 1
        // Zeroed an MCU row at a time as the walk reaches it (in cache for the decoder's writes); the
        // rows a walk that stops early never reaches, after it. A first scan leaves what it skips at zero.
        var planes = frame.components.map { [Int32](largeUninitialized: $0.blockCount * 64) { _ in } }
        var pixels: (Image, OverflowReport)?
        try withPointers(&planes) { (pointers) throws(JPEGDecodeError) in
            let components = frame.components.enumerated().map { i, c in
                BandComponent(coefficients: pointers[i], width: c.width, height: c.height, table: plan.tables[i],
                              blockRowsPerBandRow: interleaved ? c.v : 1)
            }
            func zero(rows: Range<Int>) {
                for (c, component) in zip(frame.components, pointers) {
                    let v = interleaved ? c.v : 1, wide = c.blocksWide * 64
                    let blockRows = min(rows.lowerBound * v, c.blocksHigh)..<min(rows.upperBound * v, c.blocksHigh)
                    (component + blockRows.lowerBound * wide).initialize(repeating: 0, count: blockRows.count * wide)
                }
            }
            let (_, image, report) = try codec.decodeInBands(
                components, chroma: plan.chroma, width: frame.width, height: frame.height,
                bandRows: interleaved ? frame.mcusHigh : frame.components[0].blocksHigh,
                imageRowsPerBandRow: interleaved ? 8 * frame.maxV : 8, upsampling: upsampling
            ) { (bands) throws(JPEGDecodeError) in
                let prepare = { (row: Int) in zero(rows: row..<(row + 1)) }
                if codec.threads == 1 {
                    let progress = ScanProgress(bandRows: 2, prepare: prepare) { bands.decode(upTo: $0, threads: 1) }
                    self.progress = progress
                    defer { zero(rows: progress.prepared..<bands.bandRows) }
                    return try decodeScans(first: first, frame: frame, planes: pointers)
                }
                // The follower takes one band per signal, so that when the walk ends it is never far
                // into a long run of rows: the rest is shared by every thread.
                let progress = ScanProgress(bandRows: bands.bandRows / 48, prepare: prepare)
                let follower = DispatchGroup()
                DispatchQueue.global().async(group: follower) {
                    while let rows = progress.next() {
                        bands.decode(upTo: min(rows, bands.decodedRows + progress.bandRows), threads: 1)
                    }
                }
                defer {
                    progress.end()
                    follower.wait()
                    zero(rows: progress.prepared..<bands.bandRows)
                }
                self.progress = progress
                try decodeScans(first: first, frame: frame, planes: pointers)
            }
            pixels = (image, report)
        }
        let decoded = finish(frame: frame, planes: planes)
        guard let (image, report) = pixels, decoded.scans == 1, decoded.colourSpace == plan.colour,
              decoded.chroma == plan.chroma, decoded.encoded.components.map(\.table) == plan.tables else {
            return (decoded, try decoded.pixels(codec: codec, upsampling: upsampling, budget: budget))
        }
        return (decoded, JPEGPicture(image: image, report: report, warnings: decoded.notes(for: codec)))
    }
}
