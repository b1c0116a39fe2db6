import Foundation

/// How many bytes of image data one run may allocate. Every reader checks what a file's header
/// claims against it before allocating anything from that claim, so a small file that inflates to a
/// huge image (a decompression bomb) is refused at once, with the figure it would have needed.
///
/// A command knows what it keeps per pixel (input, planes, coefficients, output …): it passes that
/// cost, and the budget turns into a pixel limit.
public struct MemoryBudget: Sendable, Hashable, CustomStringConvertible {
    public var bytes: Int

    /// 2 GiB: a 12-megapixel roundtrip needs well under a tenth of it.
    public static let standard = MemoryBudget(bytes: 2 << 30)

    public init(bytes: Int) { self.bytes = max(0, bytes) }

    /// "2G", "512M", "1.5GiB", "800000000": a number of bytes with an optional binary suffix
    /// K, M, G or T (KiB, MiB … spelled either way). nil when the text is not such a number.
    public init?(parsing text: String) {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        var scale = 1.0
        for (suffixes, factor) in [(["TiB", "TB", "T"], 1 << 40), (["GiB", "GB", "G"], 1 << 30),
                                   (["MiB", "MB", "M"], 1 << 20), (["KiB", "KB", "K"], 1 << 10), (["B"], 1)] {
            if let s = suffixes.first(where: { digits.uppercased().hasSuffix($0.uppercased()) }) {
                digits = digits.dropLast(s.count)
                scale = Double(factor)
                break
            }
        }
        guard let value = Double(digits.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0,
              value * scale < 0x1p62 else { return nil }
        self.init(bytes: Int(value * scale))
    }

    /// The most pixels a run that keeps `bytesPerPixel` bytes for each may admit.
    public func pixelLimit(bytesPerPixel: Int) -> Int { bytes / max(1, bytesPerPixel) }

    /// Throws when `pixels` at `bytesPerPixel` each would exceed the budget.
    public func admit(width: Int, height: Int, bytesPerPixel: Int, for what: String) throws(MemoryBudgetExceeded) {
        let (pixels, o1) = width.multipliedReportingOverflow(by: height)
        let (need, o2) = pixels.multipliedReportingOverflow(by: max(1, bytesPerPixel))
        if o1 || o2 || need > bytes {
            throw MemoryBudgetExceeded(what: what, width: width, height: height,
                                       need: o1 || o2 ? Int.max : need, budget: self)
        }
    }

    public var description: String { Self.format(bytes) }

    /// 2147483648 → "2 GiB", 1610612736 → "1.5 GiB", 1000 → "1000 bytes".
    public static func format(_ bytes: Int) -> String {
        for (unit, factor) in [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= factor {
            let value = Double(bytes) / Double(factor)
            return value == value.rounded() ? "\(Int(value)) \(unit)" : "\((value * 10).rounded() / 10) \(unit)"
        }
        return "\(bytes) bytes"
    }
}

/// A run refused before allocation: what it would have needed against the budget.
public struct MemoryBudgetExceeded: Error, Sendable, CustomStringConvertible {
    public var what: String
    public var width: Int, height: Int
    public var need: Int
    public var budget: MemoryBudget

    public init(what: String, width: Int, height: Int, need: Int, budget: MemoryBudget) {
        (self.what, self.width, self.height, self.need, self.budget) = (what, width, height, need, budget)
    }

    public var description: String {
        let needText = need == Int.max ? "more than any machine has" : "about \(MemoryBudget.format(need))"
        return "\(width) x \(height) pixels: \(what) needs \(needText), over the memory budget of \(budget)"
            + " (--memory-budget raises it)"
    }
}
