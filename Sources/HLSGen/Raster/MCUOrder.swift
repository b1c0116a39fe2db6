import Golden

/// The order the raster front end gives blocks in, and where each sample comes from: the rules its
/// block reader follows, stated as a model. JPEG's MCU order (T.81 A.2.3): MCUs in raster order over
/// ⌈W/(8·Hmax)⌉ × ⌈H/(8·Vmax)⌉, each the Hmax × Vmax luma blocks (raster order inside the MCU), then one
/// Cb block and one Cr block. A grey frame is one component, its blocks in raster order. A block past
/// a component's own ⌈width/8⌉ × ⌈height/8⌉ is a dummy: libjpeg codes it as all AC zero and the DC of
/// the block before, which no pixel block gives, so the reader marks it instead of reading it.
/// Samples read from the full-resolution planes (W × H), clamping addresses to replicate edges
/// (jcsample.c, jcprepct.c), chroma reduced as it is read:
///   luma, 4:4:4 chroma:  P[min(y, H−1)][min(x, W−1)]
///   4:2:2 chroma:        (P[y'][x0] + P[y'][x1] + (x & 1)) >> 1,          y' = min(y, H−1)
///   4:2:0 chroma:        (Σ P[y0|y1][x0|x1] + 1 + (x & 1)) >> 2,  yd = min(y, ⌈H/2⌉−1), y0 = 2yd, y1 = min(2yd+1, H−1)
/// with x0 = min(2x, W−1), x1 = min(2x+1, W−1).
public struct MCUOrder: Sendable {
    public struct Block: Sendable, Equatable {
        public var component: Int
        /// The block's place in its component, in blocks.
        public var x: Int, y: Int
        public var dummy: Bool
    }

    public let width: Int, height: Int
    public let chroma: ChromaSubsampling
    public let components: Int

    /// `components` 1 (a grey frame) or 3; a colour frame coded grey (`.gray`) is one component too.
    public init(width: Int, height: Int, chroma: ChromaSubsampling, components: Int = 3) {
        self.width = width
        self.height = height
        self.chroma = components == 1 ? .gray : chroma
        self.components = self.chroma == .gray ? 1 : 3
    }

    /// Luma blocks per MCU across and down (1 × 1 for one component).
    public var lumaPerMCU: (h: Int, v: Int) { components == 1 ? (1, 1) : chroma.factors }

    /// A component's own blocks across and down (before MCU padding).
    public func realBlocks(_ component: Int) -> (wide: Int, high: Int) {
        let f = component == 0 ? (h: 1, v: 1) : chroma.factors
        let w = (width + f.h - 1) / f.h, h = (height + f.v - 1) / f.v
        return ((w + 7) / 8, (h + 7) / 8)
    }

    public var mcus: (wide: Int, high: Int) {
        let (h, v) = lumaPerMCU
        return ((width + 8 * h - 1) / (8 * h), (height + 8 * v - 1) / (8 * v))
    }

    /// Every block, in the order given.
    public var blocks: [Block] {
        let (h, v) = lumaPerMCU, (wide, high) = mcus
        let real = (0..<components).map(realBlocks)
        var order: [Block] = []
        order.reserveCapacity(wide * high * (h * v + components - 1))
        for my in 0..<high {
            for mx in 0..<wide {
                for dy in 0..<v {
                    for dx in 0..<h {
                        let x = mx * h + dx, y = my * v + dy
                        order.append(Block(component: 0, x: x, y: y, dummy: x >= real[0].wide || y >= real[0].high))
                    }
                }
                for c in 1..<components {
                    order.append(Block(component: c, x: mx, y: my, dummy: mx >= real[c].wide || my >= real[c].high))
                }
            }
        }
        return order
    }

    /// The 64 samples of a block (row by row) read from `planes`, the component's full-resolution
    /// W × H plane, by the reader's address rules.
    public func samples(of block: Block, from plane: [UInt8]) -> [UInt8] {
        let f = block.component == 0 ? (h: 1, v: 1) : chroma.factors
        let (w, h) = (width, height)
        func p(_ row: Int, _ column: Int) -> Int { Int(plane[row * w + column]) }
        return (0..<64).map { k in
            let x = 8 * block.x + k % 8, y = 8 * block.y + k / 8
            let x0 = min(f.h * x, w - 1), x1 = min(f.h * x + 1, w - 1)
            switch f {
            case (1, 1):
                return UInt8(p(min(y, h - 1), x0))
            case (2, 1):
                let row = min(y, h - 1)
                return UInt8((p(row, x0) + p(row, x1) + (x & 1)) >> 1)
            default:
                let yd = min(y, (h + 1) / 2 - 1), y0 = 2 * yd, y1 = min(2 * yd + 1, h - 1)
                return UInt8((p(y0, x0) + p(y0, x1) + p(y1, x0) + p(y1, x1) + 1 + (x & 1)) >> 2)
            }
        }
    }
}
