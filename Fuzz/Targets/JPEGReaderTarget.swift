import Golden
import JPEG

/// The JPEG reader, `JPEGReader.read` from memory, then the pixels of what it read through the golden
/// model (fancy upsampling), within a 1 MiB budget: frames of up to about 10^5 pixels, so that one
/// input takes well under the 10 s timeout in the debug build (a 17 x 65501 frame took over 10 s).
enum JPEGReaderTarget: FuzzTarget {
    static let name = "jpeg"
    static let budget = MemoryBudget(bytes: 1 << 20)
    static let codec = try! ImageCodec(trackRanges: false)

    static func run(_ input: [UInt8]) {
        guard let decoded = try? JPEGReader.read(input, budget: budget) else { return }
        _ = try? decoded.pixels(codec: codec, upsampling: .fancy, budget: budget)
    }
}
