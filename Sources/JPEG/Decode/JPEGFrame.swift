/// The coding process a frame's SOF marker names (T.81 table B.1). The reader decodes the three
/// Huffman processes below; every other SOF is refused by name (see `JPEGFrameType.refusal`).
public enum JPEGFrameType: String, Sendable, Equatable {
    /// SOF0: baseline sequential, Huffman, 8-bit.
    case baseline = "SOF0 (baseline sequential, Huffman)"
    /// SOF1: extended sequential, Huffman (16-bit quantization tables, four tables of each kind).
    case extendedSequential = "SOF1 (extended sequential, Huffman)"
    /// SOF2: progressive, Huffman.
    case progressive = "SOF2 (progressive, Huffman)"

    public var isProgressive: Bool { self == .progressive }

    init?(marker: UInt8) {
        switch marker {
        case 0xC0: self = .baseline
        case 0xC1: self = .extendedSequential
        case 0xC2: self = .progressive
        default: return nil
        }
    }

    /// The name of an SOF (or DAC, DHP, EXP) marker this reader refuses, nil for other codes.
    static func refusal(marker: UInt8) -> String? {
        switch marker {
        case 0xC3: "SOF3 (lossless, Huffman)"
        case 0xC5: "SOF5 (hierarchical differential sequential, Huffman)"
        case 0xC6: "SOF6 (hierarchical differential progressive, Huffman)"
        case 0xC7: "SOF7 (hierarchical differential lossless, Huffman)"
        case 0xC8: "the JPG marker (reserved for JPEG extensions)"
        case 0xC9: "SOF9 (extended sequential, arithmetic coding)"
        case 0xCA: "SOF10 (progressive, arithmetic coding)"
        case 0xCB: "SOF11 (lossless, arithmetic coding)"
        case 0xCC: "DAC (arithmetic coding conditioning)"
        case 0xCD: "SOF13 (hierarchical differential sequential, arithmetic coding)"
        case 0xCE: "SOF14 (hierarchical differential progressive, arithmetic coding)"
        case 0xCF: "SOF15 (hierarchical differential lossless, arithmetic coding)"
        case 0xDE: "DHP (hierarchical progression)"
        case 0xDF: "EXP (hierarchical expansion)"
        default: nil
        }
    }
}

/// How the three components of a colour file are to be read (jdapimin.c's rule): YCbCr when there is a
/// JFIF APP0, or an Adobe APP14 with transform 1 (or an unknown transform), or no such marker and ids
/// other than 'R','G','B'; RGB for Adobe transform 0 or ids 'R','G','B' without markers.
public enum JPEGColourSpace: String, Sendable, Equatable {
    case grey, yCbCr = "YCbCr", rgb = "RGB"
}

/// One component as the SOF declares it, with the sizes that follow from the frame (A.1.1):
/// its samples are ⌈W·h/hmax⌉ × ⌈H·v/vmax⌉, its real blocks ⌈that/8⌉ in each direction.
public struct JPEGComponent: Sendable, Equatable {
    /// Component identifier Ci (SOS selects components by it).
    public var id: UInt8
    /// Sampling factors h, v (1…4).
    public var h: Int, v: Int
    /// Quantization table selector Tq.
    public var quantTable: Int
    /// Downsampled size (samples) and real blocks.
    public var width: Int, height: Int
    public var blocksWide: Int, blocksHigh: Int

    public var blockCount: Int { blocksWide * blocksHigh }
}

/// The frame header (SOF) with the sizes derived from it.
struct FrameDeclaration {
    var type: JPEGFrameType
    var width: Int, height: Int
    var components: [JPEGComponent]
    var maxH: Int, maxV: Int
    /// MCUs of an interleaved scan: ⌈W / (8·hmax)⌉ × ⌈H / (8·vmax)⌉.
    var mcusWide: Int { (width + 8 * maxH - 1) / (8 * maxH) }
    var mcusHigh: Int { (height + 8 * maxV - 1) / (8 * maxV) }
    /// Offset of the SOF marker.
    var offset: Int

    /// Coefficients the frame holds (real blocks × 64).
    var coefficientCount: Int { components.reduce(0) { $0 + $1.blockCount * 64 } }
}
