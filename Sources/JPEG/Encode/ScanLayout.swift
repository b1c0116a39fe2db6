import Golden

/// How a frame is laid out for baseline coding, as libjpeg lays it out for cjpeg's settings:
/// component ids 1, 2, 3; luma sampled (Hmax, Vmax) = the subsampling's reduction and chroma 1×1;
/// quantization table slot 0 for luma, 1 for chroma; Huffman tables 0 (luma) and 1 (chroma).
/// One interleaved scan holds every component (T.81 A.2.3).
struct ScanLayout {
    struct Component {
        /// Sampling factors: the component's blocks across and down in one MCU.
        var h: Int, v: Int
        /// Real blocks: ⌈width / 8⌉ × ⌈height / 8⌉ of the component's own (subsampled) size.
        var blocksWide: Int, blocksHigh: Int
        /// DQT slot and Huffman table slot (DC and AC alike).
        var quantSlot: Int, tableSlot: Int
    }

    var width: Int, height: Int
    var components: [Component]
    /// The tables the DQT slots hold, slot order.
    var quantTables: [QuantTable]
    /// MCUs across and down: ⌈W / (8·Hmax)⌉ × ⌈H / (8·Vmax)⌉; a one-component scan has one block
    /// per MCU, so this is its blocks.
    var mcusPerRow: Int, mcuRows: Int
    /// MCUs between restart markers; 0 = no restarts.
    var restartInterval: Int

    var mcuCount: Int { mcusPerRow * mcuRows }
    var blocksPerMCU: Int { components.reduce(0) { $0 + $1.h * $1.v } }
    var tableSlots: Int { (components.map(\.tableSlot).max() ?? 0) + 1 }

    /// Checks that `encoded` is a whole, consistent image and lays it out.
    init(_ encoded: EncodedImage, restart: RestartInterval?) throws(JPEGWriteError) {
        let (w, h) = (encoded.width, encoded.height)
        guard (1...65535).contains(w) && (1...65535).contains(h) else {
            throw .invalidImage("\(w) x \(h) pixels: a JPEG frame is 1...65535 pixels each way")
        }
        let colour = encoded.chroma != .gray
        guard encoded.components.count == (colour ? 3 : 1) else {
            throw .invalidImage("\(encoded.components.count) components for chroma \(encoded.chroma.rawValue)"
                                + " (grey has 1, colour 3)")
        }
        let (hMax, vMax) = encoded.chroma.factors
        var components: [Component] = []
        var quantTables: [QuantTable] = []
        for (index, c) in encoded.components.enumerated() {
            let (hs, vs) = index == 0 ? (hMax, vMax) : (1, 1)
            // The component's size: ⌈W·h / Hmax⌉ × ⌈H·v / Vmax⌉ (T.81 A.1.1).
            let (cw, ch) = ((w * hs + hMax - 1) / hMax, (h * vs + vMax - 1) / vMax)
            guard c.width == cw && c.height == ch else {
                throw .invalidImage("component \(index) is \(c.width) x \(c.height), expected \(cw) x \(ch)"
                                    + " for \(w) x \(h) at chroma \(encoded.chroma.rawValue)")
            }
            guard c.blocksWide == (cw + 7) / 8 && c.blocksHigh == (ch + 7) / 8
                    && c.coefficients.count == c.blocksWide * c.blocksHigh * 64 else {
                throw .invalidImage("component \(index): \(c.coefficients.count) coefficients for"
                                    + " \(c.blocksWide) x \(c.blocksHigh) blocks of a \(cw) x \(ch) plane")
            }
            if let bad = c.table.values.first(where: { !(1...65535).contains($0) }) {
                throw .invalidImage("component \(index): quantization step \(bad) is outside 1...65535")
            }
            // Luma takes slot 0; every other component reuses a chroma slot with the same table or opens one.
            let slot: Int
            if index == 0 {
                slot = 0
            } else if let same = quantTables.indices.dropFirst().first(where: { quantTables[$0] == c.table }) {
                slot = same
            } else {
                slot = quantTables.count
            }
            if slot == quantTables.count { quantTables.append(c.table) }
            guard slot < 4 else { throw .invalidImage("more than 4 quantization tables") }
            components.append(Component(h: hs, v: vs, blocksWide: c.blocksWide, blocksHigh: c.blocksHigh,
                                        quantSlot: slot, tableSlot: index == 0 ? 0 : 1))
        }
        (width, height) = (w, h)
        self.components = components
        self.quantTables = quantTables
        if colour {
            mcusPerRow = (w + 8 * hMax - 1) / (8 * hMax)
            mcuRows = (h + 8 * vMax - 1) / (8 * vMax)
        } else {
            mcusPerRow = components[0].blocksWide
            mcuRows = components[0].blocksHigh
        }
        switch restart {
        case nil:
            restartInterval = 0
        case .mcus(let n):
            guard (1...65535).contains(n) else { throw .invalidOption("restart interval of \(n) MCUs: must be 1...65535") }
            restartInterval = n
        case .rows(let n):
            guard (1...65535).contains(n) else { throw .invalidOption("restart interval of \(n) MCU rows: must be 1...65535") }
            // DRI holds 16 bits: libjpeg caps rows × MCUs per row at 65535.
            restartInterval = min(n * mcusPerRow, 65535)
        }
    }

    /// Restart segments: the scan's MCUs split every `restartInterval`.
    var segmentCount: Int {
        restartInterval == 0 ? 1 : (mcuCount + restartInterval - 1) / restartInterval
    }

    func segment(_ s: Int) -> Range<Int> {
        if restartInterval == 0 { return 0..<mcuCount }
        return (s * restartInterval)..<min(mcuCount, (s + 1) * restartInterval)
    }
}
