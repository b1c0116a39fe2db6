import Foundation

/// The one JSON style of every `--json` output: snake_case keys (a Swift property `flipFlops` is
/// written `flip_flops`, `lutRAM` `lut_ram`, and the unit `MHz` is one word: `fmaxMHz` is `fmax_mhz`),
/// sorted, pretty-printed, slashes unescaped. Keys of dictionaries (register, cell and channel names)
/// are data and stay as they are spelled.
///
/// A null has one meaning per key, stated where the key is defined: `psnr` null = identical data
/// (infinite PSNR); `ssim` null = the image is smaller than SSIM's 11×11 window; `latency` null = no
/// output beat came out; `quality` null = explicit tables were used.
public enum JSONOutput {
    public static func text<T: Encodable>(_ value: T) throws -> String {
        try encode(value, [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// The same style on one line (JSON Lines: one record per line, for batch runs).
    public static func line<T: Encodable>(_ value: T) throws -> String {
        try encode(value, [.sortedKeys, .withoutEscapingSlashes])
    }

    static func encode<T: Encodable>(_ value: T, _ formatting: JSONEncoder.OutputFormatting) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        encoder.keyEncodingStrategy = .custom { path in SnakeKey(path.last!.stringValue) }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// camelCase to snake_case: a word starts at a capital after a lower-case letter or digit, and at
    /// the last capital of a run followed by a lower-case letter ("lutRAM" → "lut_ram", "ioPins" →
    /// "io_pins"); digits stay in their word ("dsp48e1"). "MHz" is one word.
    public static func snakeCase(_ key: String) -> String {
        let chars = Array(key.replacingOccurrences(of: "MHz", with: "Mhz"))
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase, i > 0 {
                let before = chars[i - 1]
                let after = i + 1 < chars.count ? chars[i + 1] : nil
                if before.isLowercase || before.isNumber || (before.isUppercase && after?.isLowercase == true) { out += "_" }
            }
            out += c.lowercased()
        }
        return out
    }

    struct SnakeKey: CodingKey {
        let stringValue: String
        init(_ key: String) { stringValue = JSONOutput.snakeCase(key) }
        init?(stringValue: String) { self.init(stringValue) }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
