import Golden
import JPEG

/// The header sequencer's program: `FrameHeader.items` for each kind of frame the encoder writes
/// (grey or colour, with or without DRI), merged into one program: the shortest sequence holding all
/// four in order (each pair merged through their longest common subsequence), each word marked with
/// the kinds it belongs to. A kind's header is the words marked with it, in order. A word is
/// kinds << 12 | op << 8 | operand, kind k = colour · 2 + restart at bit k:
///   op 0      the byte `operand`
///   op 1…7    a byte of the frame's registers: width high, low; height high, low; restart interval
///             high, low; luma sampling (h << 4 | v)
///   op 8      the 8-bit quantization step at `operand` of the DQT memory (slot · 64 + zigzag position)
///   op 9      a whole DHT segment after its marker, from region `operand` (Tc · 2 + Th) of the DHT
///             memory: its length's two bytes, then as many more as the length counts
/// A DHT segment's items (`HeaderItem.huffman`) are one word: its length is the loaded table's.
public struct HeaderProgram: Sendable {
    public static let wordBits = 16

    public enum Op: Int, Sendable {
        case literal = 0, widthHigh, widthLow, heightHigh, heightLow, restartHigh, restartLow, lumaSampling, quant, huffmanSegment
    }

    public let words: [UInt64]

    /// The program with `dc` and `ac` (luma, chroma) as the DHT segments' tables.
    public init(dc: [HuffmanSpec], ac: [HuffmanSpec]) {
        var kinds: [[(item: HeaderItem, kinds: Int)]] = []
        for colour in [false, true] {
            for restart in [false, true] {
                let k = (colour ? 2 : 0) + (restart ? 1 : 0)
                kinds.append(Self.steps(FrameHeader.items(.baseline(components: colour ? 3 : 1, restart: restart), dc: dc, ac: ac))
                    .map { ($0, 1 << k) })
            }
        }
        let merged = Self.merge(Self.merge(kinds[0], kinds[1]), Self.merge(kinds[2], kinds[3]))
        // The sequencer stops after the program's last word, which every header ends with (SOS's Al).
        precondition(merged.last?.kinds == 0b1111, "every kind of header ends with the program's last word")
        words = merged.map { word in
            let (op, operand) = Self.encode(word.item)
            return UInt64(word.kinds << 12 | op.rawValue << 8 | operand)
        }
    }

    /// The words of kind `kind` (colour · 2 + restart) as items: what the sequencer plays for it.
    public func items(kind: Int) -> [UInt64] { words.filter { ($0 >> (12 + UInt64(kind))) & 1 == 1 } }

    /// `items` as the sequencer plays them: each DHT segment's items as its first.
    public static func steps(_ items: [HeaderItem]) -> [HeaderItem] {
        items.filter { if case .huffman(_, let position) = $0 { position == 0 } else { true } }
    }

    /// The shortest common supersequence of `a` and `b` by their longest common subsequence; a word in
    /// both belongs to the kinds of each.
    static func merge(_ a: [(item: HeaderItem, kinds: Int)], _ b: [(item: HeaderItem, kinds: Int)]) -> [(item: HeaderItem, kinds: Int)] {
        let (n, m) = (a.count, b.count)
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i].item == b[j].item ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [(item: HeaderItem, kinds: Int)] = []
        var (i, j) = (0, 0)
        while i < n || j < m {
            if i < n && j < m && a[i].item == b[j].item {
                out.append((a[i].item, a[i].kinds | b[j].kinds)); i += 1; j += 1
            } else if j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.append(a[i]); i += 1
            } else {
                out.append(b[j]); j += 1
            }
        }
        return out
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
        case let .huffman(table, _): (.huffmanSegment, EntropyCoderStage.region(table: table))
        }
    }
}
