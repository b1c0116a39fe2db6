/// The marker segments before the entropy-coded data, in the order and form libjpeg writes them
/// (jcmarker.c's write_file_header, write_frame_header, write_scan_header):
/// SOI; APP0 JFIF 1.01 (no density unit, 1:1, no thumbnail); one DQT per table slot, in the order
/// the components first use them; SOF0, or SOF1 when a table needs 16-bit entries; one DHT per
/// Huffman table, for each component its DC then its AC table, each once; DRI when restarts are on;
/// SOS with all components, Ss 0, Se 63, Ah Al 0.
enum FrameHeader {
    static func bytes(_ layout: ScanLayout, dc: [HuffmanSpec], ac: [HuffmanSpec]) -> [UInt8] {
        var out: [UInt8] = [0xFF, Marker.soi]
        func segment(_ marker: UInt8, _ body: [UInt8]) {
            let length = body.count + 2
            out += [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + body
        }
        func word(_ v: Int) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }

        segment(Marker.app0, Array("JFIF".utf8) + [0, 1, 1, 0] + word(1) + word(1) + [0, 0])

        // Pq = 1 (16-bit entries) when an entry is over 255; entries in zigzag order.
        var wide = false
        for (slot, table) in layout.quantTables.enumerated() {
            let sixteen = table.values.contains { $0 > 255 }
            wide = wide || sixteen
            var body: [UInt8] = [UInt8((sixteen ? 0x10 : 0) | slot)]
            for n in Zigzag.natural { body += sixteen ? word(table.values[n]) : [UInt8(table.values[n])] }
            segment(Marker.dqt, body)
        }

        // Baseline allows 8-bit tables only; with 16-bit ones the same coding is extended sequential.
        var frame: [UInt8] = [8] + word(layout.height) + word(layout.width) + [UInt8(layout.components.count)]
        for (index, c) in layout.components.enumerated() {
            frame += [UInt8(index + 1), UInt8(c.h << 4 | c.v), UInt8(c.quantSlot)]
        }
        segment(wide ? Marker.sof1 : Marker.sof0, frame)

        var sent = Set<Int>()
        for c in layout.components {
            for (isAC, spec) in [(false, dc[c.tableSlot]), (true, ac[c.tableSlot])] {
                let index = (isAC ? 0x10 : 0) | c.tableSlot
                guard sent.insert(index).inserted else { continue }
                segment(Marker.dht, [UInt8(index)] + spec.counts + spec.symbols)
            }
        }

        if layout.restartInterval > 0 { segment(Marker.dri, word(layout.restartInterval)) }

        var scan: [UInt8] = [UInt8(layout.components.count)]
        for (index, c) in layout.components.enumerated() { scan += [UInt8(index + 1), UInt8(c.tableSlot << 4 | c.tableSlot)] }
        segment(Marker.sos, scan + [0, 63, 0])
        return out
    }
}
