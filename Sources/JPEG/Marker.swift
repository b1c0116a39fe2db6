/// JPEG marker codes (T.81 table B.1): the second byte after `FF`.
public enum Marker {
    public static let soi: UInt8 = 0xD8
    public static let eoi: UInt8 = 0xD9
    public static let sos: UInt8 = 0xDA
    public static let dqt: UInt8 = 0xDB
    public static let dnl: UInt8 = 0xDC
    public static let dri: UInt8 = 0xDD
    public static let dht: UInt8 = 0xC4
    public static let dac: UInt8 = 0xCC
    /// SOF0 baseline, SOF1 extended sequential, SOF2 progressive (Huffman); SOF3 lossless and
    /// SOF5…SOF15 (hierarchical, arithmetic) are refused by the reader.
    public static let sof0: UInt8 = 0xC0
    public static let sof1: UInt8 = 0xC1
    public static let sof2: UInt8 = 0xC2
    /// RST0…RST7: D0…D7.
    public static func restart(_ n: Int) -> UInt8 { 0xD0 + UInt8(n & 7) }
    public static let app0: UInt8 = 0xE0
    public static let com: UInt8 = 0xFE
}
