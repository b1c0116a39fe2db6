import Foundation

/// A quantization table: 64 divisors in natural (row-major) order.
public struct QuantTable: Hashable, Sendable, Codable {
    public var values: [Int]

    public init(_ values: [Int]) {
        precondition(values.count == 64, "a quantization table has 64 entries")
        self.values = values
    }

    /// ITU-T T.81 Annex K.1 luminance table.
    public static let annexKLuminance = QuantTable([
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ])

    /// ITU-T T.81 Annex K.2 chrominance table.
    public static let annexKChrominance = QuantTable([
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
    ] + [Int](repeating: 99, count: 32))

    /// IJG quality scaling (jcparam.c): q clamped to 1...100, s = q < 50 ? 5000/q : 200 − 2q,
    /// entry = (base·s + 50) / 100, at least 1, at most 255 (baseline forced) or 32767.
    public func scaled(quality: Int, forceBaseline: Bool = true) -> QuantTable {
        let q = min(max(quality, 1), 100)
        let s = q < 50 ? 5000 / q : 200 - 2 * q
        let limit = forceBaseline ? 255 : 32767
        return QuantTable(values.map { min(max(($0 * s + 50) / 100, 1), limit) })
    }

    /// The luminance and chrominance tables of an IJG quality.
    public static func ijg(quality: Int) -> [QuantTable] {
        [annexKLuminance.scaled(quality: quality), annexKChrominance.scaled(quality: quality)]
    }

    /// Reads one or two tables from text: 64 or 128 integers (luminance, then chrominance), separated
    /// by white space or commas; `#` starts a comment. One table serves all components.
    /// Errors give the entry's position (1...128) and line: "entry 64 (line 9) is 0, outside 1...255".
    public static func parse(_ text: String, maxEntry: Int = 255, source: String) throws(QuantTableError) -> [QuantTable] {
        func fail(_ problem: String) -> QuantTableError { QuantTableError(source: source, problem: problem) }
        func place(_ entry: Int, line: Int) -> String {
            "entry \(entry) (\(entry > 64 ? "chrominance entry \(entry - 64), " : "")line \(line))"
        }
        var numbers: [Int] = []
        var count = 0, firstExtraLine = 0
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for word in content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) {
                count += 1
                guard let n = Int(word) else {   // digits too many for Int are a number out of range
                    let shown = word.count <= 24 ? String(word) : word.prefix(21) + "..."
                    throw fail(word.wholeMatch(of: /[+-]?[0-9]+/) != nil
                               ? "\(place(count, line: index + 1)) is \(shown), outside 1...\(maxEntry)"
                               : "\(place(count, line: index + 1)) is '\(shown)', not an integer")
                }
                guard (1...maxEntry).contains(n) else {
                    throw fail("\(place(count, line: index + 1)) is \(n), outside 1...\(maxEntry)")
                }
                if count <= 128 { numbers.append(n) } else if count == 129 { firstExtraLine = index + 1 }
            }
        }
        switch count {
        case 64, 128:
            return stride(from: 0, to: count, by: 64).map { QuantTable(Array(numbers[$0..<$0 + 64])) }
        case 0:
            throw fail("no entries; expected 64 (one table for all components) or 128 (luminance, then chrominance)")
        case 1..<64:
            throw fail("\(count) entries: the luminance table lacks \(64 - count) of its 64 (expected 64 or 128 entries)")
        case 65..<128:
            throw fail("\(count) entries: the chrominance table has \(count - 64) of its 64 (expected 64 or 128 entries)")
        default:
            throw fail("\(count) entries, \(count - 128) more than the 128 of the luminance and chrominance tables"
                       + " (entry 129 is on line \(firstExtraLine))")
        }
    }
}

public struct QuantTableError: Error, CustomStringConvertible, Sendable {
    public var source: String
    public var problem: String
    public var description: String { "\(source): quantization table: \(problem)" }
}

/// One quantizer entry in the reciprocal form libjpeg-turbo uses (jcdctmgr.c, compute_reciprocal),
/// so that hardware needs one multiply and no divider. With d = 8q, b = bitlen(d) − 1, r = R + b,
/// f = floor(2^r / d), c = d/2: if 2^r mod d = 0 then f /= 2, r −= 1; else if the remainder ≤ d/2
/// then c += 1; else f += 1.  Then q(|x|) = ((|x| + c) · f) >> r, which for R = 16 equals
/// round-half-away(|x| / d) for every 16-bit |x|.
public struct QuantizerEntry: Hashable, Sendable {
    public var divisor: Int       // q
    public var reciprocal: Int    // f
    public var correction: Int    // c
    public var shift: Int         // r

    public init(q: Int, reciprocalBits: Int) {
        let d = 8 * q
        let b = (Int.bitWidth - d.leadingZeroBitCount) - 1
        var r = reciprocalBits + b
        var f = (1 << r) / d
        var c = d / 2
        let remainder = (1 << r) % d
        if remainder == 0 {
            f >>= 1
            r -= 1
        } else if remainder <= d / 2 {
            c += 1
        } else {
            f += 1
        }
        (divisor, reciprocal, correction, shift) = (q, f, c, r)
    }

    /// The ranges the fields take for any q in 1...qMax: what the hardware table must hold.
    public static func fieldRanges(quantTableBits: Int, reciprocalBits: Int)
        -> (divisor: ClosedRange<Int>, reciprocal: ClosedRange<Int>, correction: ClosedRange<Int>, shift: ClosedRange<Int>) {
        let qMax = (1 << quantTableBits) - 1
        // Every q is enumerated (at most 65535): the ranges are exact.
        let entries = (1...qMax).map { QuantizerEntry(q: $0, reciprocalBits: reciprocalBits) }
        func span(_ field: (QuantizerEntry) -> Int) -> ClosedRange<Int> {
            let values = entries.map(field)
            return values.min()!...values.max()!
        }
        let (f, c, r) = (span(\.reciprocal), span(\.correction), span(\.shift))
        return (1...qMax, f, c, r)
    }
}
