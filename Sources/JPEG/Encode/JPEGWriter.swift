import Golden

/// How often the scan restarts, as cjpeg's `-restart` takes it.
public enum RestartInterval: Sendable, Hashable {
    /// Every n MCUs (cjpeg `-restart nB`), n in 1…65535.
    case mcus(Int)
    /// Every n MCU rows (cjpeg `-restart n`), n in 1…65535; as in libjpeg, n × MCUs per row is
    /// capped at 65535 (DRI holds 16 bits).
    case rows(Int)
}

public struct JPEGWriteOptions: Sendable, Hashable {
    /// Huffman tables built from the image's own statistics (cjpeg `-optimize`) instead of the
    /// typical tables of Annex K.
    public var optimizeHuffman: Bool
    /// RST markers every so many MCUs; nil for none.
    public var restart: RestartInterval?
    /// Threads for the entropy coding: restart segments, or parts of a segment (each starting from the
    /// DC predictors the blocks before it leave, its bits joined to the stream where the last part
    /// ended), are coded in parallel. The bytes do not depend on it.
    public var threads: Int

    public init(optimizeHuffman: Bool = false, restart: RestartInterval? = nil, threads: Int = 1) {
        self.optimizeHuffman = optimizeHuffman
        self.restart = restart
        self.threads = threads
    }
}

public enum JPEGWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `EncodedImage` is not a whole, consistent image a JPEG frame can hold.
    case invalidImage(String)
    case invalidOption(String)
    /// A quantized coefficient needs more bits than 8-bit JPEG codes: a DC difference (index 0)
    /// over 11 bits, an AC value over 10. Blocks count from the component's top left.
    case coefficientOutOfRange(component: Int, blockX: Int, blockY: Int, index: Int, value: Int)

    public var description: String {
        switch self {
        case .invalidImage(let problem): "JPEG writer: image: \(problem)"
        case .invalidOption(let problem): "JPEG writer: option: \(problem)"
        case let .coefficientOutOfRange(component, x, y, index, value):
            index == 0
                ? "JPEG writer: component \(component), block (\(x), \(y)): DC \(value) differs from the previous"
                    + " block's DC by more than 11 bits hold, the most an 8-bit JPEG codes"
                : "JPEG writer: component \(component), block (\(x), \(y)), coefficient \(index)"
                    + " (row \(index / 8), column \(index % 8)) = \(value): needs more than the 10 bits an 8-bit JPEG codes"
        }
    }
}

/// Writes the golden model's quantized coefficients as a JFIF file, byte for byte as
/// `cjpeg -dct int -baseline` writes the same coefficients with the same settings (or as its
/// extended-sequential SOF1 when a quantization table has entries over 255).
public enum JPEGWriter {
    public static func write(_ encoded: EncodedImage, options: JPEGWriteOptions = JPEGWriteOptions())
        throws(JPEGWriteError) -> [UInt8] {
        let layout = try ScanLayout(encoded, restart: options.restart)
        return try withPlacedComponents(encoded, layout) { placed throws(JPEGWriteError) in
            let (dc, ac) = try tableSpecs(layout, placed, options: options)
            let codeTables = try codeTables(dc: dc, ac: ac)
            let coded = placed.enumerated().map { index, p -> PlacedComponent in
                var p = p
                let slot = layout.components[index].tableSlot
                (p.dc, p.ac) = (UnsafePointer(codeTables.dc[slot].entries), UnsafePointer(codeTables.ac[slot].entries))
                return p
            }
            // The code tables' memory must outlive the coding that reads it through `coded`.
            return try withExtendedLifetime(codeTables) { () throws(JPEGWriteError) in
                try coded.withUnsafeBufferPointer { components throws(JPEGWriteError) in
                    try encodeScan(layout, components, header: FrameHeader.bytes(layout, dc: dc, ac: ac),
                                   threads: options.threads)
                }
            }
        }
    }

    /// The Huffman-coded bits of each component's blocks in the file `write` makes with these options:
    /// codes and extra bits, without byte stuffing, padding or markers.
    public static func entropyCodedBits(_ encoded: EncodedImage, options: JPEGWriteOptions = JPEGWriteOptions())
        throws(JPEGWriteError) -> [Int] {
        let layout = try ScanLayout(encoded, restart: options.restart)
        return try withPlacedComponents(encoded, layout) { placed throws(JPEGWriteError) in
            let counts = try symbolCounts(layout, placed, threads: options.threads)
            let (dc, ac) = options.optimizeHuffman ? optimalSpecs(layout, counts) : standardSpecs(layout)
            let tables = try codeTables(dc: dc, ac: ac)
            return layout.components.enumerated().map { c, component in
                let (dcTable, acTable) = (tables.dc[component.tableSlot], tables.ac[component.tableSlot])
                var bits = 0
                for symbol in 0..<256 {
                    bits += counts[c][symbol] * (dcTable.length(of: symbol) + symbol)
                    bits += counts[c][256 + symbol] * (acTable.length(of: symbol) + symbol & 15)
                }
                return bits
            }
        }
    }

    /// The Huffman tables `write` puts in the file with these options (per slot: DC, AC).
    public static func huffmanSpecs(_ encoded: EncodedImage, options: JPEGWriteOptions = JPEGWriteOptions())
        throws(JPEGWriteError) -> (dc: [HuffmanSpec], ac: [HuffmanSpec]) {
        let layout = try ScanLayout(encoded, restart: options.restart)
        return try withPlacedComponents(encoded, layout) { placed throws(JPEGWriteError) in try tableSpecs(layout, placed, options: options) }
    }

    // MARK: tables

    /// Annex K's tables: luminance for slot 0, chrominance for slot 1.
    static func standardSpecs(_ layout: ScanLayout) -> (dc: [HuffmanSpec], ac: [HuffmanSpec]) {
        let slots = 0..<layout.tableSlots
        return (slots.map { $0 == 0 ? .luminanceDC : .chrominanceDC }, slots.map { $0 == 0 ? .luminanceAC : .chrominanceAC })
    }

    /// Each slot's optimal tables from the counts of the components that use it.
    static func optimalSpecs(_ layout: ScanLayout, _ counts: [[Int]]) -> (dc: [HuffmanSpec], ac: [HuffmanSpec]) {
        var dc: [HuffmanSpec] = [], ac: [HuffmanSpec] = []
        for slot in 0..<layout.tableSlots {
            var sum = [Int](repeating: 0, count: 512)
            for (c, component) in layout.components.enumerated() where component.tableSlot == slot {
                for i in 0..<512 { sum[i] += counts[c][i] }
            }
            dc.append(.optimal(counts: Array(sum[0..<256])))
            ac.append(.optimal(counts: Array(sum[256..<512])))
        }
        return (dc, ac)
    }

    static func tableSpecs(_ layout: ScanLayout, _ placed: [PlacedComponent], options: JPEGWriteOptions)
        throws(JPEGWriteError) -> (dc: [HuffmanSpec], ac: [HuffmanSpec]) {
        guard options.optimizeHuffman else { return standardSpecs(layout) }
        return optimalSpecs(layout, try symbolCounts(layout, placed, threads: options.threads))
    }

    static func codeTables(dc: [HuffmanSpec], ac: [HuffmanSpec]) throws(JPEGWriteError)
        -> (dc: [HuffmanCodeTable], ac: [HuffmanCodeTable]) {
        do {
            return (try dc.map { spec throws(HuffmanSpecError) in try HuffmanCodeTable(spec, isDC: true) },
                    try ac.map { spec throws(HuffmanSpecError) in try HuffmanCodeTable(spec, isDC: false) })
        } catch {
            // The Annex K tables and K.2's are well formed: reaching here is a bug in this module.
            fatalError("JPEG writer: \(error)")
        }
    }

    // MARK: passes

    /// Each component's 512 symbol counts (DC sizes, then AC symbols), pieces counted in parallel.
    static func symbolCounts(_ layout: ScanLayout, _ placed: [PlacedComponent], threads: Int) throws(JPEGWriteError) -> [[Int]] {
        let pieces = ScanPiece.split(layout, threads: threads)
        let n = layout.components.count
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 512), count: n)
        var failures = [OutOfRange?](repeating: nil, count: pieces.count)
        var partial = [[Int]](repeating: [], count: pieces.count)
        placed.withUnsafeBufferPointer { components in
            failures.withUnsafeMutableBufferPointer { failed in
                partial.withUnsafeMutableBufferPointer { results in
                    parallelFor(pieces.count, threads: threads) { i in
                        var visitor = CountingVisitor(components: n)
                        failed[i] = walk(layout, pieces[i], components, &visitor)
                        results[i] = Array(UnsafeBufferPointer(start: visitor.counts, count: 512 * n))
                        visitor.release()
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw error(failure) }
        for part in partial {
            for c in 0..<n { for i in 0..<512 { counts[c][i] += part[512 * c + i] } }
        }
        return counts
    }

    /// Header, entropy-coded segments with their RST markers, EOI. Whole segments are coded into
    /// stuffed bytes; the parts of a segment into raw bits, joined in order into one stuffed stream
    /// that is then padded and marked as a segment coded whole would be.
    static func encodeScan(_ layout: ScanLayout, _ components: UnsafeBufferPointer<PlacedComponent>, header: [UInt8],
                           threads: Int) throws(JPEGWriteError) -> [UInt8] {
        let pieces = ScanPiece.split(layout, threads: threads)
        let blocks = layout.mcuCount * layout.blocksPerMCU
        // A first guess at the size (8 bytes a block); the writer grows as needed.
        let guess = max(4096, 8 * blocks / pieces.count)
        var writers = [BitWriter?](repeating: nil, count: pieces.count)
        var failures = [OutOfRange?](repeating: nil, count: pieces.count)
        writers.withUnsafeMutableBufferPointer { written in
            failures.withUnsafeMutableBufferPointer { failed in
                parallelFor(pieces.count, threads: threads) { i in
                    let writer = BitWriter(capacity: guess, stuffs: pieces[i].mcus == nil)
                    var visitor = EncodingVisitor(writer: writer, lastSegment: layout.segmentCount - 1,
                                                  blocksPerMCU: layout.blocksPerMCU, components: components.count)
                    failed[i] = walk(layout, pieces[i], components, &visitor)
                    visitor.release()
                    written[i] = visitor.writer
                }
            }
        }
        var parts = writers.map { $0! }
        defer { for part in parts { part.release() } }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw error(failure) }
        parts = join(parts, pieces, lastSegment: layout.segmentCount - 1)
        // One copy of every part into the file, then EOI.
        let total = parts.reduce(header.count + 2) { $0 + $1.count }
        return [UInt8](unsafeUninitializedCapacity: total) { file, count in
            var next = file.baseAddress!
            header.withUnsafeBufferPointer { next.update(from: $0.baseAddress!, count: $0.count) }
            next += header.count
            for part in parts {
                next.update(from: part.start, count: part.count)
                next += part.count
            }
            next[0] = 0xFF
            next[1] = Marker.eoi
            count = total
        }
    }

    /// The writers of whole segments as they are; the raw writers of each segment's parts (consecutive
    /// pieces) joined into one stuffed writer, padded, with the RST marker unless it ends the scan.
    /// Releases the raw writers it joins.
    static func join(_ parts: [BitWriter], _ pieces: [ScanPiece], lastSegment: Int) -> [BitWriter] {
        var joined: [BitWriter] = []
        var i = 0
        while i < parts.count {
            guard pieces[i].mcus != nil else {
                joined.append(parts[i])
                i += 1
                continue
            }
            let segment = pieces[i].segments.lowerBound
            var end = i
            while end < parts.count && pieces[end].mcus != nil && pieces[end].segments.lowerBound == segment { end += 1 }
            var writer = BitWriter(capacity: parts[i..<end].reduce(64) { $0 + $1.count + $1.count / 64 })
            for part in parts[i..<end] {
                writer.append(bitsOf: part)
                part.release()
            }
            writer.reserve(32)
            writer.padToByte()
            if segment != lastSegment { writer.marker(Marker.restart(segment)) }
            joined.append(writer)
            i = end
        }
        return joined
    }

    static func error(_ failure: OutOfRange) -> JPEGWriteError {
        .coefficientOutOfRange(component: failure.component, blockX: failure.blockX, blockY: failure.blockY,
                               index: failure.index, value: Int(failure.value))
    }

    /// Runs `body` with each component's coefficients pinned and placed (code tables still unset).
    static func withPlacedComponents<R>(_ encoded: EncodedImage, _ layout: ScanLayout,
                                        _ body: ([PlacedComponent]) throws(JPEGWriteError) -> R) throws(JPEGWriteError) -> R {
        let none = UnsafePointer(HuffmanCodeTable.empty.entries)
        func pin(_ index: Int, _ placed: [PlacedComponent]) throws(JPEGWriteError) -> R {
            if index == encoded.components.count { return try body(placed) }
            let c = layout.components[index]
            return try encoded.components[index].coefficients.withUnsafeBufferPointer { coefficients throws(JPEGWriteError) in
                try pin(index + 1, placed + [PlacedComponent(coefficients: coefficients.baseAddress!,
                                                             blocksWide: c.blocksWide, blocksHigh: c.blocksHigh,
                                                             h: c.h, v: c.v, dc: none, ac: none)])
            }
        }
        return try pin(0, [])
    }
}

extension HuffmanCodeTable {
    /// No codes: stands in where a pass does not code.
    static let empty = try! HuffmanCodeTable(HuffmanSpec(counts: [UInt8](repeating: 0, count: 16), symbols: []), isDC: true)
}
