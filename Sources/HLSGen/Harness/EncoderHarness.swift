import Foundation
import Golden
import Hardware

/// One frame through the hardware JPEG encoder (`fxc_jpeg_encoder`): its registers (shape, restart
/// interval), its input beats as a camera gives them, the golden encoder's file, and the stall
/// settings to run it with.
public struct EncoderJob: Sendable {
    public var width: Int, height: Int
    public var chroma: ChromaSubsampling
    /// MCUs between RSTn markers; 0 for none.
    public var restart: Int
    /// 128 `qt_data` words (luma table, then chroma) written after reset, or nil for the reset tables.
    public var tableWords: [UInt64]?
    /// Huffman table port writes after reset (`EntropyCoderStage.tableWrites`); none: the tables loaded,
    /// which aresetn leaves alone (power-on: Annex K's), so a job after one that loads tables has them.
    public var huffmanWrites: [EntropyCoderStage.TableWrite]
    public var runs: [StallSetting]
    public var pixelsPerBeat: Int
    /// Per beat: bit 0 tuser (start of frame), bit 1 tlast (end of line).
    public var beatFlags: [UInt8]
    /// `pixelsPerBeat` words per beat, 24 bits each in UG934 order (G in the low byte, then B, then R).
    public var pixels: [UInt32]
    /// The golden encoder's file.
    public var expected: [UInt8]
    public var label: String

    public var beatCount: Int { beatFlags.count }

    public init(width: Int, height: Int, chroma: ChromaSubsampling, restart: Int, tableWords: [UInt64]?,
                huffmanWrites: [EntropyCoderStage.TableWrite] = [], runs: [StallSetting],
                pixelsPerBeat: Int, beatFlags: [UInt8], pixels: [UInt32], expected: [UInt8], label: String) {
        precondition(pixels.count == beatFlags.count * pixelsPerBeat && (tableWords == nil || tableWords!.count == 128))
        self.width = width; self.height = height; self.chroma = chroma; self.restart = restart; self.tableWords = tableWords
        self.huffmanWrites = huffmanWrites
        self.runs = runs; self.pixelsPerBeat = pixelsPerBeat
        self.beatFlags = beatFlags; self.pixels = pixels
        self.expected = expected; self.label = label
    }
}

/// The encoder stimulus file ("FXCE"), stated once as records: the Swift writer and the C++ reader of
/// the encoder harness are made from them.
public enum EncoderStimulusFormat {
    public static let version: UInt32 = 2
    static let beatWords = RasterStimulusFormat.beatWords

    typealias Record = StimulusFormat.Record
    typealias Field = StimulusFormat.Field

    static let header = Record(name: "EncoderHeader", fields: [
        Field("magic", .magic("FXCE")), Field("version", .u32, "\(version)"), Field("note", .text, "where the stimulus came from"),
        Field("pixels", .u32, "pixels a beat"), Field("jobs", .u32),
        Field("byte_runs", .u64, "sum of file bytes x runs over the jobs, for the progress bar"),
    ])
    static let job = Record(name: "EncoderJob", fields: [
        Field("width", .u32), Field("height", .u32), Field("chroma", .u32, "0 4:4:4, 1 4:2:2, 2 4:2:0, 3 grey"),
        Field("restart", .u32, "MCUs between RSTn markers, 0 none"),
        Field("write_tables", .u32, "1: 128 table words follow the runs; 0: keep the reset tables"),
        Field("huffman_writes", .u32, "Huffman table port writes after the table words"),
        Field("runs", .u32), Field("beats", .u32), Field("bytes", .u32),
    ])
    static let run = StimulusFormat.run
    static let tableWord = StimulusFormat.tableWord
    static let huffmanWrite = Record(name: "HuffmanWrite", fields: [Field("address", .u32, "ht_addr"), Field("data", .u32, "ht_data")])
    static let beat = RasterStimulusFormat.beat
    static let byte = Record(name: "ExpectedByte", fields: [Field("value", .u8, "the golden encoder's file, a byte a record")])

    public static var description: [String] {
        typealias F = StimulusFormat
        return F.describe([("header: ", F.line(header) + ";"), ("per job: ", F.line(job) + ";"), ("  runs x ", "{" + F.line(run) + "};"),
                           ("  tables: 0 or 128 x ", "{" + F.line(tableWord) + "};"),
                           ("  huffman_writes x ", "{" + F.line(huffmanWrite) + "};"), ("  beats x ", "{" + F.line(beat) + "};"),
                           ("  bytes x ", "{" + F.line(byte) + "}.")])
    }

    static var cppReader: String {
        """
        // ---- The stimulus reader, printed from the Swift description of the format (EncoderStimulusFormat) ----
        static const uint32_t kStimulusVersion = \(version);
        static const int kBeatWords = \(beatWords);


        """ + StimulusFormat.cppRecords([header, job, run, tableWord, huffmanWrite, beat, byte])
    }

    /// Writes a whole file of `jobs` (temporary name, then renamed).
    public static func write(_ jobs: [EncoderJob], note: String, to url: URL) throws {
        let pixels = jobs.first?.pixelsPerBeat ?? 1
        precondition(jobs.allSatisfy { $0.pixelsPerBeat == pixels })
        var out: [UInt8] = []
        StimulusFormat.encode(header, [.int(UInt64(version)), .text(note), .int(UInt64(pixels)), .int(UInt64(jobs.count)),
                                       .int(UInt64(jobs.reduce(0) { $0 + $1.expected.count * $1.runs.count }))], into: &out)
        for job in jobs {
            StimulusFormat.encode(Self.job, [.int(UInt64(job.width)), .int(UInt64(job.height)), .int(UInt64(MCURowBuffer.code(job.chroma))),
                                             .int(UInt64(job.restart)), .int(job.tableWords == nil ? 0 : 1),
                                             .int(UInt64(job.huffmanWrites.count)), .int(UInt64(job.runs.count)),
                                             .int(UInt64(job.beatCount)), .int(UInt64(job.expected.count))], into: &out)
            for r in job.runs { StimulusFormat.encode(run, [.double(r.stall), .int(r.seed)], into: &out) }
            for w in job.tableWords ?? [] { StimulusFormat.encode(tableWord, [.int(w)], into: &out) }
            for w in job.huffmanWrites { StimulusFormat.encode(huffmanWrite, [.int(UInt64(w.address)), .int(w.data)], into: &out) }
            var words = [UInt32](repeating: 0, count: beatWords)
            for b in 0..<job.beatCount {
                for k in 0..<beatWords { words[k] = k < job.pixelsPerBeat ? job.pixels[b * job.pixelsPerBeat + k] : 0 }
                StimulusFormat.encode(beat, [.int(UInt64(job.beatFlags[b])), .words(words[...])], into: &out)
            }
            out += job.expected   // ExpectedByte records are one byte each
        }
        try Data(out).write(to: url, options: .atomic)
    }
}

/// The encoder co-simulation harness: one C++ main loop over `fxc_jpeg_encoder` — reset, the frame's
/// registers written, the beats with tuser and tlast, seeded SplitMix64 stalls on both sides, every
/// byte out checked against the golden encoder's file, tlast on its last byte, the AXI4-Stream hold
/// rule, clocks counted, the status registers read after the file (its bytes, files, errors), one
/// results line per run; `--dump FILE` writes the bytes of the first run.
/// Over the same port adapters as `RasterHarness`; `EncoderCosimulation` in Swift runs the same loop.
public enum EncoderHarness {
    public static let verilatorFileName = "encoder_harness.cpp"

    public static var verilator: String {
        let usage = """
            // Verilator co-simulation harness for the fxcodec JPEG encoder (\(JPEGEncoderCore.name)). Built by
            // `fxcodec cosim --core encoder` as
            //   verilator --cc --exe --build -O3 --x-assign fast --x-initial fast --noassert -j 2
            //     --top-module \(JPEGEncoderCore.name) --prefix Vcore -CFLAGS -DFXC_LANES=8 -CFLAGS -DFXC_LANE_BITS=16
            //     fxc_*.v \(verilatorFileName)
            // Run: Vcore --stimulus FILE [--results FILE] [--dump FILE] [--progress]
            """
        return text(usage: usage, definitions: "", adapter: CosimHarness.verilatorAdapter)
    }

    /// The C-simulation testbench (`tb/`) of the printed encoder top `module` (declared in `src/`).
    public static func hls(_ module: Module, laneBits: Int) throws -> String {
        let usage = """
            // C-simulation testbench: drives the HLS function \(module.name) (one call is one clock) with the
            // loop, checks and results of the Verilator encoder harness (\(verilatorFileName)), from the same stimulus file.
            // Build: g++ -std=c++14 -O1 -isystem AP_TYPES src/\(module.name).cpp tb/\(module.name)_tb.cpp
            // Run:   \(module.name)_tb --stimulus FILE [--results FILE] [--dump FILE] [--progress]
            """
        return text(usage: usage, definitions: "#define FXC_LANES 8\n#define FXC_LANE_BITS \(laneBits)\n",
                    adapter: try RasterHarness.hlsAdapter(module, inputs: inputs, outputs: outputs))
    }

    static let inputs = ["aresetn", "s_axis_tvalid", "s_axis_tdata", "s_axis_tuser", "s_axis_tlast", "m_axis_tready",
                         "reg_we", "reg_addr", "reg_wdata", "qt_we", "qt_table", "qt_addr", "qt_data", "ht_we", "ht_addr", "ht_data"]
    static let outputs = ["s_axis_tready", "m_axis_tvalid", "m_axis_tdata", "m_axis_tlast", "frame_error", "framing_error", "reg_rdata"]

    static func text(usage: String, definitions: String, adapter: String) -> String {
        let format = EncoderStimulusFormat.description.map { "// " + $0 }.joined(separator: "\n")
        return usage + "\n" + #"""
        //
        \#(format)
        // Every run of a job resets the encoder, writes its tables if it has them (qt_*: one entry a clock,
        // the core's and the DQT segments' alike; then ht_*, the Huffman tables), then the frame's registers
        // (register port: one write a clock, reg_we, reg_addr, reg_wdata), and streams all the job's beats;
        // after the last byte it reads the status registers (reg_addr, then reg_rdata a clock later). Stalls: with probability P
        // an input beat is not offered in a clock (once offered it is held until taken), and independently
        // m_axis_tready is low. Results: one line per run, "run key=value ..." (to --results FILE, else
        // stdout); exit 1 when a run failed a check.

        """# + definitions + CosimHarness.common + RasterHarness.registers + statusRegisters + adapter + "\n" + EncoderStimulusFormat.cppReader + loop
    }

    /// The status registers' addresses, from `EncoderStatus`.
    static var statusRegisters: String {
        "// ---- The encoder's status registers (EncoderStatus) ----\n"
            + "static const uint32_t kStatusFileBytes = \(EncoderStatus.fileBytes.rawValue), kStatusFiles = \(EncoderStatus.files.rawValue),"
            + " kStatusErrors = \(EncoderStatus.errors.rawValue);\n\n"
    }

    static let loop = #"""
    // ---- The loop ----
    int main(int argc, char** argv) {
        const char* stimulusPath = nullptr;
        const char* resultsPath = nullptr;
        const char* dumpPath = nullptr;
        const char* tracePath = nullptr;
        Progress progress;
        for (int i = 1; i < argc; ++i) {
            if (!std::strcmp(argv[i], "--stimulus") && i + 1 < argc) stimulusPath = argv[++i];
            else if (!std::strcmp(argv[i], "--results") && i + 1 < argc) resultsPath = argv[++i];
            else if (!std::strcmp(argv[i], "--dump") && i + 1 < argc) dumpPath = argv[++i];
            else if (!std::strcmp(argv[i], "--trace") && i + 1 < argc) tracePath = argv[++i];
            else if (!std::strcmp(argv[i], "--progress")) progress.enabled = true;
            else {
                std::fprintf(stderr, "usage: %s --stimulus FILE [--results FILE] [--dump FILE] [--progress] [--trace FILE]\n", argv[0]);
                return 2;
            }
        }
        if (!stimulusPath) {
            std::fprintf(stderr, "harness: --stimulus is required\n");
            return 2;
        }
        FILE* in = openOrDie(stimulusPath, "rb");
        FILE* results = resultsPath ? openOrDie(resultsPath, "w") : stdout;
        StimulusEncoderHeader header;
        read(in, header);
        if (std::memcmp(header.magic, "FXCE", 4) != 0 || header.version != kStimulusVersion) {
            std::fprintf(stderr, "harness: %s is not an fxcodec encoder stimulus file (version %u)\n", stimulusPath, kStimulusVersion);
            return 2;
        }
        const int pixels = static_cast<int>(header.pixels);
        if (pixels < 1 || pixels > kBeatWords) {
            std::fprintf(stderr, "harness: stimulus has %u pixels a beat\n", header.pixels);
            return 2;
        }
        progress.total = header.byte_runs;

        Simulator sim;
        if (!sim.open(tracePath)) {
            std::fprintf(stderr, "harness: this build has no tracing\n");
            return 2;
        }
        Ports* top = sim.top;
        uint64_t bytesDone = 0;
        int failures = 0;
        std::vector<uint8_t> dumped;

        for (uint32_t j = 0; j < header.jobs; ++j) {
            StimulusEncoderJob job;
            read(in, job);
            std::vector<StimulusRun> runs(job.runs);
            for (auto& r : runs) read(in, r);
            std::vector<uint64_t> table(job.write_tables ? 128 : 0);
            for (auto& t : table) {
                StimulusTableWord word;
                read(in, word);
                t = word.qt_data;
            }
            std::vector<StimulusHuffmanWrite> huffman(job.huffman_writes);
            for (auto& h : huffman) read(in, h);
            std::vector<StimulusBeat> beats(job.beats);
            for (auto& b : beats) read(in, b);
            std::vector<uint8_t> expected(job.bytes);
            for (auto& b : expected) {
                StimulusExpectedByte e;
                read(in, e);
                b = e.value;
            }

            for (uint32_t r = 0; r < job.runs; ++r) {
                const StimulusRun run = runs[r];
                Random random{run.seed};
                // Reset, the tables if the job has them, then the frame's registers.
                top->aresetn = 0;
                top->s_axis_tvalid = 0;
                top->m_axis_tready = 0;
                top->qt_we = 0;
                top->ht_we = 0;
                top->reg_we = 0;
                sim.idle(4);
                top->aresetn = 1;
                sim.idle(1);
                for (std::size_t e = 0; e < table.size(); ++e) {
                    uint32_t w[2] = {static_cast<uint32_t>(table[e]), static_cast<uint32_t>(table[e] >> 32)};
                    top->qt_we = 1;
                    top->qt_table = static_cast<uint8_t>(e / 64);
                    top->qt_addr = static_cast<uint8_t>(e % 64);
                    toPort(top->qt_data, w);
                    sim.idle(1);
                }
                top->qt_we = 0;
                for (const auto& h : huffman) {
                    top->ht_we = 1;
                    top->ht_addr = h.address;
                    top->ht_data = h.data;
                    sim.idle(1);
                }
                top->ht_we = 0;
                const uint32_t writes[4][2] = {{kRegFrameWidth, job.width}, {kRegFrameHeight, job.height},
                                               {kRegFrameChroma, job.chroma}, {kRegRestartInterval, job.restart}};
                for (const auto& w : writes) {
                    top->reg_we = 1;
                    top->reg_addr = w[0];
                    top->reg_wdata = w[1];
                    sim.idle(1);
                }
                top->reg_we = 0;

                const uint64_t totalIn = beats.size(), totalOut = expected.size();
                uint64_t nextIn = 0, refused = 0, outBytes = 0, mismatches = 0, tlastErrors = 0, axiViolations = 0, extraBytes = 0;
                int64_t firstIn = -1, lastIn = -1, firstOut = -1, lastOut = -1;
                int64_t mismatchIndex = -1, mismatchExpected = 0, mismatchActual = 0;
                bool offering = false, timeout = false;
                uint32_t inWords[kWords] = {0}, outWords[kWords] = {0};
                bool held = false, heldLast = false;
                uint32_t heldByte = 0;
                uint64_t cycle = 0, quiet = 0, drain = 0;
                const auto start = std::chrono::steady_clock::now();

                while (true) {
                    // Input beat: offered with probability 1 - P, then held until taken.
                    if (!offering && nextIn < totalIn && !random.chance(run.stall)) {
                        offering = true;
                        const StimulusBeat& b = beats[nextIn];
                        for (int k = 0; k < pixels; ++k) putBits(inWords, 24 * k, 24, b.pixels[k]);
                        toPort(top->s_axis_tdata, inWords);
                        top->s_axis_tuser = b.flags & 1;
                        top->s_axis_tlast = (b.flags >> 1) & 1;
                    }
                    top->s_axis_tvalid = offering;
                    const bool draining = outBytes >= totalOut;
                    top->m_axis_tready = draining || !random.chance(run.stall);

                    bool inFire = false, outFire = false;
                    sim.clock([&] {
                        inFire = top->s_axis_tvalid && top->s_axis_tready;
                        if (!top->m_axis_tvalid) {
                            if (held) ++axiViolations;  // valid dropped before the byte was taken
                            held = false;
                            return;
                        }
                        fromPort(top->m_axis_tdata, outWords);
                        const uint32_t byte = outWords[0] & 0xFF;
                        const bool last = top->m_axis_tlast;
                        if (held && (heldLast != last || heldByte != byte)) ++axiViolations;
                        outFire = top->m_axis_tready;
                        held = !outFire;
                        heldLast = last;
                        heldByte = byte;
                        if (!outFire) return;
                        if (outBytes >= totalOut) {
                            ++extraBytes;
                            return;
                        }
                        if (j == 0 && r == 0 && dumpPath) dumped.push_back(static_cast<uint8_t>(byte));
                        if (byte != expected[outBytes]) {
                            if (mismatches == 0) {
                                mismatchIndex = static_cast<int64_t>(outBytes);
                                mismatchExpected = expected[outBytes];
                                mismatchActual = byte;
                            }
                            ++mismatches;
                        }
                        if (last != (outBytes + 1 == totalOut)) ++tlastErrors;
                    });
                    if (inFire) {
                        if (firstIn < 0) firstIn = static_cast<int64_t>(cycle);
                        lastIn = static_cast<int64_t>(cycle);
                        offering = false;
                        ++nextIn;
                    } else if (offering) {
                        ++refused;
                    }
                    if (outFire && outBytes < totalOut) {
                        if (firstOut < 0) firstOut = static_cast<int64_t>(cycle);
                        lastOut = static_cast<int64_t>(cycle);
                        ++outBytes;
                        ++bytesDone;
                    }
                    ++cycle;
                    quiet = (inFire || outFire) ? 0 : quiet + 1;
                    if ((cycle & 0xFFFF) == 0) {
                        progress.cycles += 0x10000;
                        progress.update(bytesDone);
                    }
                    // After the last beat each way, watch a while longer for bytes that should not exist.
                    if (outBytes >= totalOut && nextIn >= totalIn && ++drain > 256) break;
                    if (quiet > \#(CosimHarness.quietLimit)) {
                        timeout = true;
                        break;
                    }
                }
                progress.cycles += cycle & 0xFFFF;
                const double elapsed = seconds(start);
                const bool frameError = top->frame_error, framing = top->framing_error;
                // The status registers: file bytes, files, errors, each a clock after its address.
                uint32_t status[3] = {0, 0, 0};
                top->reg_addr = kStatusFileBytes;
                sim.idle(1);
                const uint32_t next[3] = {kStatusFiles, kStatusErrors, 0};
                for (int k = 0; k < 3; ++k) {
                    top->reg_addr = next[k];
                    sim.clock([&] { status[k] = top->reg_rdata; });
                }
                if (mismatches || tlastErrors || axiViolations || extraBytes || timeout || framing || frameError ||
                    outBytes != totalOut || nextIn != totalIn || status[0] != totalOut || status[1] != 1 || status[2] != 0)
                    ++failures;
                std::fprintf(results,
                             "run job=%u run=%u stall=%.17g seed=%" PRIu64 " width=%u height=%u chroma=%u restart=%u"
                             " in_beats=%" PRIu64 " expected_in_beats=%" PRIu64 " refused=%" PRIu64 " out_bytes=%" PRIu64
                             " expected_bytes=%" PRIu64 " mismatches=%" PRIu64 " mismatch_index=%" PRId64
                             " mismatch_expected=%" PRId64 " mismatch_actual=%" PRId64 " tlast_errors=%" PRIu64
                             " axi_violations=%" PRIu64 " extra_bytes=%" PRIu64 " frame_error=%d framing_error=%d timeout=%d"
                             " cycles=%" PRIu64 " first_in=%" PRId64 " last_in=%" PRId64 " first_out=%" PRId64
                             " last_out=%" PRId64 " status_bytes=%u status_files=%u status_errors=%u seconds=%.6f\n",
                             j, r, run.stall, run.seed, job.width, job.height, job.chroma, job.restart, nextIn, totalIn, refused,
                             outBytes, totalOut, mismatches, mismatchIndex, mismatchExpected, mismatchActual, tlastErrors,
                             axiViolations, extraBytes, frameError ? 1 : 0, framing ? 1 : 0, timeout ? 1 : 0,
                             static_cast<uint64_t>(lastOut + 1), firstIn, lastIn, firstOut, lastOut, status[0], status[1], status[2],
                             elapsed);
                std::fflush(results);
            }
        }
        progress.update(bytesDone, true);
        sim.close();
        if (dumpPath) {
            FILE* dump = openOrDie(dumpPath, "wb");
            if (!dumped.empty()) std::fwrite(dumped.data(), 1, dumped.size(), dump);
            std::fclose(dump);
        }
        if (results != stdout) std::fclose(results);
        std::fclose(in);
        return failures ? 1 : 0;
    }

    """#
}
