/// How the chroma components are sampled relative to luma.
public enum ChromaSubsampling: String, Sendable, Codable, CaseIterable {
    case s444 = "444", s422 = "422", s420 = "420", gray
    /// Horizontal and vertical reduction of the chroma planes.
    public var factors: (h: Int, v: Int) {
        switch self {
        case .s444, .gray: (1, 1)
        case .s422: (2, 1)
        case .s420: (2, 2)
        }
    }
}

/// How chroma is brought back to full resolution.
public enum Upsampling: String, Sendable, Codable, CaseIterable {
    /// Replicate each chroma sample ("djpeg -nosmooth").
    case box
    /// libjpeg's triangle filter (its default).
    case fancy
}

/// One component's samples, padded to whole 8×8 blocks by replicating the last column and row.
public struct ComponentPlane: Sendable, Equatable {
    /// The component's own size (chroma: reduced), before padding.
    public var width: Int, height: Int
    public var blocksWide: Int, blocksHigh: Int
    /// (8·blocksWide) × (8·blocksHigh) samples, row-major.
    public var samples: [UInt8]

    public var stride: Int { blocksWide * 8 }
    public var paddedHeight: Int { blocksHigh * 8 }
    public var blockCount: Int { blocksWide * blocksHigh }

    public init(width: Int, height: Int) {
        self.init(width: width, height: height, uninitialized: false)
    }

    /// `uninitialized`: for a caller that writes every sample (no zero fill first).
    init(width: Int, height: Int, uninitialized: Bool) {
        self.width = width
        self.height = height
        blocksWide = (width + 7) / 8
        blocksHigh = (height + 7) / 8
        let count = blocksWide * blocksHigh * 64
        samples = uninitialized ? [UInt8](largeUninitialized: count) { _ in } : [UInt8](repeating: 0, count: count)
    }

    /// The blocks in raster order, 64 samples each, row-major within a block (block rows split over
    /// `threads`).
    public func blocks(threads: Int = 1) -> [UInt8] {
        let (stride, wide) = (self.stride, blocksWide)
        return [UInt8](largeUninitialized: samples.count) { o in
            samples.withUnsafeBufferPointer { s in
                let (from, to) = (UncheckedSendable(s.baseAddress!), UncheckedSendable(o.baseAddress!))
                parallelChunks(blocksHigh, threads: threads, minimumChunk: 8) { blockRows in
                    for by in blockRows {
                        for bx in 0..<wide {
                            let dst = to.value + (by * wide + bx) * 64
                            for r in 0..<8 {
                                (dst + r * 8).initialize(from: from.value + (by * 8 + r) * stride + bx * 8, count: 8)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The inverse of `blocks()`.
    public mutating func setBlocks(_ blocks: [UInt8]) {
        precondition(blocks.count == samples.count)
        let (stride, wide, high) = (self.stride, blocksWide, blocksHigh)
        blocks.withUnsafeBufferPointer { b in
            samples.withUnsafeMutableBufferPointer { s in
                Self.place(b.baseAddress!, blockRows: 0..<high, blocksWide: wide, into: s.baseAddress!, stride: stride)
            }
        }
    }

    /// Blocks in raster order (64 samples each, from block row `blockRows.lowerBound`) copied into the
    /// plane rows they cover: `setBlocks` for some block rows.
    static func place(_ blocks: UnsafePointer<UInt8>, blockRows: Range<Int>, blocksWide wide: Int,
                      into plane: UnsafeMutablePointer<UInt8>, stride: Int) {
        for by in blockRows {
            for bx in 0..<wide {
                let src = blocks + ((by - blockRows.lowerBound) * wide + bx) * 64
                for r in 0..<8 { (plane + (by * 8 + r) * stride + bx * 8).update(from: src + r * 8, count: 8) }
            }
        }
    }
}
