/// Zigzag position → natural index, with 16 more entries of 63 after the 64 real ones (as libjpeg's
/// jpeg_natural_order): corrupt data can push a run past position 63 (k + r ≤ 78), and the value then
/// lands on coefficient 63 instead of outside the block.
nonisolated(unsafe) let naturalOrderPadded: UnsafePointer<UInt8> = {
    let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 80)
    for k in 0..<80 { table[k] = UInt8(k < 64 ? Zigzag.natural[k] : 63) }
    return UnsafePointer(table)
}()

/// One component of a scan as the MCU loop sees it.
struct ScanComponent {
    /// The component's real blocks, raster order, 64 coefficients each (natural order).
    var coefficients: UnsafeMutablePointer<Int32>
    var blocksWide: Int, blocksHigh: Int
    /// Its blocks in one MCU: h × v in an interleaved scan, 1 × 1 in a scan of it alone.
    var mcuWide: Int, mcuHigh: Int
}

/// What a scan's decoding does to one block; `ScanWalker` supplies the blocks in MCU order.
protocol BlockDecoding {
    /// Whether an MCU is still decoded after its segment ran out of data (only DC refinement is, in
    /// libjpeg; the others leave the rest of the segment's blocks as they were).
    static var decodesPastData: Bool { get }
    /// Decodes one block of scan component `slot`.
    mutating func decode(_ block: UnsafeMutablePointer<Int32>, slot: Int,
                         _ bits: inout EntropyBitReader) throws(JPEGDecodeError)
    /// At a restart marker: DC predictions back to 0, any end-of-band run ended.
    mutating func restart()
}

/// The MCU loop of one scan (T.81 A.2, B.2.3), with libjpeg's handling of restart markers and of data
/// that ends early.
/// - Interleaved scan: MCUs of ⌈W/(8·hmax)⌉ × ⌈H/(8·vmax)⌉; each holds every scan component's h × v
///   blocks in raster order. Blocks beyond a component's real ones (MCU padding, "dummy blocks") are
///   decoded into a scratch block and dropped.
/// - Scan of one component: one block per MCU, over its real blocks only.
/// - Restart interval n > 0: after every n MCUs the marker RSTm (m counting 0…7) is expected; the
///   bit buffer is dropped, DC predictions and EOB runs reset. A missing or misplaced marker is
///   resynchronised by libjpeg's rule (jdmarker.c, jpeg_resync_to_restart).
/// - Once a segment's data runs out (a marker or the file end is reached and zero bits were used), the
///   rest of its MCUs are skipped, so their coefficients stay as they were (zero for a first scan,
///   giving grey), as libjpeg does after "Corrupt JPEG data: premature end of data segment".
struct ScanWalker {
    var reader: EntropyBitReader
    let file: UnsafeBufferPointer<UInt8>
    let components: [ScanComponent]
    let mcusWide: Int, mcusHigh: Int
    /// For each block of an MCU: its scan component and its column and row inside the MCU.
    let blockSlot: [Int], blockColumn: [Int], blockRow: [Int]
    let restartInterval: Int
    /// Where the scan's SOS marker is (for messages).
    let scanOffset: Int
    var warnings: WarningList
    /// Told as each MCU row starts and each is complete (a pixel stage running behind the walk).
    var progress: ScanProgress?
    private var restartsToGo: Int
    private var nextRestart = 0
    private var outOfData = false

    init(file: UnsafeBufferPointer<UInt8>, dataStart: Int, components: [ScanComponent],
         mcusWide: Int, mcusHigh: Int, restartInterval: Int, scanOffset: Int, warnings: WarningList) {
        self.file = file
        reader = EntropyBitReader(bytes: file.baseAddress!, end: file.count, position: dataStart)
        self.components = components
        self.mcusWide = mcusWide
        self.mcusHigh = mcusHigh
        var slot: [Int] = [], column: [Int] = [], row: [Int] = []
        for (s, c) in components.enumerated() {
            for y in 0..<c.mcuHigh {
                for x in 0..<c.mcuWide {
                    slot.append(s)
                    column.append(x)
                    row.append(y)
                }
            }
        }
        (blockSlot, blockColumn, blockRow) = (slot, column, row)
        self.restartInterval = restartInterval
        restartsToGo = restartInterval
        self.scanOffset = scanOffset
        self.warnings = warnings
    }

    /// Runs `decoder` over every block of the scan.
    mutating func run<D: BlockDecoding>(_ decoder: inout D) throws(JPEGDecodeError) {
        let scratch = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0, count: 64)
        let blocksInMCU = blockSlot.count
        for my in 0..<mcusHigh {
            progress?.starting(row: my)
            for mx in 0..<mcusWide {
                if restartInterval > 0 {
                    if restartsToGo == 0 { processRestart(&decoder) }
                    restartsToGo -= 1
                }
                if outOfData {
                    if !pendingRestart { return finishWarnings() }   // see below
                    if !D.decodesPastData { continue }
                }
                for b in 0..<blocksInMCU {
                    let slot = blockSlot[b]
                    let c = components[slot]
                    let bx = mx * c.mcuWide + blockColumn[b], by = my * c.mcuHigh + blockRow[b]
                    // bx < blocksWide and by < blocksHigh keep the block inside the component's array.
                    let block = bx < c.blocksWide && by < c.blocksHigh
                        ? c.coefficients + (by * c.blocksWide + bx) * 64 : scratch
                    try decoder.decode(block, slot: slot, &reader)
                }
                if !outOfData && reader.overran {
                    outOfData = true
                    warnings.add("Corrupt JPEG data: premature end of data segment (scan at offset \(scanOffset), "
                                 + "\(reader.reachedFileEnd ? "end of file" : "marker \(MarkerScanner.name(reader.marker)) at offset \(reader.markerOffset)"))")
                }
                // With the data used up and no restart marker ahead to resume at, every later MCU is a
                // no-op (skipped, or a DC refinement by zero bits): stop, so an empty scan of a large
                // frame costs nothing.
                if reader.overran && !pendingRestart { return finishWarnings() }
            }
            progress?.completed(rows: my + 1)
        }
        finishWarnings()
    }

    /// Whether the data can resume at a later restart: a restart interval is set and the marker ahead
    /// is an RSTn, or a code below C0 that resynchronisation looks past. Any other marker stays ahead
    /// for the rest of the scan.
    private var pendingRestart: Bool {
        restartInterval > 0 && (reader.marker < 0xC0 || (0xD0...0xD7).contains(reader.marker))
    }

    private func finishWarnings() {
        if reader.corruptCodes > 0 {
            warnings.add("Corrupt JPEG data: \(reader.corruptCodes) bad Huffman code(s) in the scan at offset \(scanOffset)")
        }
    }

    /// Reads the restart marker due now (libjpeg's process_restart and read_restart_marker).
    private mutating func processRestart<D: BlockDecoding>(_ decoder: inout D) {
        var discarded = reader.discardBuffer()
        if reader.marker == 0 {
            if let found = MarkerScanner.next(in: file, from: reader.position) {
                discarded += found.discarded
                reader.marker = found.code
                reader.markerOffset = found.offset
                reader.position = found.next
            } else {
                reader.markAtFileEnd()
            }
            if discarded > 0 {
                warnings.add("Corrupt JPEG data: \(discarded) extraneous bytes before marker "
                             + "\(MarkerScanner.name(reader.marker)) at offset \(reader.markerOffset)")
            }
        }
        if reader.marker != 0xD0 + UInt8(nextRestart) { resynchronise(expecting: nextRestart) }
        else { reader.marker = 0 }
        nextRestart = (nextRestart + 1) & 7
        decoder.restart()
        restartsToGo = restartInterval
        // A marker still pending means the next segment is empty: keep skipping.
        if reader.marker == 0 { outOfData = false }
    }

    /// libjpeg's jpeg_resync_to_restart, with `reader.marker` the marker found instead of RST`desired`:
    /// not a marker code (< C0): look further; RST one or two ahead, or any other marker: leave it for
    /// later (the segment is empty); RST one or two behind: look further; another RST: drop it and
    /// carry on with the data after it.
    private mutating func resynchronise(expecting desired: Int) {
        warnings.add("Corrupt JPEG data: found marker \(MarkerScanner.name(reader.marker)) at offset "
                     + "\(reader.markerOffset) instead of RST\(desired) (scan at offset \(scanOffset))")
        func restart(_ delta: Int) -> UInt8 { 0xD0 + UInt8((desired + delta) & 7) }
        while true {
            let m = reader.marker
            let lookFurther: Bool
            if m < 0xC0 {
                lookFurther = true
            } else if m < 0xD0 || m > 0xD7 || m == restart(1) || m == restart(2) {
                return
            } else if m == restart(-1) || m == restart(-2) {
                lookFurther = true
            } else {
                lookFurther = false
            }
            guard lookFurther else {
                reader.marker = 0
                return
            }
            if let found = MarkerScanner.next(in: file, from: reader.position) {
                reader.marker = found.code
                reader.markerOffset = found.offset
                reader.position = found.next
            } else {
                reader.markAtFileEnd()
            }
        }
    }
}

/// Warnings of one read, kept to a bounded number (a corrupt file can produce one per restart
/// interval); the rest are counted.
final class WarningList {
    static let limit = 50
    private(set) var messages: [String] = []
    private(set) var dropped = 0

    func add(_ message: String) {
        if messages.count < Self.limit { messages.append(message) } else { dropped += 1 }
    }

    var all: [String] { dropped == 0 ? messages : messages + ["… and \(dropped) more warnings"] }
}
