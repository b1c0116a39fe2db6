/// The marker segments before the entropy-coded data, in the order and form libjpeg writes them
/// (jcmarker.c's write_file_header, write_frame_header, write_scan_header):
/// SOI; APP0 JFIF 1.01 (no density unit, 1:1, no thumbnail); one DQT per table slot, in the order
/// the components first use them; SOF0, or SOF1 when a table needs 16-bit entries; one DHT per
/// Huffman table, for each component its DC then its AC table, each once; DRI when restarts are on;
/// SOS with all components, Ss 0, Se 63, Ah Al 0.
///
/// The header is said once, as items: bytes fixed by the frame's structure, and bytes that come from
/// the frame's numbers (its size, restart interval, luma sampling, quantization steps). The golden
/// writer resolves the items with a frame's numbers; the hardware encoder's header sequencer plays
/// them from a program memory, reading the numbers from its registers and table memory.
public enum HeaderItem: Hashable, Sendable {
    /// Which byte of a 16-bit number, most significant first as JPEG stores it.
    public enum Half: Hashable, Sendable { case high, low }

    case byte(UInt8)
    case width(Half)
    case height(Half)
    case restartInterval(Half)
    /// The luma component's sampling factors, h << 4 | v.
    case lumaSampling
    /// A quantization step of DQT slot `slot` at zigzag position `position`: the whole entry of an
    /// 8-bit table (`half` nil), or one byte of a 16-bit table's.
    case quant(slot: Int, position: Int, half: Half?)
    /// Byte `position` of a DHT segment after its marker (its length first, then Tc << 4 | Th, BITS,
    /// HUFFVAL) for the table `table` = Tc << 4 | Th (Tc 0 DC, 1 AC; Th its slot).
    case huffman(table: Int, position: Int)
}

/// The structure of a frame's header: what fixes its length and its fixed bytes.
public struct HeaderPlan: Hashable, Sendable {
    /// Per component (1 or 3): its DQT slot and its Huffman table slot.
    public var quantSlots: [Int], tableSlots: [Int]
    /// Per DQT slot: whether its entries take 16 bits.
    public var wideSlots: [Bool]
    /// Whether DRI is written.
    public var restart: Bool

    public init(quantSlots: [Int], tableSlots: [Int], wideSlots: [Bool], restart: Bool) {
        (self.quantSlots, self.tableSlots, self.wideSlots, self.restart) = (quantSlots, tableSlots, wideSlots, restart)
    }

    /// cjpeg's layout of an image with `components` (1 or 3) components and 8-bit tables: luma slot 0,
    /// chroma slot 1, for quantization and Huffman tables alike.
    public static func baseline(components: Int, restart: Bool) -> HeaderPlan {
        let slots = components == 1 ? [0] : [0, 1, 1]
        return HeaderPlan(quantSlots: slots, tableSlots: slots, wideSlots: components == 1 ? [false] : [false, false], restart: restart)
    }
}

public enum FrameHeader {
    /// The header's items; `dc` and `ac` are the Huffman tables of each table slot.
    public static func items(_ plan: HeaderPlan, dc: [HuffmanSpec], ac: [HuffmanSpec]) -> [HeaderItem] {
        var out: [HeaderItem] = [.byte(0xFF), .byte(Marker.soi)]
        func segment(_ marker: UInt8, _ body: [HeaderItem]) {
            let length = body.count + 2
            out += [.byte(0xFF), .byte(marker), .byte(UInt8(length >> 8)), .byte(UInt8(length & 0xFF))] + body
        }
        func bytes(_ values: [UInt8]) -> [HeaderItem] { values.map { .byte($0) } }
        func word(_ v: Int) -> [HeaderItem] { bytes([UInt8(v >> 8), UInt8(v & 0xFF)]) }

        segment(Marker.app0, bytes(Array("JFIF".utf8) + [0, 1, 1, 0]) + word(1) + word(1) + bytes([0, 0]))

        // Pq = 1 (16-bit entries) for a wide slot; entries in zigzag order.
        for (slot, sixteen) in plan.wideSlots.enumerated() {
            var body: [HeaderItem] = [.byte(UInt8((sixteen ? 0x10 : 0) | slot))]
            for k in 0..<64 {
                body += sixteen ? [.quant(slot: slot, position: k, half: .high), .quant(slot: slot, position: k, half: .low)]
                    : [.quant(slot: slot, position: k, half: nil)]
            }
            segment(Marker.dqt, body)
        }

        // Baseline allows 8-bit tables only; with 16-bit ones the same coding is extended sequential.
        let count = plan.quantSlots.count
        var frame: [HeaderItem] = [.byte(8), .height(.high), .height(.low), .width(.high), .width(.low), .byte(UInt8(count))]
        for index in 0..<count {
            frame += [.byte(UInt8(index + 1)), index == 0 ? .lumaSampling : .byte(0x11), .byte(UInt8(plan.quantSlots[index]))]
        }
        segment(plan.wideSlots.contains(true) ? Marker.sof1 : Marker.sof0, frame)

        var sent = Set<Int>()
        for slot in plan.tableSlots {
            for (isAC, spec) in [(false, dc[slot]), (true, ac[slot])] {
                let index = (isAC ? 0x10 : 0) | slot
                guard sent.insert(index).inserted else { continue }
                out += [.byte(0xFF), .byte(Marker.dht)]
                out += (0..<(Self.huffmanSegment(index: index, spec).count)).map { .huffman(table: index, position: $0) }
            }
        }

        if plan.restart { segment(Marker.dri, [.restartInterval(.high), .restartInterval(.low)]) }

        var scan: [HeaderItem] = [.byte(UInt8(count))]
        for index in 0..<count { scan += bytes([UInt8(index + 1), UInt8(plan.tableSlots[index] << 4 | plan.tableSlots[index])]) }
        segment(Marker.sos, scan + bytes([0, 63, 0]))
        return out
    }

    /// A DHT segment's bytes after its marker: length, Tc << 4 | Th (`index`), BITS, HUFFVAL.
    public static func huffmanSegment(index: Int, _ spec: HuffmanSpec) -> [UInt8] {
        let length = 2 + 1 + spec.counts.count + spec.symbols.count
        return [UInt8(length >> 8), UInt8(length & 0xFF), UInt8(index)] + spec.counts + spec.symbols
    }

    static func bytes(_ layout: ScanLayout, dc: [HuffmanSpec], ac: [HuffmanSpec]) -> [UInt8] {
        let plan = HeaderPlan(quantSlots: layout.components.map(\.quantSlot), tableSlots: layout.components.map(\.tableSlot),
                              wideSlots: layout.quantTables.map { $0.values.contains { $0 > 255 } },
                              restart: layout.restartInterval > 0)
        func half(_ v: Int, _ h: HeaderItem.Half) -> UInt8 { UInt8(truncatingIfNeeded: h == .high ? v >> 8 : v) }
        return items(plan, dc: dc, ac: ac).map { item in
            switch item {
            case .byte(let b): b
            case .width(let h): half(layout.width, h)
            case .height(let h): half(layout.height, h)
            case .restartInterval(let h): half(layout.restartInterval, h)
            case .lumaSampling: UInt8(layout.components[0].h << 4 | layout.components[0].v)
            case let .quant(slot, k, h):
                h.map { half(layout.quantTables[slot].values[Zigzag.natural[k]], $0) }
                    ?? UInt8(layout.quantTables[slot].values[Zigzag.natural[k]])
            case let .huffman(index, position):
                huffmanSegment(index: index, (index >> 4 == 0 ? dc : ac)[index & 15])[position]
            }
        }
    }
}
