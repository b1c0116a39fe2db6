/// Why an image could not be read or written.  The text names the file and the problem, e.g.
/// `photos/a.png: not a PNG file: bad signature (…)` or
/// `big.png: image too large: 100000 x 100000 = 10000000000 pixels, over the limit of 256000000 pixels`.
public struct ImageIOError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        case cannotRead      // the file cannot be opened or read (missing, no permission, a folder …)
        case emptyFile
        case notPNG          // the signature is wrong
        case truncated       // the file ends early
        case tooLarge        // width × height over the pixel limit
        case malformed       // libpng refused the data: bad CRC, bad IHDR, bad zlib stream …
        case outOfMemory
        case cannotWrite     // creating, writing, syncing or renaming the output failed
        case invalidArgument
    }

    public var path: String
    public var kind: Kind
    /// The detail: libpng's message or the system's error text.
    public var detail: String
    /// Width and height the header claimed, for `.tooLarge`.
    var claimedSize: (Int, Int)? {
        get { claimedWidth.map { ($0, claimedHeight ?? 0) } }
        set { claimedWidth = newValue?.0; claimedHeight = newValue?.1 }
    }
    var claimedWidth: Int?, claimedHeight: Int?

    public init(path: String, kind: Kind, detail: String) {
        self.path = path
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(path): \(kind.phrase): \(detail)" }
}

extension ImageIOError.Kind {
    var phrase: String {
        switch self {
        case .cannotRead: "cannot read the file"
        case .emptyFile: "empty file"
        case .notPNG: "not a PNG file"
        case .truncated: "truncated PNG file"
        case .tooLarge: "image too large"
        case .malformed: "invalid PNG data"
        case .outOfMemory: "out of memory"
        case .cannotWrite: "cannot write the file"
        case .invalidArgument: "invalid argument"
        }
    }
}
