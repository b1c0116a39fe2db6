import Golden

/// Why a JPEG file could not be read. The text names the problem and, when there is one, the byte
/// offset of the marker or data at fault, e.g. "bad DHT marker at offset 1234: table AC0 claims 300
/// symbols" or "SOF10 (progressive, arithmetic coding) at offset 2 is not supported". A command adds
/// the file name in front.
public struct JPEGDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The bytes do not start with SOI.
        case notJPEG
        /// A valid JPEG feature this reader does not implement (arithmetic coding, 12-bit, CMYK …).
        case unsupported
        /// The file breaks the format: a bad length, an undefined table, an impossible parameter.
        case malformed
        /// The file ends before the first scan's data.
        case truncated
        /// The frame needs more memory than the budget allows.
        case memoryBudget
        /// More scans than `JPEGReader.Limits` allows.
        case limit
    }

    public var kind: Kind
    /// Byte offset in the file of the marker or data at fault (nil when the problem has no place).
    public var offset: Int?
    public var message: String

    public init(_ kind: Kind, at offset: Int?, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    public var description: String { message }

    /// "bad DHT marker at offset 1234: …"
    static func bad(_ marker: String, at offset: Int, _ problem: String) -> JPEGDecodeError {
        JPEGDecodeError(.malformed, at: offset, "bad \(marker) marker at offset \(offset): \(problem)")
    }

    static func unsupported(at offset: Int?, _ what: String) -> JPEGDecodeError {
        let place = offset.map { " (offset \($0))" } ?? ""
        return JPEGDecodeError(.unsupported, at: offset, "\(what) is not supported\(place)")
    }

    static func budget(_ exceeded: MemoryBudgetExceeded, at offset: Int) -> JPEGDecodeError {
        JPEGDecodeError(.memoryBudget, at: offset, "frame at offset \(offset): \(exceeded)")
    }
}
