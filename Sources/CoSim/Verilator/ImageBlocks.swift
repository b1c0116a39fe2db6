import Foundation
import Golden
import HLSGen

/// One image's component planes as 8×8 blocks, as the codec cuts them: Y, Cb, Cr (or Y alone),
/// subsampled and padded; luminance uses table 0, chrominance table 1.
public struct ImageBlocks: Sendable {
    public struct Component: Sendable {
        public var name: String
        public var samples: [UInt8]
        public var table: Int
        public var blockCount: Int { samples.count / 64 }
    }

    public let name: String
    public let components: [Component]
    public var blockCount: Int { components.reduce(0) { $0 + $1.blockCount } }

    public init(image: Image, name: String, config: DatapathConfig, chroma: ChromaSubsampling = .s420) throws {
        let codec = try ImageCodec(config: config, threads: processorCount, trackRanges: false)
        let (_, planes) = codec.componentPlanes(image, chroma: chroma)
        let names = planes.count == 1 ? ["Y"] : ["Y", "Cb", "Cr"]
        self.name = name
        components = planes.enumerated().map { i, plane in
            Component(name: names[i], samples: plane.blocks(), table: i == 0 ? 0 : 1)
        }
    }

    /// Blocks from raw samples (64 per block), one component on table 0.
    public init(name: String, samples: [UInt8]) {
        precondition(samples.count % 64 == 0)
        self.name = name
        components = [Component(name: "Y", samples: samples, table: 0)]
    }

    /// A job for `mode` with the golden model's outputs: encode takes samples to quantized coefficients,
    /// decode takes the golden encoder's coefficients back to samples, roundtrip does both in a row.
    /// The first block of each component starts a frame (tuser bit 0); tuser bit 1 names its table.
    public func job(mode: CodecMode, codec: BlockCodec, tables: [QuantTable], writeTables: Bool,
                    layout: QuantTableLayout, runs: [StallSetting]) -> CosimJob {
        let both = tables.count == 1 ? [tables[0], tables[0]] : tables
        var users: [UInt8] = [], inputs: [Int32] = [], expected: [Int32] = []
        var parts: [(name: String, blocks: Range<Int>)] = []
        for c in components {
            let table = both[c.table]
            let threads = processorCount
            let coefficients = codec.encode(samples: c.samples, table: table, trackRanges: false, threads: threads).coefficients
            let samples = c.samples.map(Int32.init)
            switch mode {
            case .encode:
                inputs += samples
                expected += coefficients
            case .decode:
                inputs += coefficients
                expected += codec.decode(coefficients: coefficients, table: table, trackRanges: false, threads: threads)
                    .samples.map(Int32.init)
            case .roundtrip:
                inputs += samples
                expected += codec.decode(coefficients: coefficients, table: table, trackRanges: false, threads: threads)
                    .samples.map(Int32.init)
            }
            let first = users.count
            users += (0..<c.blockCount).map { ($0 == 0 ? 1 : 0) | UInt8(c.table << 1) }
            parts.append((c.name, first..<users.count))
        }
        let words = writeTables ? both.flatMap { layout.pack($0) } : nil
        return CosimJob(mode: mode, tableWords: words, runs: runs, users: users, inputs: inputs, expected: expected,
                        label: name, parts: parts)
    }
}
