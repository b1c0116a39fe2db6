import Foundation
import Golden
import Hardware

/// One stream of video frames through the raster encode top (`fxc_raster_encode_x8`): the frame
/// shape for its registers, the input beats (pixels, tuser, tlast) as a camera would give them, the golden
/// model's quantized coefficients of every block that should come out, in MCU order, and the stall
/// settings to run it with. A job may hold a malformed frame before a good one: then the sticky
/// frame_error must be set at the end, and the good frame's blocks must still come out.
public struct RasterJob: Sendable {
    public var width: Int, height: Int
    public var chroma: ChromaSubsampling
    public var expectFrameError: Bool
    public var runs: [StallSetting]
    public var pixelsPerBeat: Int
    /// Per beat: bit 0 tuser (start of frame), bit 1 tlast (end of line).
    public var beatFlags: [UInt8]
    /// `pixelsPerBeat` words per beat, 24 bits each in UG934 order (G in the low byte, then B, then R).
    public var pixels: [UInt32]
    /// Per block out: tuser of its first row (bit 0 start of frame, bit 1 table, bit 2 dummy), and
    /// the 64 coefficients (raster order in the block) or nil for a dummy block (only its flags are checked).
    public var users: [UInt8]
    public var expected: [[Int32]?]
    /// Where each block is, for reports ("astronaut.png block 17: Cb x 3 y 0").
    public var label: String
    public var places: [String]

    public var beatCount: Int { beatFlags.count }
    public var blockCount: Int { users.count }

    public init(width: Int, height: Int, chroma: ChromaSubsampling, expectFrameError: Bool, runs: [StallSetting],
                pixelsPerBeat: Int, beatFlags: [UInt8], pixels: [UInt32], users: [UInt8], expected: [[Int32]?],
                label: String, places: [String]) {
        precondition(pixels.count == beatFlags.count * pixelsPerBeat && users.count == expected.count && places.count == users.count)
        self.width = width; self.height = height; self.chroma = chroma
        self.expectFrameError = expectFrameError
        self.runs = runs
        self.pixelsPerBeat = pixelsPerBeat
        self.beatFlags = beatFlags; self.pixels = pixels
        self.users = users; self.expected = expected
        self.label = label; self.places = places
    }
}

/// The raster stimulus file ("FXCR"), stated once as records (as `StimulusFormat` states "FXCS"): the
/// Swift writer and the C++ reader of every raster harness are made from them.
public enum RasterStimulusFormat {
    public static let version: UInt32 = 1
    /// Pixel words a beat record holds (the harness uses the first `pixels` of them).
    static let beatWords = 4

    typealias Record = StimulusFormat.Record
    typealias Field = StimulusFormat.Field

    static let header = Record(name: "RasterHeader", fields: [
        Field("magic", .magic("FXCR")), Field("version", .u32, "\(version)"), Field("note", .text, "where the stimulus came from"),
        Field("pixels", .u32, "pixels a beat"), Field("lane_bits", .u32, "bits of one coefficient lane"), Field("jobs", .u32),
        Field("block_runs", .u64, "sum of blocks x runs over the jobs, for the progress bar"),
    ])
    static let job = Record(name: "RasterJob", fields: [
        Field("width", .u32), Field("height", .u32), Field("chroma", .u32, "0 4:4:4, 1 4:2:2, 2 4:2:0, 3 grey"),
        Field("frame_error", .u32, "1: a malformed frame comes first, and frame_error must be 1 at the end"),
        Field("runs", .u32), Field("beats", .u32), Field("blocks", .u32),
    ])
    static let run = StimulusFormat.run
    static let beat = Record(name: "Beat", fields: [
        Field("flags", .u32, "bit 0 tuser, bit 1 tlast"),
        Field("pixels", .u32s(beatWords), "24-bit RGB words, G in the low byte, then B, then R"),
    ])
    static let block = Record(name: "ExpectedBlock", fields: [
        Field("user", .u8, "tuser of the first row: bit 0 start of frame, bit 1 table, bit 2 dummy"),
        Field("check", .u8, "1: compare the coefficients; 0 (a dummy block): tuser and tlast only"), Field("pad", .pad(2)),
        Field("expected", .i32x64, "the golden model's coefficients, raster order"),
    ])

    public static var description: [String] {
        typealias F = StimulusFormat
        return F.describe([("header: ", F.line(header) + ";"), ("per job: ", F.line(job) + ";"), ("  runs x ", "{" + F.line(run) + "};"),
                           ("  beats x ", "{" + F.line(beat) + "};"), ("  blocks x ", "{" + F.line(block) + "}.")])
    }

    static var cppReader: String {
        """
        // ---- The stimulus reader, printed from the Swift description of the format (RasterStimulusFormat) ----
        static const uint32_t kStimulusVersion = \(version);
        static const int kBeatWords = \(beatWords);


        """ + StimulusFormat.cppRecords([header, job, run, beat, block])
    }

    /// A job's records.
    static func encode(_ job: RasterJob, into out: inout [UInt8]) {
        StimulusFormat.encode(Self.job, [.int(UInt64(job.width)), .int(UInt64(job.height)), .int(UInt64(MCURowBuffer.code(job.chroma))),
                                         .int(job.expectFrameError ? 1 : 0), .int(UInt64(job.runs.count)), .int(UInt64(job.beatCount)),
                                         .int(UInt64(job.blockCount))], into: &out)
        for r in job.runs { StimulusFormat.encode(run, [.double(r.stall), .int(r.seed)], into: &out) }
        var words = [UInt32](repeating: 0, count: beatWords)
        for b in 0..<job.beatCount {
            for k in 0..<beatWords { words[k] = k < job.pixelsPerBeat ? job.pixels[b * job.pixelsPerBeat + k] : 0 }
            StimulusFormat.encode(beat, [.int(UInt64(job.beatFlags[b])), .words(words[...])], into: &out)
        }
        let none = [Int32](repeating: 0, count: 64)
        for n in 0..<job.blockCount {
            StimulusFormat.encode(block, [.int(UInt64(job.users[n])), .int(job.expected[n] == nil ? 0 : 1),
                                          .values((job.expected[n] ?? none)[...])], into: &out)
        }
    }

    /// Writes a whole file of `jobs` (temporary name, then renamed).
    public static func write(_ jobs: [RasterJob], note: String, laneBits: Int, to url: URL) throws {
        try Data(bytes(jobs, note: note, laneBits: laneBits)).write(to: url, options: .atomic)
    }

    /// The bytes of a file of `jobs`.
    public static func bytes(_ jobs: [RasterJob], note: String, laneBits: Int) -> [UInt8] {
        let pixels = jobs.first?.pixelsPerBeat ?? 1
        precondition(jobs.allSatisfy { $0.pixelsPerBeat == pixels })
        var out: [UInt8] = []
        StimulusFormat.encode(header, [.int(UInt64(version)), .text(note), .int(UInt64(pixels)), .int(UInt64(laneBits)),
                                       .int(UInt64(jobs.count)), .int(UInt64(jobs.reduce(0) { $0 + $1.blockCount * $1.runs.count }))],
                              into: &out)
        for job in jobs { encode(job, into: &out) }
        return out
    }
}

/// The raster co-simulation harness: one C++ main loop over the raster encode top — reset, the frame
/// shape written to its registers, the beats of every frame with tuser and tlast, seeded SplitMix64 stalls on
/// both sides, every coefficient row checked against the golden model (dummy blocks by their flags),
/// the AXI4-Stream hold rule, frame_error at the end against what the job expects, clocks counted, one
/// results line per run — over the same port adapters as `CosimHarness` (Verilator's `Vcore`, or the
/// printed HLS step function). `RasterCosimulation` in Swift runs the same loop draw for draw.
public enum RasterHarness {
    public static let verilatorFileName = "raster_harness.cpp"

    public static var verilator: String {
        let usage = """
            // Verilator co-simulation harness for the fxcodec raster encode top (\(RasterFront.encodeName)). Built by
            // `fxcodec cosim --front raster` as
            //   verilator --cc --exe --build -O3 --x-assign fast --x-initial fast --noassert -j 2
            //     --top-module \(RasterFront.encodeName) --prefix Vcore -CFLAGS -DFXC_LANES=8 -CFLAGS -DFXC_LANE_BITS=16
            //     fxc_*.v \(verilatorFileName)
            // Run: Vcore --stimulus FILE [--results FILE] [--progress]
            """
        return text(usage: usage, definitions: "", adapter: CosimHarness.verilatorAdapter)
    }

    /// The C-simulation testbench (`tb/`) of the printed raster encode top `module` (declared in `src/`).
    public static func hls(_ module: Module, laneBits: Int) throws -> String {
        let usage = """
            // C-simulation testbench: drives the HLS function \(module.name) (one call is one clock) with the
            // loop, checks and results of the Verilator raster harness (\(verilatorFileName)), from the same stimulus file.
            // Build: g++ -std=c++14 -O1 -isystem AP_TYPES src/\(module.name).cpp tb/\(module.name)_tb.cpp
            // Run:   \(module.name)_tb --stimulus FILE [--results FILE] [--progress]
            """
        return text(usage: usage, definitions: "#define FXC_LANES 8\n#define FXC_LANE_BITS \(laneBits)\n",
                    adapter: try hlsAdapter(module, inputs: inputs, outputs: outputs))
    }

    static func text(usage: String, definitions: String, adapter: String) -> String {
        let format = RasterStimulusFormat.description.map { "// " + $0 }.joined(separator: "\n")
        return usage + "\n" + #"""
        //
        \#(format)
        // Every run of a job resets the top, writes the frame shape to its registers (register port: one
        // write a clock, reg_we, reg_addr, reg_wdata), and streams all the job's beats. Stalls: with probability P an input beat is not
        // offered in a clock (once offered it is held until taken), and independently m_axis_tready is low.
        // Results: one line per run, "run key=value ..." (to --results FILE, else stdout); exit 1 when a run
        // failed a check.

        """# + definitions + CosimHarness.common + registers + adapter + "\n" + RasterStimulusFormat.cppReader + loop
    }

    /// The register port's addresses (`RasterRegister`), as C++ constants.
    static var registers: String {
        "// The register port's addresses.\n" + RasterRegister.allCases.map { r in
            "static const uint32_t kReg\(r.name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()) = \(r.rawValue);\n"
        }.joined() + "\n"
    }

    /// The ports the loop drives and reads.
    static let inputs = ["aresetn", "s_axis_tvalid", "s_axis_tdata", "s_axis_tuser", "s_axis_tlast", "m_axis_tready",
                         "reg_we", "reg_addr", "reg_wdata", "qt_we", "qt_table", "qt_addr", "qt_data"]
    static let outputs = ["s_axis_tready", "m_axis_tvalid", "m_axis_tdata", "m_axis_tuser", "m_axis_tlast", "frame_error",
                          "framing_error"]

    /// HLS: the ports are a struct of integers (each tdata as 32-bit words); a clock is one call of the
    /// function, then the sample.
    static func hlsAdapter(_ m: Module, inputs: [String], outputs: [String]) throws -> String {
        let ins = Set(m.inputs.map(\.name)), outs = Set(m.outputs.map(\.name))
        guard Set(inputs) == ins, Set(outputs) == outs else {
            throw HLSGenError("\(m.name): the harness drives \(inputs.joined(separator: ", ")) and reads \(outputs.joined(separator: ", "))")
        }
        for p in m.inputs + m.outputs where !p.name.hasSuffix("tdata") && p.totalWidth > 64 {
            throw HLSGenError("\(m.name): port \(p.name) has \(p.totalWidth) bits; the harness takes at most 64")
        }
        func words(_ p: ModulePort) -> Int { (p.totalWidth + 31) / 32 }
        var s = "// ---- Port adapter: the HLS function \(m.name), one call per clock ----\n"
        s += HLSPrinter.include("ap_int.h").joined(separator: "\n") + "\n"
        s += "#include \"\(try header(m))\"\n\n"
        s += "struct Words {\n    uint32_t w[kWords];\n};\n\n"
        s += "// The ports the loop drives and reads.\nstruct Ports {\n"
        for p in m.inputs + m.outputs where !p.name.hasSuffix("tdata") { s += "    uint64_t \(p.name);\n" }
        s += "    Words s_axis_tdata, m_axis_tdata;\n};\n\n"
        s += """
            static inline void toPort(uint64_t& port, const uint32_t* w) { port = static_cast<uint64_t>(w[0]) | (static_cast<uint64_t>(w[1]) << 32); }
            static inline void toPort(Words& port, const uint32_t* w) { std::memcpy(port.w, w, sizeof port.w); }
            static inline void fromPort(const Words& port, uint32_t* w) { std::memcpy(w, port.w, sizeof port.w); }

            struct Simulator {
                Ports ports;
                Ports* top = &ports;

                bool open(const char* tracePath) {
                    std::memset(&ports, 0, sizeof ports);
                    return tracePath == nullptr;
                }
                void close() {}

                // One clock: the call computes the outputs from the state and the inputs, then steps the state;
                // the sample sees the outputs of this clock, as before a rising edge.
                template <typename F> void clock(F sample) {

            """
        var arguments: [String] = []
        for p in m.inputs {
            if p.name.hasSuffix("tdata") {
                s += "        ap_uint<\(p.totalWidth)> in_\(p.name) = 0;\n"
                for i in 0..<words(p) {
                    s += "        in_\(p.name).range(\(min(32 * i + 31, p.totalWidth - 1)), \(32 * i)) = ports.\(p.name).w[\(i)];\n"
                }
                arguments.append("in_\(p.name)")
            } else {
                arguments.append("ap_uint<\(p.totalWidth)>(ports.\(p.name))")
            }
        }
        for p in m.outputs {
            s += "        ap_uint<\(p.totalWidth)> out_\(p.name) = 0;\n"
            arguments.append("out_\(p.name)")
        }
        s += "        \(m.name)(\(arguments.joined(separator: ", ")));\n"
        for p in m.outputs {
            if p.name.hasSuffix("tdata") {
                for i in 0..<words(p) {
                    s += "        ports.\(p.name).w[\(i)] = static_cast<uint32_t>(out_\(p.name).range(\(min(32 * i + 31, p.totalWidth - 1)), \(32 * i)).to_uint64());\n"
                }
            } else {
                s += "        ports.\(p.name) = out_\(p.name).to_uint64();\n"
            }
        }
        s += """
                    sample();
                }
                void idle(int clocks) {
                    for (int i = 0; i < clocks; ++i) clock([] {});
                }
            };

            """
        return s
    }

    /// The header the testbench includes, relative to `tb/`.
    static func header(_ m: Module) throws -> String { "../" + CSimToolchain.header(m.name) }

    static let loop = #"""
    // ---- The loop ----
    int main(int argc, char** argv) {
        const char* stimulusPath = nullptr;
        const char* resultsPath = nullptr;
        const char* tracePath = nullptr;
        Progress progress;
        for (int i = 1; i < argc; ++i) {
            if (!std::strcmp(argv[i], "--stimulus") && i + 1 < argc) stimulusPath = argv[++i];
            else if (!std::strcmp(argv[i], "--results") && i + 1 < argc) resultsPath = argv[++i];
            else if (!std::strcmp(argv[i], "--trace") && i + 1 < argc) tracePath = argv[++i];
            else if (!std::strcmp(argv[i], "--progress")) progress.enabled = true;
            else {
                std::fprintf(stderr, "usage: %s --stimulus FILE [--results FILE] [--progress] [--trace FILE]\n", argv[0]);
                return 2;
            }
        }
        if (!stimulusPath) {
            std::fprintf(stderr, "harness: --stimulus is required\n");
            return 2;
        }
        FILE* in = openOrDie(stimulusPath, "rb");
        FILE* results = resultsPath ? openOrDie(resultsPath, "w") : stdout;
        StimulusRasterHeader header;
        read(in, header);
        if (std::memcmp(header.magic, "FXCR", 4) != 0 || header.version != kStimulusVersion) {
            std::fprintf(stderr, "harness: %s is not an fxcodec raster stimulus file (version %u)\n", stimulusPath, kStimulusVersion);
            return 2;
        }
        const int pixels = static_cast<int>(header.pixels);
        if (pixels < 1 || pixels > kBeatWords || header.lane_bits != static_cast<uint32_t>(kLaneBits)) {
            std::fprintf(stderr, "harness: stimulus has %u pixels a beat and %u-bit lanes; this build has %d-bit lanes\n",
                         header.pixels, header.lane_bits, kLaneBits);
            return 2;
        }
        progress.total = header.block_runs;

        Simulator sim;
        if (!sim.open(tracePath)) {
            std::fprintf(stderr, "harness: this build has no tracing\n");
            return 2;
        }
        Ports* top = sim.top;
        uint64_t blocksDone = 0;
        int failures = 0;

        for (uint32_t j = 0; j < header.jobs; ++j) {
            StimulusRasterJob job;
            read(in, job);
            std::vector<StimulusRun> runs(job.runs);
            for (auto& r : runs) read(in, r);
            std::vector<StimulusBeat> beats(job.beats);
            for (auto& b : beats) read(in, b);
            std::vector<StimulusExpectedBlock> blocks(job.blocks);
            for (auto& b : blocks) read(in, b);

            for (uint32_t r = 0; r < job.runs; ++r) {
                const StimulusRun run = runs[r];
                Random random{run.seed};
                // Reset, then the frame's shape written to its registers.
                top->aresetn = 0;
                top->s_axis_tvalid = 0;
                top->m_axis_tready = 0;
                top->qt_we = 0;
                top->reg_we = 0;
                sim.idle(4);
                top->aresetn = 1;
                sim.idle(1);
                const uint32_t shape[3][2] = {{kRegFrameWidth, job.width}, {kRegFrameHeight, job.height}, {kRegFrameChroma, job.chroma}};
                for (const auto& w : shape) {
                    top->reg_we = 1;
                    top->reg_addr = w[0];
                    top->reg_wdata = w[1];
                    sim.idle(1);
                }
                top->reg_we = 0;

                const uint64_t totalIn = beats.size(), totalOut = static_cast<uint64_t>(blocks.size()) * 8;
                uint64_t nextIn = 0, refused = 0, outBeats = 0, mismatches = 0, tlastErrors = 0, tuserErrors = 0;
                uint64_t axiViolations = 0, extraBeats = 0;
                int64_t firstIn = -1, lastIn = -1, firstOut = -1, lastOut = -1;
                int64_t mismatchBlock = -1, mismatchIndex = -1, mismatchExpected = 0, mismatchActual = 0;
                bool offering = false, timeout = false;
                uint32_t inWords[kWords] = {0}, outWords[kWords] = {0}, heldWords[kWords] = {0};
                bool held = false, heldLast = false;
                uint32_t heldUser = 0;
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
                    const bool draining = outBeats >= totalOut;
                    top->m_axis_tready = draining || !random.chance(run.stall);

                    bool inFire = false, outFire = false;
                    sim.clock([&] {
                        inFire = top->s_axis_tvalid && top->s_axis_tready;
                        if (!top->m_axis_tvalid) {
                            if (held) ++axiViolations;  // valid dropped before the beat was taken
                            held = false;
                            return;
                        }
                        fromPort(top->m_axis_tdata, outWords);
                        if (held) {  // the beat offered last clock and not taken must be unchanged
                            bool same = heldLast == static_cast<bool>(top->m_axis_tlast) && heldUser == top->m_axis_tuser;
                            for (int i = 0; i < kWords; ++i) same = same && heldWords[i] == outWords[i];
                            if (!same) ++axiViolations;
                        }
                        outFire = top->m_axis_tready;
                        held = !outFire;
                        if (held) {
                            std::memcpy(heldWords, outWords, sizeof outWords);
                            heldLast = top->m_axis_tlast;
                            heldUser = static_cast<uint32_t>(top->m_axis_tuser);
                        }
                        if (!outFire) return;
                        if (outBeats >= totalOut) {
                            ++extraBeats;
                            return;
                        }
                        const StimulusExpectedBlock& b = blocks[outBeats / 8];
                        const int row = static_cast<int>(outBeats % 8);
                        for (int k = 0; b.check && k < 8; ++k) {
                            const int index = row * 8 + k;
                            const int64_t actual = getLane(outWords, k);
                            if (actual != b.expected[index]) {
                                if (mismatches == 0) {
                                    mismatchBlock = static_cast<int64_t>(outBeats / 8);
                                    mismatchIndex = index;
                                    mismatchExpected = b.expected[index];
                                    mismatchActual = actual;
                                }
                                ++mismatches;
                            }
                        }
                        if (static_cast<bool>(top->m_axis_tlast) != (row == 7)) ++tlastErrors;
                        if (top->m_axis_tuser != (row == 0 ? b.user : 0u)) ++tuserErrors;
                    });
                    if (inFire) {
                        if (firstIn < 0) firstIn = static_cast<int64_t>(cycle);
                        lastIn = static_cast<int64_t>(cycle);
                        offering = false;
                        ++nextIn;
                    } else if (offering) {
                        ++refused;
                    }
                    if (outFire && outBeats < totalOut) {
                        if (firstOut < 0) firstOut = static_cast<int64_t>(cycle);
                        lastOut = static_cast<int64_t>(cycle);
                        ++outBeats;
                        if (outBeats % 8 == 0) ++blocksDone;
                    }
                    ++cycle;
                    quiet = (inFire || outFire) ? 0 : quiet + 1;
                    if ((cycle & 0xFFFF) == 0) {
                        progress.cycles += 0x10000;
                        progress.update(blocksDone);
                    }
                    // After the last beat each way, watch a while longer for beats that should not exist.
                    if (outBeats >= totalOut && nextIn >= totalIn && ++drain > 256) break;
                    if (quiet > \#(CosimHarness.quietLimit)) {
                        timeout = true;
                        break;
                    }
                }
                progress.cycles += cycle & 0xFFFF;
                const double elapsed = seconds(start);
                const bool frameError = top->frame_error, framing = top->framing_error;
                if (mismatches || tlastErrors || tuserErrors || axiViolations || extraBeats || timeout || framing ||
                    frameError != (job.frame_error != 0) || outBeats != totalOut || nextIn != totalIn)
                    ++failures;
                std::fprintf(results,
                             "run job=%u run=%u stall=%.17g seed=%" PRIu64 " width=%u height=%u chroma=%u blocks=%u"
                             " in_beats=%" PRIu64 " expected_in_beats=%" PRIu64 " refused=%" PRIu64 " out_beats=%" PRIu64
                             " expected_out_beats=%" PRIu64 " mismatches=%" PRIu64 " mismatch_block=%" PRId64
                             " mismatch_index=%" PRId64 " mismatch_expected=%" PRId64 " mismatch_actual=%" PRId64
                             " tlast_errors=%" PRIu64 " tuser_errors=%" PRIu64 " axi_violations=%" PRIu64
                             " extra_beats=%" PRIu64 " frame_error=%d expected_frame_error=%u framing_error=%d timeout=%d"
                             " cycles=%" PRIu64 " first_in=%" PRId64 " last_in=%" PRId64 " first_out=%" PRId64
                             " last_out=%" PRId64 " seconds=%.6f\n",
                             j, r, run.stall, run.seed, job.width, job.height, job.chroma, job.blocks, nextIn, totalIn, refused,
                             outBeats, totalOut, mismatches, mismatchBlock, mismatchIndex, mismatchExpected, mismatchActual,
                             tlastErrors, tuserErrors, axiViolations, extraBeats, frameError ? 1 : 0, job.frame_error,
                             framing ? 1 : 0, timeout ? 1 : 0, static_cast<uint64_t>(lastOut + 1), firstIn, lastIn, firstOut, lastOut, elapsed);
                std::fflush(results);
            }
        }
        progress.update(blocksDone, true);
        sim.close();
        if (results != stdout) std::fclose(results);
        std::fclose(in);
        return failures ? 1 : 0;
    }

    """#
}
