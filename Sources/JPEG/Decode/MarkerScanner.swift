/// Finds markers between segments as libjpeg's next_marker does: bytes other than FF are skipped
/// (counted as discarded), fill FFs are swallowed, and `FF 00` is data to skip (2 discarded bytes).
enum MarkerScanner {
    struct Found {
        /// The marker code (never 0 or FF).
        var code: UInt8
        /// Offset of the FF just before the code.
        var offset: Int
        /// Offset of the byte after the code.
        var next: Int
        /// Bytes skipped that were not fill.
        var discarded: Int
    }

    /// The next marker at or after `position`, nil when the file ends first.
    static func next(in bytes: UnsafeBufferPointer<UInt8>, from position: Int) -> Found? {
        var i = max(0, position)
        var discarded = 0
        while i < bytes.count {
            if bytes[i] != 0xFF {
                discarded += 1
                i += 1
                continue
            }
            var j = i + 1
            while j < bytes.count && bytes[j] == 0xFF { j += 1 }
            guard j < bytes.count else { return nil }
            if bytes[j] != 0 { return Found(code: bytes[j], offset: j - 1, next: j + 1, discarded: discarded) }
            discarded += 2
            i = j + 1
        }
        return nil
    }

    /// "FFC4 (DHT)", "FFD3 (RST3)", "FFF1 (JPG1)" …: a marker's name for messages.
    static func name(_ code: UInt8) -> String {
        let hex = "FF" + String(code, radix: 16, uppercase: true)
        let short: String
        switch code {
        case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF: short = "SOF\(code - 0xC0)"
        case 0xC4: short = "DHT"
        case 0xC8: short = "JPG"
        case 0xCC: short = "DAC"
        case 0xD0...0xD7: short = "RST\(code - 0xD0)"
        case 0xD8: short = "SOI"
        case 0xD9: short = "EOI"
        case 0xDA: short = "SOS"
        case 0xDB: short = "DQT"
        case 0xDC: short = "DNL"
        case 0xDD: short = "DRI"
        case 0xDE: short = "DHP"
        case 0xDF: short = "EXP"
        case 0xE0...0xEF: short = "APP\(code - 0xE0)"
        case 0xF0...0xFD: short = "JPG\(code - 0xF0)"
        case 0xFE: short = "COM"
        case 0x01: short = "TEM"
        default: short = "reserved"
        }
        return "\(hex) (\(short))"
    }
}
