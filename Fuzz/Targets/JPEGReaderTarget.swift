import Golden
import JPEG

/// The JPEG reader, `JPEGReader.read` from memory, then the pixels of what it read through the golden
/// model (fancy upsampling), within a 1 MiB budget: frames of up to about 10^5 pixels, so that one
/// input takes well under the 10 s timeout in the debug build (a 17 x 65501 frame took over 10 s).
/// Then `JPEGReader.decode` on two threads, which pipelines a sequential file: it must give the same
/// image and warnings, or fail with the same message (a difference stops the run as a crash).
enum JPEGReaderTarget: FuzzTarget {
    static let name = "jpeg"
    static let budget = MemoryBudget(bytes: 1 << 20)
    static let codec = try! ImageCodec(trackRanges: false)
    static let pipelined = try! ImageCodec(threads: 2, trackRanges: false)

    static func run(_ input: [UInt8]) {
        let plain = Result { () throws(JPEGDecodeError) in
            try JPEGReader.read(input, budget: budget).pixels(codec: codec, upsampling: .fancy, budget: budget)
        }
        let direct = Result { () throws(JPEGDecodeError) in
            try JPEGReader.decode(input, codec: pipelined, upsampling: .fancy, budget: budget)
        }
        switch (plain, direct) {
        case let (.success(a), .success(b)):
            precondition(a.image == b.image && a.warnings == b.warnings, "decode on two threads differs from read + pixels")
        case let (.failure(a), .failure(b)):
            precondition(a.message == b.message, "decode fails with '\(b.message)', read + pixels with '\(a.message)'")
        case (.success, .failure(let b)):
            preconditionFailure("decode on two threads fails ('\(b.message)'), read + pixels succeeds")
        case (.failure(let a), .success):
            preconditionFailure("read + pixels fails ('\(a.message)'), decode on two threads succeeds")
        }
    }
}
