import Foundation

/// The one JSON style of every `--json` output: snake_case keys (a Swift property `flipFlops` is
/// written `flip_flops`), sorted, pretty-printed, slashes unescaped. Keys of dictionaries (register,
/// cell and channel names) are data and stay as they are spelled.
///
/// A null has one meaning per key, stated where the key is defined: `psnr` null = identical data
/// (infinite PSNR); `ssim` null = the image is smaller than SSIM's 11×11 window; `latency` null = no
/// output beat came out; `quality` null = explicit tables were used.
public enum JSONOutput {
    public static func text<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The same style on one line (JSON Lines: one record per line, for batch runs).
    public static func line<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
