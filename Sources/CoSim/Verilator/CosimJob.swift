import Foundation
import Golden
import HLSGen

/// How one run of a job stalls: each clock an input beat is withheld, and independently the output
/// is not ready, with probability `stall`; `seed` makes the sequence reproducible.
public struct StallSetting: Sendable, Hashable, Codable {
    public var stall: Double
    public var seed: UInt64
    public init(stall: Double, seed: UInt64) { self.stall = stall; self.seed = seed }
}

/// One stream of blocks through the core: a mode, the tables to write first (nil: the reset tables),
/// the blocks with the golden model's expected outputs, and the stall settings to run it with.
public struct CosimJob: Sendable {
    public var mode: CodecMode
    /// 128 `qt_data` words (table 0, then table 1), or nil to keep the tables the core resets to.
    public var tableWords: [UInt64]?
    public var runs: [StallSetting]
    /// Per block: tuser of its first beat (bit 0 start of frame, bit 1 table).
    public var users: [UInt8]
    /// 64 values per block, raster order within the block.
    public var inputs: [Int32]
    public var expected: [Int32]
    /// What the blocks are, for reports: e.g. "camera.png", with a named block range per component.
    public var label: String
    public var parts: [(name: String, blocks: Range<Int>)]

    public var blockCount: Int { users.count }

    public init(mode: CodecMode, tableWords: [UInt64]?, runs: [StallSetting], users: [UInt8], inputs: [Int32],
                expected: [Int32], label: String, parts: [(name: String, blocks: Range<Int>)]) {
        precondition(inputs.count == users.count * 64 && expected.count == inputs.count)
        precondition(tableWords == nil || tableWords!.count == 128)
        self.mode = mode
        self.tableWords = tableWords
        self.runs = runs
        self.users = users
        self.inputs = inputs
        self.expected = expected
        self.label = label
        self.parts = parts
    }

    /// Which part (component) a block of the job belongs to, and its index there.
    public func locate(block: Int) -> (part: String, block: Int) {
        for p in parts where p.blocks.contains(block) { return (p.name, block - p.blocks.lowerBound) }
        return ("?", block)
    }
}

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

/// The stimulus file the harness reads (format in the harness's header comment).
enum StimulusFile {
    static func write(_ jobs: [CosimJob], lanes: Int, laneBits: Int, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw VerilatorError("cannot create the stimulus file \(url.path)")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var data = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("FXCS".utf8))
        u32(1)
        u32(UInt32(lanes))
        u32(UInt32(laneBits))
        u32(UInt32(jobs.count))
        u64(UInt64(jobs.reduce(0) { $0 + $1.blockCount * $1.runs.count }))
        for job in jobs {
            u32(UInt32(job.mode.code))
            u32(job.tableWords == nil ? 0 : 1)
            u32(UInt32(job.runs.count))
            u32(UInt32(job.blockCount))
            for r in job.runs {
                u64(r.stall.bitPattern)
                u64(r.seed)
            }
            for w in job.tableWords ?? [] { u64(w) }
            for b in 0..<job.blockCount {
                data.append(contentsOf: [job.users[b], 0, 0, 0])
                job.inputs[(b * 64)..<(b * 64 + 64)].withContiguousStorageIfAvailable { p in
                    data.append(UnsafeBufferPointer(start: UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                                    count: 256))
                }
                job.expected[(b * 64)..<(b * 64 + 64)].withContiguousStorageIfAvailable { p in
                    data.append(UnsafeBufferPointer(start: UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                                    count: 256))
                }
                if data.count > 1 << 22 {
                    try handle.write(contentsOf: data)
                    data.removeAll(keepingCapacity: true)
                }
            }
        }
        try handle.write(contentsOf: data)
    }
}
