import Foundation
import Golden

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

/// The stimulus file ("FXCS") that every harness reads — Verilator's, the HLS C simulation's — stated
/// once as records of little-endian fields. The Swift writer (`StimulusFile`) and the C++ reader
/// (`cppReader`, printed into each harness) are both made from these records, so the two cannot drift.
public enum StimulusFormat {
    public static let version: UInt32 = 2
    /// The `lanes` of a file that any stream width may run (values are per value, not per beat).
    public static let anyLanes: UInt32 = 0

    enum Kind: Equatable {
        case magic(String), u8, u32, u64, f64, i32x64
        /// n unsigned 32-bit words.
        case u32s(Int)
        /// u32 n, then n bytes of UTF-8 text.
        case text
        /// Zero bytes.
        case pad(Int)
    }

    struct Field {
        let name: String
        let kind: Kind
        let meaning: String
        init(_ name: String, _ kind: Kind, _ meaning: String = "") { self.name = name; self.kind = kind; self.meaning = meaning }
    }

    struct Record {
        let name: String
        let fields: [Field]
    }

    static let header = Record(name: "Header", fields: [
        Field("magic", .magic("FXCS")), Field("version", .u32, "\(version)"), Field("note", .text, "where the stimulus came from"),
        Field("lanes", .u32, "values per beat of the harness it is for; \(anyLanes): any"),
        Field("lane_bits", .u32, "bits of one tdata lane"), Field("jobs", .u32),
        Field("block_runs", .u64, "sum of blocks x runs over the jobs, for the progress bar"),
    ])
    static let job = Record(name: "Job", fields: [
        Field("mode", .u32, "0 encode, 1 decode, 2 roundtrip"),
        Field("write_tables", .u32, "1: 128 table words follow the runs; 0: keep the reset tables"),
        Field("runs", .u32), Field("blocks", .u32),
    ])
    static let run = Record(name: "Run", fields: [Field("stall", .f64, "probability"), Field("seed", .u64)])
    static let tableWord = Record(name: "TableWord", fields: [
        Field("qt_data", .u64, "table 0 addresses 0..63, then table 1"),
    ])
    static let block = Record(name: "Block", fields: [
        Field("user", .u8, "tuser of the first beat: bit 0 start of frame, bit 1 table"), Field("pad", .pad(3)),
        Field("in", .i32x64, "input values, raster order"), Field("expected", .i32x64, "the golden model's outputs"),
    ])

    /// The format in words, for the comments of the harness and the project's README.
    public static var description: [String] {
        describe([("header: ", line(header) + ";"), ("per job: ", line(job) + ";"), ("  runs x ", "{" + line(run) + "};"),
                  ("  if write_tables: 128 x ", "{" + line(tableWord) + "};"), ("  blocks x ", "{" + line(block) + "}.")])
    }

    /// A record's fields in words.
    static func line(_ r: Record) -> String {
        r.fields.map { f in
            let kind: String
            switch f.kind {
            case .magic(let s): return "\"\(s)\""
            case .u8: kind = "u8"
            case .u32: kind = "u32"
            case .u64: kind = "u64"
            case .f64: kind = "f64"
            case .i32x64: kind = "64 x i32"
            case .u32s(let n): kind = "\(n) x u32"
            case .text: kind = "u32 n + n bytes"
            case .pad(let n): return "\(n) zero bytes"
            }
            return "\(kind) \(f.name)" + (f.meaning.isEmpty ? "" : " (\(f.meaning))")
        }.joined(separator: ", ")
    }

    /// Lines of a format's description: each part's text after its lead, wrapped at 100 columns.
    static func describe(_ parts: [(lead: String, text: String)]) -> [String] {
        var lines = ["Stimulus file, little-endian:"]
        for (lead, text) in parts {
            // Wrapped at 100 columns, continued lines indented under the lead.
            var current = "  " + lead
            for word in text.split(separator: " ", omittingEmptySubsequences: false) {
                if current.count + word.count + 1 > 100 {
                    lines.append(current)
                    current = String(repeating: " ", count: 2 + lead.count + 2) + word
                } else {
                    current += (current.hasSuffix(" ") ? "" : " ") + word
                }
            }
            lines.append(current)
        }
        return lines
    }

    /// A field's value for the writer: a number (an integer's low bytes, or a double's bits) or 64 values.
    enum Value {
        case int(UInt64)
        case text(String)
        case double(Double)
        case values(ArraySlice<Int32>)
        case words(ArraySlice<UInt32>)
    }

    /// Appends `record` with `values` (one per field that is not magic or padding, in order).
    static func encode(_ record: Record, _ values: [Value], into out: inout [UInt8]) {
        var next = values.makeIterator()
        func integer(_ v: UInt64, bytes: Int) { for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) } }
        for f in record.fields {
            switch f.kind {
            case .magic(let s): out += Array(s.utf8); continue
            case .pad(let n): out += [UInt8](repeating: 0, count: n); continue
            default: break
            }
            switch (f.kind, next.next()) {
            case (.u8, .int(let v)?): integer(v, bytes: 1)
            case (.u32, .int(let v)?): integer(v, bytes: 4)
            case (.u64, .int(let v)?): integer(v, bytes: 8)
            case (.f64, .double(let v)?): integer(v.bitPattern, bytes: 8)
            case (.text, .text(let t)?):
                integer(UInt64(t.utf8.count), bytes: 4)
                out += Array(t.utf8)
            case (.u32s(let n), .words(let slice)?):
                precondition(slice.count == n, "\(record.name).\(f.name): \(n) words")
                for v in slice { integer(UInt64(v), bytes: 4) }
            case (.i32x64, .values(let slice)?):
                precondition(slice.count == 64, "\(record.name).\(f.name): 64 values")
                for v in slice { integer(UInt64(UInt32(bitPattern: v)), bytes: 4) }
            default: preconditionFailure("\(record.name).\(f.name): no value of its kind")
            }
        }
        precondition(next.next() == nil, "\(record.name): more values than fields")
    }

    /// The C++ reader: one struct per record and a function that fills it from a FILE* (exiting with
    /// status 2 when the file ends early). Needs <cstdint>, <cstdio>, <cstdlib>.
    static var cppReader: String {
        """
        // ---- The stimulus reader, printed from the Swift description of the format (StimulusFormat) ----
        static const uint32_t kStimulusVersion = \(version);
        static const uint32_t kAnyLanes = \(anyLanes);


        """ + cppRecords([header, job, run, tableWord, block])
    }

    /// The reading helpers, then for each of `records` a struct and a function that fills it from a
    /// FILE* (exiting with status 2 when the file ends early). Needs <cstdint>, <cstdio>, <cstdlib>.
    static func cppRecords(_ records: [Record]) -> String {
        var s = """
        static void readOrDie(FILE* f, void* to, std::size_t bytes) {
            if (std::fread(to, 1, bytes, f) != bytes) {
                std::fprintf(stderr, "harness: stimulus file is truncated\\n");
                std::exit(2);
            }
        }

        static uint64_t readLittleEndian(FILE* f, int bytes) {
            uint8_t b[8];
            readOrDie(f, b, static_cast<std::size_t>(bytes));
            uint64_t v = 0;
            for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[i];
            return v;
        }


        """
        for r in records {
            s += "struct Stimulus\(r.name) {\n"
            for f in r.fields {
                switch f.kind {
                case .magic(let m): s += "    char \(f.name)[\(m.utf8.count)];\n"
                case .u8: s += "    uint8_t \(f.name);\n"
                case .u32: s += "    uint32_t \(f.name);\n"
                case .u64: s += "    uint64_t \(f.name);\n"
                case .f64: s += "    double \(f.name);\n"
                case .i32x64: s += "    int32_t \(f.name)[64];\n"
                case .u32s(let n): s += "    uint32_t \(f.name)[\(n)];\n"
                case .text: s += "    std::vector<char> \(f.name);\n"
                case .pad: continue
                }
            }
            s += "};\n\n"
            s += "static void read(FILE* f, Stimulus\(r.name)& r) {\n"
            for f in r.fields {
                switch f.kind {
                case .magic(let m): s += "    readOrDie(f, r.\(f.name), \(m.utf8.count));\n"
                case .u8: s += "    r.\(f.name) = static_cast<uint8_t>(readLittleEndian(f, 1));\n"
                case .u32: s += "    r.\(f.name) = static_cast<uint32_t>(readLittleEndian(f, 4));\n"
                case .u64: s += "    r.\(f.name) = readLittleEndian(f, 8);\n"
                case .f64:
                    s += "    {\n        const uint64_t bits = readLittleEndian(f, 8);\n"
                    s += "        std::memcpy(&r.\(f.name), &bits, 8);\n    }\n"
                case .i32x64:
                    s += "    {\n        uint8_t b[256];\n        readOrDie(f, b, 256);\n"
                    s += "        for (int i = 0; i < 64; ++i)\n"
                    s += "            r.\(f.name)[i] = static_cast<int32_t>(b[4 * i] | (b[4 * i + 1] << 8) | (b[4 * i + 2] << 16) | (static_cast<uint32_t>(b[4 * i + 3]) << 24));\n"
                    s += "    }\n"
                case .u32s(let n):
                    s += "    for (int i = 0; i < \(n); ++i) r.\(f.name)[i] = static_cast<uint32_t>(readLittleEndian(f, 4));\n"
                case .text:
                    s += "    r.\(f.name).resize(static_cast<std::size_t>(readLittleEndian(f, 4)));\n"
                    s += "    if (!r.\(f.name).empty()) readOrDie(f, r.\(f.name).data(), r.\(f.name).size());\n"
                case .pad(let n): s += "    {\n        uint8_t skip[\(n)];\n        readOrDie(f, skip, \(n));\n    }\n"
                }
            }
            s += "}\n\n"
        }
        return s
    }
}

/// Writes stimulus files job by job (`StimulusFormat`): the header's job and block-run counts are
/// patched in when the file is closed, so a large run never holds all its jobs in memory.
public final class StimulusFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let lanes: UInt32, laneBits: UInt32
    private let note: String
    public private(set) var jobs = 0
    public private(set) var blockRuns = 0

    /// - Parameter lanes: the stream width the file is for, or nil for any.
    public init(url: URL, note: String, lanes: Int?, laneBits: Int) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw HLSGenError("cannot create the stimulus file \(url.path)")
        }
        handle = try FileHandle(forWritingTo: url)
        self.lanes = lanes.map(UInt32.init) ?? StimulusFormat.anyLanes
        self.laneBits = UInt32(laneBits)
        self.note = note
        buffer = header()
    }

    private func header() -> [UInt8] { Self.header(note: note, lanes: lanes, laneBits: laneBits, jobs: jobs, blockRuns: blockRuns) }

    static func header(note: String, lanes: UInt32, laneBits: UInt32, jobs: Int, blockRuns: Int) -> [UInt8] {
        var out: [UInt8] = []
        StimulusFormat.encode(StimulusFormat.header, [.int(UInt64(StimulusFormat.version)), .text(note), .int(UInt64(lanes)),
                                                      .int(UInt64(laneBits)), .int(UInt64(jobs)), .int(UInt64(blockRuns))],
                              into: &out)
        return out
    }

    public func append(_ job: CosimJob) throws {
        try Self.encode(job, into: &buffer) { buffer in
            if buffer.count > 1 << 22 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        jobs += 1
        blockRuns += job.blockCount * job.runs.count
    }

    /// A job's records; `spill` may write out and empty the buffer after each block.
    static func encode(_ job: CosimJob, into out: inout [UInt8], spill: (inout [UInt8]) throws -> Void) rethrows {
        StimulusFormat.encode(StimulusFormat.job, [.int(UInt64(job.mode.code)), .int(job.tableWords == nil ? 0 : 1),
                                                   .int(UInt64(job.runs.count)), .int(UInt64(job.blockCount))], into: &out)
        for r in job.runs { StimulusFormat.encode(StimulusFormat.run, [.double(r.stall), .int(r.seed)], into: &out) }
        for w in job.tableWords ?? [] { StimulusFormat.encode(StimulusFormat.tableWord, [.int(w)], into: &out) }
        for b in 0..<job.blockCount {
            let values = (b * 64)..<(b * 64 + 64)
            StimulusFormat.encode(StimulusFormat.block, [.int(UInt64(job.users[b])), .values(job.inputs[values]),
                                                         .values(job.expected[values])], into: &out)
            try spill(&out)
        }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left, patches the counts into the header and closes the file.
    public func close() throws {
        try flush()
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: header())
        try handle.close()
    }

    /// A whole file of `jobs`.
    public static func write(_ jobs: [CosimJob], note: String, lanes: Int?, laneBits: Int, to url: URL) throws {
        let file = try StimulusFile(url: url, note: note, lanes: lanes, laneBits: laneBits)
        for job in jobs { try file.append(job) }
        try file.close()
    }

    /// The bytes of a file of `jobs` (a small one: the project's standard stimulus).
    public static func bytes(_ jobs: [CosimJob], note: String, lanes: Int?, laneBits: Int) -> [UInt8] {
        var out = header(note: note, lanes: lanes.map(UInt32.init) ?? StimulusFormat.anyLanes, laneBits: UInt32(laneBits), jobs: jobs.count,
                         blockRuns: jobs.reduce(0) { $0 + $1.blockCount * $1.runs.count })
        for job in jobs { encode(job, into: &out, spill: { _ in }) }
        return out
    }
}
