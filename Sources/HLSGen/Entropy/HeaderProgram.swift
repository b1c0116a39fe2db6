import Golden
import JPEG

/// The header sequencer's program: `FrameHeader.items` for each kind of frame the encoder writes
/// (grey or colour, with or without DRI), one word an item, the four programs one after another.
/// A word is last << 12 | op << 8 | operand:
///   op 0      the byte `operand`
///   op 1…7    a byte of the frame's registers: width high, low; height high, low; restart interval
///             high, low; luma sampling (h << 4 | v)
///   op 8      the 8-bit quantization step at `operand` of the DQT memory (slot · 64 + zigzag position)
/// `last` marks a program's final word.
public struct HeaderProgram: Sendable {
    public static let wordBits = 13

    public enum Op: Int, Sendable {
        case literal = 0, widthHigh, widthLow, heightHigh, heightLow, restartHigh, restartLow, lumaSampling, quant
    }

    public let words: [UInt64]
    /// Where each program starts: index colour · 2 + restart.
    public let starts: [Int]

    /// The programs with `dc` and `ac` (luma, chroma) as the DHT segments' tables.
    public init(dc: [HuffmanSpec], ac: [HuffmanSpec]) {
        var words: [UInt64] = [], starts: [Int] = []
        for colour in [false, true] {
            for restart in [false, true] {
                starts.append(words.count)
                let items = FrameHeader.items(.baseline(components: colour ? 3 : 1, restart: restart), dc: dc, ac: ac)
                for (n, item) in items.enumerated() {
                    let (op, operand) = Self.encode(item)
                    words.append(UInt64(n == items.count - 1 ? 1 << 12 : 0) | UInt64(op.rawValue << 8 | operand))
                }
            }
        }
        self.words = words
        self.starts = starts
    }

    /// An item's op and operand (the plan is baseline: 8-bit tables only).
    static func encode(_ item: HeaderItem) -> (Op, Int) {
        switch item {
        case .byte(let b): (.literal, Int(b))
        case .width(let h): (h == .high ? .widthHigh : .widthLow, 0)
        case .height(let h): (h == .high ? .heightHigh : .heightLow, 0)
        case .restartInterval(let h): (h == .high ? .restartHigh : .restartLow, 0)
        case .lumaSampling: (.lumaSampling, 0)
        case let .quant(slot, k, _): (.quant, slot * 64 + k)
        }
    }
}
