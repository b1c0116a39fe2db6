import Golden

/// Reads a JPEG file from memory into quantized coefficients (`JPEGDecoded`), without touching the
/// file system, so a fuzzer can call `read(bytes)` directly. Pixels come from `JPEGDecoded.pixels`,
/// through the golden model.
///
/// What it reads: SOF0, SOF1 and SOF2 frames (Huffman coding, 8-bit samples) with 1 or 3 components
/// and sampling factors 1…4; DQT (8- and 16-bit entries), DHT, DRI, SOS, RSTn, APPn, COM, DNL and
/// fill bytes. Every other coding process, 12-bit samples and other component counts are refused with
/// an error that names them.
///
/// Damaged files: it follows libjpeg-turbo 2.1 (the coefficients equal what jpeg_read_coefficients
/// gives when it recovers as djpeg does). Corrupt entropy data, misplaced restart markers and a file
/// that ends inside a scan give an image (grey where data is missing) with warnings; see
/// `EntropyBitReader` and `ScanWalker` for the rules. A file that ends inside a marker segment after
/// the first scan also keeps what was decoded, with a warning (libjpeg usually fails there, reading
/// its inserted EOI as the segment's parameters). A file that ends before its first scan's data, and
/// any other broken structure, is an error naming the problem and its offset.
///
/// Work: every marker consumes bytes, so their number is bounded by the file size; scans are bounded
/// by `Limits.maxScans`, and a scan whose data has run out stops early.
public enum JPEGReader {
    /// Bounds on the work one file can ask for.
    public struct Limits: Sendable, Hashable {
        /// Scans a file may hold (each scan walks every block of its components once). libjpeg sets
        /// none; a progressive file from cjpeg has 10.
        public var maxScans: Int

        public init(maxScans: Int = 1000) { self.maxScans = maxScans }
    }

    /// Reads the coefficients of a JPEG file. The frame's claimed size is checked against `budget`
    /// (4 bytes per coefficient) before anything is allocated from it.
    public static func read(_ bytes: [UInt8], budget: MemoryBudget = .standard,
                            limits: Limits = Limits()) throws(JPEGDecodeError) -> JPEGDecoded {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JPEGDecodeError) -> JPEGDecoded in
            try read(buffer, budget: budget, limits: limits)
        }
    }

    /// The same from a buffer the caller owns (a fuzzer's input, a memory-mapped file).
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, budget: MemoryBudget = .standard,
                            limits: Limits = Limits()) throws(JPEGDecodeError) -> JPEGDecoded {
        var parser = FileParser(bytes: bytes, budget: budget, limits: limits)
        return try parser.parse()
    }
}

/// One quantization table as a DQT defines it, natural order.
struct QuantSpec {
    var values: [Int]
    var offset: Int
}

/// A scan header (SOS, B.2.3) after validation.
struct ScanHeader {
    var offset: Int
    /// Frame component indices, in scan order.
    var components: [Int]
    var dcTables: [Int], acTables: [Int]
    var ss: Int, se: Int, ah: Int, al: Int
    /// The first byte of entropy-coded data.
    var dataStart: Int
}

/// The marker loop of one file (libjpeg's read_markers / consume_markers order of checks).
struct FileParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let budget: MemoryBudget
    let limits: JPEGReader.Limits
    var position = 0
    var quantTables = [QuantSpec?](repeating: nil, count: 4)
    var dcSpecs = [DefinedHuffmanTable?](repeating: nil, count: 4)
    var acSpecs = [DefinedHuffmanTable?](repeating: nil, count: 4)
    var restartInterval = 0
    var frame: FrameDeclaration?
    var sawJFIF = false
    var adobeTransform: Int?
    /// The table each component was decoded with: copied when its first scan starts (as libjpeg).
    var latched: [QuantTable?] = []
    /// Progressive only: per component and zigzag position, the Al of the last scan that coded it
    /// (−1 before any), libjpeg's coef_bits.
    var coefficientBits: [[Int]] = []
    var scans = 0
    /// A sequential first scan with every component allows no further scan (libjpeg: "Didn't expect
    /// more than one scan").
    var singleScan = false
    let warnings = WarningList()
    /// Given to the walk of the next scan decoded, then dropped.
    var progress: ScanProgress?

    init(bytes: UnsafeBufferPointer<UInt8>, budget: MemoryBudget, limits: JPEGReader.Limits) {
        self.bytes = bytes
        self.budget = budget
        self.limits = limits
    }

    enum Step {
        case next
        case scan(ScanHeader)
        case endOfImage
    }

    mutating func parse() throws(JPEGDecodeError) -> JPEGDecoded {
        try decodeAll(from: headers())
    }

    /// Reads the markers up to the first scan: the frame is declared, the first scan's tables latched.
    mutating func headers() throws(JPEGDecodeError) -> ScanHeader {
        guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            let start = bytes.prefix(2).map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            throw JPEGDecodeError(.notJPEG, at: 0, "not a JPEG file: it starts with \(start.isEmpty ? "nothing (empty)" : start), not the SOI marker FF D8")
        }
        position = 2
        var first: ScanHeader
        headers: while true {
            guard let marker = nextMarker() else {
                throw JPEGDecodeError(.truncated, at: bytes.count, "the file ends at offset \(bytes.count) before any scan (no SOS marker)")
            }
            switch try handle(marker) {
            case .next: continue
            case .scan(let scan):
                first = scan
                break headers
            case .endOfImage:
                throw JPEGDecodeError(.malformed, at: marker.offset,
                                      frame == nil ? "EOI at offset \(marker.offset) before any frame: the file holds no image"
                                                   : "EOI at offset \(marker.offset) before any scan (no SOS marker)")
            }
        }
        guard frame != nil else { throw JPEGDecodeError(.malformed, at: first.offset, "SOS before SOF") }
        return first
    }

    /// Decodes every scan from the first to the end into coefficients.
    mutating func decodeAll(from first: ScanHeader) throws(JPEGDecodeError) -> JPEGDecoded {
        let frame = frame!
        var planes = frame.components.map { [Int32](largeUninitialized: $0.blockCount * 64) { $0.initialize(repeating: 0) } }
        try withPointers(&planes) { (pointers) throws(JPEGDecodeError) in
            try decodeScans(first: first, frame: frame, planes: pointers)
        }
        return finish(frame: frame, planes: planes)
    }

    /// Decodes the first scan and every marker and scan after it, to EOI or the end of the file.
    mutating func decodeScans(first: ScanHeader, frame: FrameDeclaration,
                              planes: [UnsafeMutablePointer<Int32>]) throws(JPEGDecodeError) {
        var scan = first
        while true {
            let stop = try decode(scan, frame: frame, planes: planes)
            var marker: MarkerScanner.Found
            if stop.reachedFileEnd {
                warnings.add("Premature end of JPEG file (in the scan at offset \(scan.offset))")
                return
            } else if stop.marker != 0 {
                marker = MarkerScanner.Found(code: stop.marker, offset: stop.markerOffset, next: stop.position, discarded: 0)
            } else {
                position = stop.position
                guard let found = nextMarker() else {
                    warnings.add("Premature end of JPEG file (after the scan at offset \(scan.offset))")
                    return
                }
                marker = found
            }
            // Markers up to the next scan or EOI.
            while true {
                position = marker.next
                let step: Step
                do {
                    step = try handle(marker)
                } catch where error.kind == .truncated {
                    warnings.add("Premature end of JPEG file (\(error.message))")
                    return
                }
                switch step {
                case .next:
                    guard let found = nextMarker() else {
                        warnings.add("Premature end of JPEG file (no EOI marker)")
                        return
                    }
                    marker = found
                    continue
                case .scan(let next):
                    scan = next
                case .endOfImage:
                    return
                }
                break
            }
        }
    }

    /// The next marker from `position` (libjpeg's next_marker), warning about skipped bytes.
    mutating func nextMarker() -> MarkerScanner.Found? {
        guard let found = MarkerScanner.next(in: bytes, from: position) else { return nil }
        if found.discarded > 0 {
            warnings.add("Corrupt JPEG data: \(found.discarded) extraneous bytes before marker "
                         + "\(MarkerScanner.name(found.code)) at offset \(found.offset)")
        }
        position = found.next
        return found
    }

    // MARK: markers

    mutating func handle(_ marker: MarkerScanner.Found) throws(JPEGDecodeError) -> Step {
        let code = marker.code, offset = marker.offset
        position = marker.next
        func segment(_ name: String) throws(JPEGDecodeError) -> MarkerSegment {
            try MarkerSegment(bytes: bytes, name: name, offset: offset, start: marker.next)
        }
        switch code {
        case 0xD8:
            throw JPEGDecodeError(.malformed, at: offset, "a second SOI marker at offset \(offset)")
        case 0xC0, 0xC1, 0xC2:
            var s = try segment("SOF\(code - 0xC0)")
            try readFrame(&s, type: JPEGFrameType(marker: code)!)
            position = s.end
        case 0xC4:
            var s = try segment("DHT")
            try readHuffmanTables(&s)
            position = s.end
        case 0xDB:
            var s = try segment("DQT")
            try readQuantTables(&s)
            position = s.end
        case 0xDD:
            var s = try segment("DRI")
            guard s.remaining == 2 else { throw s.fail("length \(s.remaining + 2); a DRI marker is 4 bytes long") }
            restartInterval = try s.word()
            position = s.end
        case 0xDA:
            var s = try segment("SOS")
            let scan = try readScanHeader(&s)
            position = s.end
            return .scan(scan)
        case 0xD9:
            return .endOfImage
        case 0xE0...0xEF:
            var s = try segment("APP\(code - 0xE0)")
            readApplicationData(&s, code: code)
            position = s.end
        case 0xFE, 0xDC:
            position = try segment(code == 0xFE ? "COM" : "DNL").end   // comment; DNL is ignored, as libjpeg does
        case 0xD0...0xD7, 0x01:
            break   // RSTn outside a scan and TEM have no parameters
        default:
            if let name = JPEGFrameType.refusal(marker: code) {
                throw .unsupported(at: offset, name)
            }
            throw JPEGDecodeError(.unsupported, at: offset,
                                  "marker \(MarkerScanner.name(code)) at offset \(offset) is not a marker this reader knows")
        }
        return .next
    }

    /// SOF (B.2.2): precision, height, width, components (id, h << 4 | v, Tq).
    mutating func readFrame(_ s: inout MarkerSegment, type: JPEGFrameType) throws(JPEGDecodeError) {
        if let frame {
            throw s.fail("a second frame header (the first is at offset \(frame.offset))")
        }
        let precision = try s.byte(), height = try s.word(), width = try s.word(), count = try s.byte()
        guard precision == 8 else {
            throw .unsupported(at: s.offset, "\(precision)-bit precision (\(s.name); only 8-bit samples)")
        }
        guard height > 0 else {
            throw .unsupported(at: s.offset, "height 0 in \(s.name) (the height would follow in a DNL marker)")
        }
        guard width > 0 else { throw s.fail("width 0") }
        guard count > 0 else { throw s.fail("no components") }
        guard s.remaining == 3 * count else {
            throw s.fail("length \(s.remaining + 8) does not match \(count) components (8 + 3 × \(count) = \(8 + 3 * count))")
        }
        switch count {
        case 1, 3: break
        case 4:
            let kind = adobeTransform == 2 ? "YCCK (Adobe transform 2)" : "CMYK"
            throw .unsupported(at: s.offset, "a 4-component \(kind) image (only 1 grey or 3 YCbCr/RGB components)")
        default:
            throw .unsupported(at: s.offset, "a \(count)-component image (only 1 grey or 3 YCbCr/RGB components)")
        }
        var components: [JPEGComponent] = []
        for i in 0..<count {
            let id = try s.byte(), factors = try s.byte(), table = try s.byte()
            let (h, v) = (factors >> 4, factors & 15)
            guard (1...4).contains(h) && (1...4).contains(v) else {
                throw s.fail("component \(i) (id \(id)) has sampling factors \(h)×\(v); each must be 1…4")
            }
            components.append(JPEGComponent(id: UInt8(id), h: h, v: v, quantTable: table,
                                            width: 0, height: 0, blocksWide: 0, blocksHigh: 0))
        }
        let maxH = components.map(\.h).max()!, maxV = components.map(\.v).max()!
        for i in components.indices {
            // A.1.1: ⌈W·h/hmax⌉ × ⌈H·v/vmax⌉ samples, ⌈…/8⌉ real blocks.
            let c = components[i]
            components[i].width = (width * c.h + maxH - 1) / maxH
            components[i].height = (height * c.v + maxV - 1) / maxV
            components[i].blocksWide = (components[i].width + 7) / 8
            components[i].blocksHigh = (components[i].height + 7) / 8
        }
        let header = FrameDeclaration(type: type, width: width, height: height, components: components,
                                 maxH: maxH, maxV: maxV, offset: s.offset)
        // 4 bytes per coefficient (the Int32 arrays of EncodedImage), checked before any allocation.
        let need = header.coefficientCount * 4, pixels = width * height
        do {
            try budget.admit(width: width, height: height, bytesPerPixel: (need + pixels - 1) / pixels,
                             for: "the quantized coefficients of a \(count)-component \(type.rawValue) frame")
        } catch {
            throw .budget(error, at: s.offset)
        }
        frame = header
        latched = Array(repeating: nil, count: count)
        coefficientBits = Array(repeating: Array(repeating: -1, count: 64), count: count)
    }

    /// DHT (B.2.4.2): one or more tables, each Tc << 4 | Th, 16 counts, the symbols.
    mutating func readHuffmanTables(_ s: inout MarkerSegment) throws(JPEGDecodeError) {
        while s.remaining > 16 {
            let index = try s.byte()
            var counts: [UInt8] = []
            for _ in 0..<16 { counts.append(UInt8(try s.byte())) }
            let total = counts.reduce(0) { $0 + Int($1) }
            let isAC = index & 0x10 != 0, slot = isAC ? index - 0x10 : index
            let name = "\(isAC ? "AC" : "DC")\(slot)"
            guard slot < 4 else { throw s.fail("table selector 0x\(String(index, radix: 16)); class 0 or 1, index 0…3") }
            guard total <= 256 else { throw s.fail("table \(name) claims \(total) symbols (at most 256)") }
            guard total <= s.remaining else {
                throw s.fail("table \(name) claims \(total) symbols but \(s.remaining) bytes remain in the marker")
            }
            var symbols: [UInt8] = []
            for _ in 0..<total { symbols.append(UInt8(try s.byte())) }
            let spec = DefinedHuffmanTable(spec: HuffmanSpec(counts: counts, symbols: symbols), offset: s.offset)
            if isAC { acSpecs[slot] = spec } else { dcSpecs[slot] = spec }
        }
        guard s.remaining == 0 else { throw s.fail("\(s.remaining) bytes left over after its tables") }
    }

    /// DQT (B.2.4.1): one or more tables, each Pq << 4 | Tq then 64 entries in zigzag order, 8-bit
    /// (Pq = 0) or 16-bit.
    mutating func readQuantTables(_ s: inout MarkerSegment) throws(JPEGDecodeError) {
        while s.remaining > 0 {
            let selector = try s.byte()
            let wide = selector >> 4 != 0, slot = selector & 15
            guard slot < 4 else { throw s.fail("table index \(slot); 0…3") }
            let need = 64 * (wide ? 2 : 1)
            guard s.remaining >= need else {
                throw s.fail("table \(slot) needs \(need) bytes of \(wide ? 16 : 8)-bit entries, \(s.remaining) remain")
            }
            var values = [Int](repeating: 0, count: 64)
            for k in 0..<64 { values[Zigzag.natural[k]] = wide ? try s.word() : try s.byte() }
            quantTables[slot] = QuantSpec(values: values, offset: s.offset)
        }
    }

    /// APP0 "JFIF\0" (14 bytes at least) means YCbCr; APP14 "Adobe" (12 bytes at least) carries the
    /// colour transform in its 12th byte (jdmarker.c). Everything else is skipped.
    mutating func readApplicationData(_ s: inout MarkerSegment, code: UInt8) {
        let head = s.peekBytes(14)
        if code == 0xE0 && head.count >= 14 && head.starts(with: Array("JFIF\0".utf8)) { sawJFIF = true }
        if code == 0xEE && head.count >= 12 && head.starts(with: Array("Adobe".utf8)) { adobeTransform = Int(head[11]) }
    }

    /// SOS (B.2.3) with libjpeg's checks, and the per-scan setup: quantization tables latched on a
    /// component's first scan, the progression checked against what came before.
    mutating func readScanHeader(_ s: inout MarkerSegment) throws(JPEGDecodeError) -> ScanHeader {
        guard let frame else { throw s.fail("a scan before any frame header (SOF)") }
        let count = try s.byte()
        guard (1...4).contains(count) && s.remaining == 2 * count + 3 else {
            throw s.fail("length \(s.remaining + 3) for \(count) components (6 + 2 × count, 1…4 components)")
        }
        var members: [Int] = [], dc: [Int] = [], ac: [Int] = []
        for _ in 0..<count {
            let id = try s.byte(), tables = try s.byte()
            guard let index = frame.components.indices.first(where: {
                frame.components[$0].id == UInt8(id) && !members.contains($0)
            }) else {
                throw s.fail(members.contains(where: { frame.components[$0].id == UInt8(id) })
                             ? "component id \(id) appears twice" : "component id \(id) is not in the frame")
            }
            members.append(index)
            dc.append(tables >> 4)
            ac.append(tables & 15)
        }
        let ss = try s.byte(), se = try s.byte(), a = try s.byte()
        let scan = ScanHeader(offset: s.offset, components: members, dcTables: dc, acTables: ac,
                              ss: ss, se: se, ah: a >> 4, al: a & 15, dataStart: s.end)
        scans += 1
        guard scans <= limits.maxScans else {
            throw JPEGDecodeError(.limit, at: s.offset, "scan \(scans) at offset \(s.offset) is over the limit of "
                                  + "\(limits.maxScans) scans")
        }
        if singleScan {
            throw s.fail("a second scan after a sequential scan of every component (libjpeg: \"Didn't expect more than one scan\")")
        }
        if scans == 1 { singleScan = !frame.type.isProgressive && count == frame.components.count }
        if count > 1 {
            let blocks = members.reduce(0) { $0 + frame.components[$1].h * frame.components[$1].v }
            guard blocks <= 10 else {
                throw s.fail("an interleaved scan with \(blocks) blocks per MCU (at most 10): the sampling factors are too large")
            }
        }
        for index in members where latched[index] == nil {
            latched[index] = try latchTable(of: frame.components[index], at: s.offset)
        }
        if frame.type.isProgressive {
            try checkProgression(scan, frame: frame)
        } else if ss != 0 || se != 63 || scan.ah != 0 || scan.al != 0 {
            warnings.add("Invalid SOS parameters for sequential JPEG (scan at offset \(s.offset): Ss=\(ss) Se=\(se) "
                         + "Ah=\(scan.ah) Al=\(scan.al)); decoded as a full sequential scan")
        }
        return scan
    }

    /// The component's table as it stands at its first scan. Entries must be 1…32767: libjpeg holds
    /// them as 16-bit signed multipliers, and the golden model's quantizer needs a non-zero step.
    func latchTable(of component: JPEGComponent, at offset: Int) throws(JPEGDecodeError) -> QuantTable {
        let n = component.quantTable
        guard n < 4, let spec = quantTables[n] else {
            throw JPEGDecodeError(.malformed, at: offset, "quantization table \(n) (component id \(component.id)) "
                                  + "was not defined before the scan at offset \(offset)")
        }
        if let k = (0..<64).first(where: { spec.values[Zigzag.natural[$0]] == 0 || spec.values[Zigzag.natural[$0]] > 32767 }) {
            let entry = spec.values[Zigzag.natural[k]]
            throw JPEGDecodeError(.unsupported, at: spec.offset, "quantization table \(n) (DQT at offset \(spec.offset)) "
                                  + "has entry \(entry) at zigzag position \(k): steps must be 1…32767")
        }
        return QuantTable(spec.values)
    }

    /// libjpeg's start_pass_phuff_decoder checks: a DC scan has Se = 0; an AC scan has 1 ≤ Ss ≤ Se ≤ 63
    /// and one component; a refinement has Al = Ah − 1; Al ≤ 13. Scans out of the expected order
    /// (AC before DC, a refinement that does not follow) are only warned about, as libjpeg does.
    mutating func checkProgression(_ scan: ScanHeader, frame: FrameDeclaration) throws(JPEGDecodeError) {
        let dcBand = scan.ss == 0
        var bad = dcBand ? scan.se != 0 : (scan.ss > scan.se || scan.se > 63 || scan.components.count != 1)
        if scan.ah != 0 && scan.al != scan.ah - 1 { bad = true }
        if scan.al > 13 { bad = true }
        if bad {
            throw .bad("SOS", at: scan.offset, "invalid progressive parameters Ss=\(scan.ss) Se=\(scan.se) "
                       + "Ah=\(scan.ah) Al=\(scan.al)")
        }
        for index in scan.components {
            if !dcBand && coefficientBits[index][0] < 0 {
                warnings.add("Inconsistent progression sequence for component \(index) coefficient 0 "
                             + "(an AC scan at offset \(scan.offset) before any DC scan)")
            }
            for k in scan.ss...scan.se {
                let expected = max(0, coefficientBits[index][k])
                if scan.ah != expected {
                    warnings.add("Inconsistent progression sequence for component \(index) coefficient \(k) "
                                 + "(scan at offset \(scan.offset))")
                }
                coefficientBits[index][k] = scan.al
            }
        }
    }

    // MARK: scans

    /// Where the entropy-coded data of a scan stopped.
    struct Stop {
        var position: Int
        var marker: UInt8
        var markerOffset: Int
        var reachedFileEnd: Bool
    }

    /// Decodes one scan into the coefficient arrays.
    mutating func decode(_ scan: ScanHeader, frame: FrameDeclaration,
                         planes: [UnsafeMutablePointer<Int32>]) throws(JPEGDecodeError) -> Stop {
        let interleaved = scan.components.count > 1
        let members = scan.components.map { index in
            let c = frame.components[index]
            return ScanComponent(coefficients: planes[index], blocksWide: c.blocksWide, blocksHigh: c.blocksHigh,
                                 mcuWide: interleaved ? c.h : 1, mcuHigh: interleaved ? c.v : 1)
        }
        let single = frame.components[scan.components[0]]
        var walker = ScanWalker(file: bytes, dataStart: scan.dataStart, components: members,
                                mcusWide: interleaved ? frame.mcusWide : single.blocksWide,
                                mcusHigh: interleaved ? frame.mcusHigh : single.blocksHigh,
                                restartInterval: restartInterval, scanOffset: scan.offset, warnings: warnings)
        walker.progress = progress
        progress = nil
        // The decoders hold raw pointers into these tables: keep them alive for the walk.
        var owners: [HuffmanDecoder] = []
        func tables(_ selectors: [Int], ac: Bool) throws(JPEGDecodeError) -> [HuffmanLookup] {
            var lookups: [HuffmanLookup] = []
            for selector in selectors {
                let decoder = try huffmanDecoder(selector, ac: ac, scan: scan, progressive: frame.type.isProgressive)
                owners.append(decoder)
                lookups.append(decoder.tables)
            }
            return lookups
        }
        if !frame.type.isProgressive {
            var blocks = SequentialBlocks(dc: try tables(scan.dcTables, ac: false), ac: try tables(scan.acTables, ac: true))
            try walker.run(&blocks)
        } else if scan.ss == 0 && scan.ah == 0 {
            var blocks = DCFirstBlocks(dc: try tables(scan.dcTables, ac: false), al: scan.al)
            try walker.run(&blocks)
        } else if scan.ss == 0 {
            var blocks = DCRefineBlocks(al: scan.al)
            try walker.run(&blocks)
        } else if scan.ah == 0 {
            var blocks = ACFirstBlocks(ac: try tables(scan.acTables, ac: true)[0], ss: scan.ss, se: scan.se, al: scan.al)
            try walker.run(&blocks)
        } else {
            var blocks = ACRefineBlocks(ac: try tables(scan.acTables, ac: true)[0], ss: scan.ss, se: scan.se, al: scan.al)
            try walker.run(&blocks)
            if blocks.oddSizes > 0 {
                warnings.add("Corrupt JPEG data: \(blocks.oddSizes) refinement symbol(s) with a size other than 1 "
                             + "(scan at offset \(scan.offset))")
            }
        }
        withExtendedLifetime(owners) {}
        let r = walker.reader
        return Stop(position: r.position, marker: r.marker, markerOffset: r.markerOffset, reachedFileEnd: r.reachedFileEnd)
    }

    /// The decoding form of a table a scan selects. A sequential file may rely on the Annex K tables
    /// for selectors 0 and 1 (libjpeg installs them when the file defines none).
    mutating func huffmanDecoder(_ selector: Int, ac: Bool, scan: ScanHeader,
                                 progressive: Bool) throws(JPEGDecodeError) -> HuffmanDecoder {
        let name = "\(ac ? "AC" : "DC")\(selector)"
        var spec = selector < 4 ? (ac ? acSpecs[selector] : dcSpecs[selector]) : nil
        if spec == nil && !progressive && selector < 2 {
            spec = DefinedHuffmanTable.annexK(ac: ac, index: selector)
            if ac { acSpecs[selector] = spec } else { dcSpecs[selector] = spec }
            warnings.add("Huffman table \(name) was not defined; using the default table of T.81 Annex K "
                         + "(scan at offset \(scan.offset))")
        }
        guard let spec else {
            throw JPEGDecodeError(.malformed, at: scan.offset, "Huffman table \(name) was not defined before the scan "
                                  + "at offset \(scan.offset)")
        }
        return try HuffmanDecoder(spec, isDC: !ac, name: name)
    }

    // MARK: result

    /// The colour space the markers read so far declare (libjpeg's default_decompress_parms).
    func colourSpace(of frame: FrameDeclaration) -> JPEGColourSpace {
        if frame.components.count == 1 { return .grey }
        if sawJFIF { return .yCbCr }
        if let adobeTransform { return adobeTransform == 0 ? .rgb : .yCbCr }
        return frame.components.map(\.id) == [82, 71, 66] ? .rgb : .yCbCr
    }

    func finish(frame: FrameDeclaration, planes: [[Int32]]) -> JPEGDecoded {
        let colour = colourSpace(of: frame)
        if frame.components.count > 1, !sawJFIF, let adobeTransform, adobeTransform > 1 {
            warnings.add("Adobe APP14 transform \(adobeTransform) is unknown; reading the components as YCbCr")
        }
        if frame.type.isProgressive, let note = smoothingNote(frame) { warnings.add(note) }
        let components = frame.components.enumerated().map { index, c in
            // A component no scan reached has zero coefficients: it keeps the table its selector names
            // now (as libjpeg reports it), or steps of 1 when that is undefined or unusable.
            let table = latched[index] ?? (try? latchTable(of: c, at: frame.offset)) ?? QuantTable(Array(repeating: 1, count: 64))
            return EncodedComponent(width: c.width, height: c.height, blocksWide: c.blocksWide,
                                    blocksHigh: c.blocksHigh, table: table, coefficients: planes[index])
        }
        return JPEGDecoded(frameType: frame.type, width: frame.width, height: frame.height,
                           components: frame.components, colourSpace: colour, restartInterval: restartInterval,
                           scans: scans, components: components, warnings: warnings.all)
    }

    /// libjpeg smooths the blocks of a progressive image (jdcoefct.c, smoothing_ok) when, after the
    /// last scan, a component's DC is known but one of its first nine AC coefficients is not complete
    /// (never coded, or last coded with Al > 0). The golden path does not: say so.
    func smoothingNote(_ frame: FrameDeclaration) -> String? {
        guard latched.allSatisfy({ $0 != nil }), coefficientBits.allSatisfy({ $0[0] >= 0 }) else { return nil }
        // coef_bits is indexed by zigzag position, as Ss and Se are.
        let incomplete = coefficientBits.indices.filter { c in (1...9).contains { coefficientBits[c][$0] != 0 } }
        guard !incomplete.isEmpty else { return nil }
        return "progressive scans leave the first AC coefficients of component(s) \(incomplete.map(String.init).joined(separator: ", ")) "
            + "incomplete: djpeg would smooth these blocks; the golden path decodes the coefficients as read"
    }
}

/// Runs `body` with a pointer to the storage of every array (arrays of at least one element).
func withPointers<R>(_ arrays: inout [[Int32]],
                     _ body: ([UnsafeMutablePointer<Int32>]) throws(JPEGDecodeError) -> R) throws(JPEGDecodeError) -> R {
    var list = arrays
    arrays = []   // the elements are now referenced once, by `list`
    defer { arrays = list }
    func nest(_ i: Int, _ pointers: [UnsafeMutablePointer<Int32>]) throws(JPEGDecodeError) -> R {
        if i == list.count { return try body(pointers) }
        var element = list[i]
        list[i] = []
        defer { list[i] = element }
        return try element.withUnsafeMutableBufferPointer { (buffer) throws(JPEGDecodeError) -> R in
            try nest(i + 1, pointers + [buffer.baseAddress!])
        }
    }
    return try nest(0, [])
}
