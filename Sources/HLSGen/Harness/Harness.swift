import Hardware

/// The co-simulation harness: one C++ main loop (reset, table writes through qt_*, the beats of every
/// block with tuser and tlast, seeded SplitMix64 stalls, every output beat checked against the golden
/// model's values and the AXI4-Stream rules, clocks counted, one results line per run) that reads the
/// stimulus file (`StimulusFormat`, its reader printed from the same description as the writer), over
/// a small port adapter: Verilator's `Vcore` (fields and `eval`), or an HLS step function printed by
/// `HLSPrinter` (a struct of ports, one call per clock). Both adapters sample the outputs of a clock
/// before its rising edge, so the same stimulus gives the same results line, clock for clock.
public enum CosimHarness {
    /// The harness gives up after this many clocks in a row with no beat in or out (`timeout`).
    public static let quietLimit = 100_000

    /// The Verilator harness (`rtl-sim/cosim_harness.cpp`): built with -DFXC_LANES and -DFXC_LANE_BITS.
    public static let verilatorFileName = "cosim_harness.cpp"

    public static var verilator: String {
        text(usage: verilatorUsage, definitions: "", adapter: verilatorAdapter)
    }

    /// The C-simulation testbench of `module` (an HLS step function with the core's ports, printed by
    /// `HLSPrinter` and declared in `header`, relative to the testbench): `lanes` values per beat of
    /// `laneBits` bits in the stimulus; a module without a `mode` input runs only jobs of `fixedMode`.
    public static func hls(_ module: Module, header: String, lanes: Int, laneBits: Int, fixedMode: Int?) throws -> String {
        let usage = """
            // C-simulation testbench: drives the HLS function \(module.name) (one call is one clock), with the
            // loop, checks and results of the Verilator harness (cosim_harness.cpp), from the same stimulus file.
            // Build: g++ -std=c++14 -O1 -isystem AP_TYPES src/\(module.name).cpp tb/\(module.name)_tb.cpp
            // Run:   \(module.name)_tb --stimulus FILE [--results FILE] [--dump FILE] [--progress]
            """
        let definitions = "#define FXC_LANES \(lanes)\n#define FXC_LANE_BITS \(laneBits)\n"
        return text(usage: usage, definitions: definitions,
                    adapter: try hlsAdapter(module, header: header, lanes: lanes, laneBits: laneBits, fixedMode: fixedMode))
    }

    static func text(usage: String, definitions: String, adapter: String) -> String {
        let format = StimulusFormat.description.map { "// " + $0 }.joined(separator: "\n")
        return usage + "\n" + #"""
        //
        \#(format)
        // Every run of a job resets the core, writes the tables if asked, and streams all the job's blocks.
        // Stalls: with probability P an input beat is not offered in a clock (once offered it is held until
        // taken, as AXI4-Stream requires), and independently m_axis_tready is low in a clock.
        // Results: one line per run, "run key=value ..." (to --results FILE, else stdout); exit 1 when a run
        // failed a check. --dump writes every output value (i32) in order.

        """# + definitions + common + adapter + "\n" + StimulusFormat.cppReader + loop
    }

    static let verilatorUsage = """
        // Verilator co-simulation harness for the fxcodec streaming core (fxc_core_x8 or fxc_core_x1, mode at
        // run time). Built by `fxcodec cosim` as
        //   verilator --cc --exe --build -O3 --x-assign fast --x-initial fast --noassert -j 2
        //     --top-module fxc_core_x8 --prefix Vcore -CFLAGS -DFXC_LANES=8 -CFLAGS -DFXC_LANE_BITS=16
        //     fxc_*.v (the kernels, transposes and core) cosim_harness.cpp
        // (add --trace and -CFLAGS -DFXC_TRACE for a VCD). Run:
        //   Vcore --stimulus FILE [--results FILE] [--dump FILE] [--progress] [--trace FILE.vcd]
        """

    /// Includes, the stream constants and the lane helpers every adapter shares.
    static let common = #"""
    #include <chrono>
    #include <cinttypes>
    #include <cstddef>
    #include <cstdint>
    #include <cstdio>
    #include <cstdlib>
    #include <cstring>
    #include <vector>

    #ifndef FXC_LANES
    #error "define FXC_LANES (1 or 8)"
    #endif
    #ifndef FXC_LANE_BITS
    #error "define FXC_LANE_BITS (bits of one tdata lane)"
    #endif

    static const int kLanes = FXC_LANES;
    static const int kLaneBits = FXC_LANE_BITS;
    static const int kBeatsPerBlock = 64 / kLanes;
    static const int kWords = (kLanes * kLaneBits + 31) / 32 + 2;  // tdata words, plus room for 64-bit windows

    // Bits [pos, pos + bits) of 32-bit words, bits <= 32, through a 64-bit window.
    static inline uint64_t bitsAt(const uint32_t* w, int pos, int bits) {
        const int word = pos / 32, shift = pos % 32;
        const uint64_t window = static_cast<uint64_t>(w[word]) | (static_cast<uint64_t>(w[word + 1]) << 32);
        return (window >> shift) & ((uint64_t(1) << bits) - 1);
    }

    static inline void putBits(uint32_t* w, int pos, int bits, uint64_t value) {
        const int word = pos / 32, shift = pos % 32;
        const uint64_t mask = ((uint64_t(1) << bits) - 1) << shift;
        uint64_t window = static_cast<uint64_t>(w[word]) | (static_cast<uint64_t>(w[word + 1]) << 32);
        window = (window & ~mask) | ((value << shift) & mask);
        w[word] = static_cast<uint32_t>(window);
        w[word + 1] = static_cast<uint32_t>(window >> 32);
    }

    static inline void putLane(uint32_t* w, int lane, int64_t value) {
        putBits(w, lane * kLaneBits, kLaneBits, static_cast<uint64_t>(value));
    }

    // A lane as a kLaneBits-bit two's complement number (samples have their upper bits 0).
    static inline int64_t getLane(const uint32_t* w, int lane) {
        const uint64_t v = bitsAt(w, lane * kLaneBits, kLaneBits);
        const uint64_t sign = uint64_t(1) << (kLaneBits - 1);
        return static_cast<int64_t>(v ^ sign) - static_cast<int64_t>(sign);
    }

    // SplitMix64: small, fast, seeded.
    struct Random {
        uint64_t state;
        uint64_t next() {
            uint64_t z = (state += 0x9E3779B97F4A7C15ull);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            return z ^ (z >> 31);
        }
        bool chance(double p) { return p > 0 && static_cast<double>(next() >> 11) / 9007199254740992.0 < p; }  // 53 bits / 2^53
    };

    static FILE* openOrDie(const char* path, const char* how) {
        FILE* f = std::fopen(path, how);
        if (!f) {
            std::fprintf(stderr, "harness: cannot open %s\n", path);
            std::exit(2);
        }
        return f;
    }

    static double seconds(std::chrono::steady_clock::time_point since) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
    }

    struct Progress {
        bool enabled = false, shown = false;
        uint64_t total = 0, done = 0, cycles = 0;
        std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
        void update(uint64_t blocksDone, bool last = false) {
            if (!enabled) return;
            const double elapsed = seconds(start);
            if (!shown && elapsed < 2.0 && !last) return;
            if (!shown && last) return;
            shown = true;
            const double fraction = total ? static_cast<double>(blocksDone) / total : 1.0;
            char bar[31];
            const int filled = static_cast<int>(fraction * 30);
            for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
            bar[30] = 0;
            std::fprintf(stderr, "\rcosim [%s] %3d%%  %.3g Mcycles  %.2f Mcycles/s", bar, static_cast<int>(fraction * 100),
                         cycles / 1e6, elapsed > 0 ? cycles / elapsed / 1e6 : 0.0);
            if (last) std::fprintf(stderr, "\n");
            std::fflush(stderr);
        }
    };

    """#

    /// Verilator: the ports are `Vcore`'s fields; a clock is the falling edge (outputs settle), the
    /// sample, then the rising edge.
    static let verilatorAdapter = #"""
    // ---- Port adapter: the Verilated model ----
    #include "Vcore.h"
    #include "verilated.h"
    #ifdef FXC_TRACE
    #include "verilated_vcd_c.h"
    #endif

    typedef Vcore Ports;
    static const int kFixedMode = -1;  // the mode is an input

    // Ports narrower than 65 bits are integers; wider ones are VlWide arrays of 32-bit words.
    template <typename T> static inline void toPort(T& port, const uint32_t* w) {
        port = static_cast<T>(static_cast<uint64_t>(w[0]) | (static_cast<uint64_t>(w[1]) << 32));
    }
    template <std::size_t N> static inline void toPort(VlWide<N>& port, const uint32_t* w) {
        for (std::size_t i = 0; i < N; ++i) port[i] = w[i];
    }
    template <typename T> static inline void fromPort(const T& port, uint32_t* w) {
        const uint64_t v = static_cast<uint64_t>(port);
        w[0] = static_cast<uint32_t>(v);
        w[1] = static_cast<uint32_t>(v >> 32);
    }
    template <std::size_t N> static inline void fromPort(const VlWide<N>& port, uint32_t* w) {
        for (std::size_t i = 0; i < N; ++i) w[i] = port[i];
    }

    struct Simulator {
        VerilatedContext* context = nullptr;
        Vcore* top = nullptr;
    #ifdef FXC_TRACE
        VerilatedVcdC* trace = nullptr;
    #endif
        uint64_t time = 0;

        // The model, tracing to `tracePath` when given; false when this build cannot trace.
        bool open(const char* tracePath) {
            context = new VerilatedContext;
            top = new Vcore{context};
    #ifdef FXC_TRACE
            if (tracePath) {
                context->traceEverOn(true);
                trace = new VerilatedVcdC;
                top->trace(trace, 99);
                trace->open(tracePath);
            }
            return true;
    #else
            return tracePath == nullptr;
    #endif
        }

        void close() {
    #ifdef FXC_TRACE
            if (trace) trace->close();
    #endif
            top->final();
            delete top;
            delete context;
        }

        // One clock: inputs already set, falling edge (outputs settle), then `sample`, then the rising edge.
        template <typename F> void clock(F sample) {
            top->aclk = 0;
            top->eval();
    #ifdef FXC_TRACE
            if (trace) trace->dump(time);
    #endif
            sample();
            top->aclk = 1;
            top->eval();
    #ifdef FXC_TRACE
            if (trace) trace->dump(time + 1);
    #endif
            time += 2;
        }
        void idle(int clocks) {
            for (int i = 0; i < clocks; ++i) clock([] {});
        }
    };

    """#

    static let loop = #"""
    // ---- The loop ----
    """# + "\n" + #"""
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
        FILE* dump = dumpPath ? openOrDie(dumpPath, "wb") : nullptr;
        StimulusHeader header;
        read(in, header);
        if (std::memcmp(header.magic, "FXCS", 4) != 0 || header.version != kStimulusVersion) {
            std::fprintf(stderr, "harness: %s is not an fxcodec stimulus file (version %u)\n", stimulusPath, kStimulusVersion);
            return 2;
        }
        const uint32_t jobs = header.jobs;
        progress.total = header.block_runs;
        if ((header.lanes != kAnyLanes && header.lanes != static_cast<uint32_t>(kLanes)) ||
            header.lane_bits != static_cast<uint32_t>(kLaneBits)) {
            std::fprintf(stderr, "harness: stimulus is for %u lanes of %u bits, this build is %d x %d\n", header.lanes,
                         header.lane_bits, kLanes, kLaneBits);
            return 2;
        }

        Simulator sim;
        if (!sim.open(tracePath)) {
            std::fprintf(stderr, "harness: this build has no tracing (a Verilator build with --trace has)\n");
            return 2;
        }
        Ports* top = sim.top;
        uint64_t blocksDone = 0;
        int failures = 0;

        for (uint32_t j = 0; j < jobs; ++j) {
            StimulusJob job;
            read(in, job);
            const uint32_t mode = job.mode, runCount = job.runs, blockCount = job.blocks;
            std::vector<StimulusRun> runs(runCount);
            for (auto& r : runs) read(in, r);
            std::vector<uint64_t> table(job.write_tables ? 128 : 0);
            for (auto& t : table) {
                StimulusTableWord word;
                read(in, word);
                t = word.qt_data;
            }
            std::vector<StimulusBlock> blocks(blockCount);
            for (auto& b : blocks) read(in, b);
            // A top with its mode tied runs only that mode's jobs: the others are listed, not run.
            if (kFixedMode >= 0 && mode != static_cast<uint32_t>(kFixedMode)) {
                std::fprintf(results, "skip job=%u mode=%u tied_mode=%d\n", j, mode, kFixedMode);
                continue;
            }

            for (uint32_t r = 0; r < runCount; ++r) {
                const StimulusRun run = runs[r];
                Random random{run.seed};
                // Reset, mode, tables.
                top->aresetn = 0;
                top->mode = mode;
                top->s_axis_tvalid = 0;
                top->m_axis_tready = 0;
                top->qt_we = 0;
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

                const uint64_t totalBeats = static_cast<uint64_t>(blockCount) * kBeatsPerBlock;
                uint64_t nextIn = 0, outBeats = 0, mismatches = 0, tlastErrors = 0, tuserErrors = 0, axiViolations = 0;
                uint64_t extraBeats = 0;
                int64_t firstIn = -1, lastIn = -1, firstOut = -1, lastOut = -1;
                int64_t mismatchBlock = -1, mismatchIndex = -1, mismatchExpected = 0, mismatchActual = 0;
                bool offering = false, timeout = false;
                uint32_t inWords[kWords] = {0}, outWords[kWords] = {0}, heldWords[kWords] = {0};
                bool held = false, heldLast = false;
                uint32_t heldUser = 0;
                uint64_t cycle = 0, quiet = 0, drain = 0;
                const auto start = std::chrono::steady_clock::now();
                std::vector<int32_t> dumped;

                while (true) {
                    // Input beat: offered with probability 1 - P, then held until taken.
                    if (!offering && nextIn < totalBeats && !random.chance(run.stall)) {
                        offering = true;
                        const StimulusBlock& b = blocks[nextIn / kBeatsPerBlock];
                        const int first = static_cast<int>(nextIn % kBeatsPerBlock) * kLanes;
                        for (int k = 0; k < kLanes; ++k) putLane(inWords, k, b.in[first + k]);
                        toPort(top->s_axis_tdata, inWords);
                        top->s_axis_tlast = (nextIn % kBeatsPerBlock) == static_cast<uint64_t>(kBeatsPerBlock - 1);
                        top->s_axis_tuser = (nextIn % kBeatsPerBlock) == 0 ? b.user : 0;
                    }
                    top->s_axis_tvalid = offering;
                    const bool draining = outBeats >= totalBeats;
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
                            heldUser = top->m_axis_tuser;
                        }
                        if (!outFire) return;
                        if (outBeats >= totalBeats) {
                            ++extraBeats;
                            return;
                        }
                        const StimulusBlock& b = blocks[outBeats / kBeatsPerBlock];
                        const int beat = static_cast<int>(outBeats % kBeatsPerBlock);
                        for (int k = 0; k < kLanes; ++k) {
                            const int index = beat * kLanes + k;
                            const int64_t actual = getLane(outWords, k);
                            if (dump) dumped.push_back(static_cast<int32_t>(actual));
                            if (actual != b.expected[index]) {
                                if (mismatches == 0) {
                                    mismatchBlock = static_cast<int64_t>(outBeats / kBeatsPerBlock);
                                    mismatchIndex = index;
                                    mismatchExpected = b.expected[index];
                                    mismatchActual = actual;
                                }
                                ++mismatches;
                            }
                        }
                        if (static_cast<bool>(top->m_axis_tlast) != (beat == kBeatsPerBlock - 1)) ++tlastErrors;
                        const uint32_t user = beat == 0 ? b.user : 0;
                        if (top->m_axis_tuser != user) ++tuserErrors;
                    });
                    if (inFire) {
                        if (firstIn < 0) firstIn = static_cast<int64_t>(cycle);
                        lastIn = static_cast<int64_t>(cycle);
                        offering = false;
                        ++nextIn;
                    }
                    if (outFire && outBeats < totalBeats) {
                        if (firstOut < 0) firstOut = static_cast<int64_t>(cycle);
                        lastOut = static_cast<int64_t>(cycle);
                        ++outBeats;
                        if (outBeats % kBeatsPerBlock == 0) ++blocksDone;
                    }
                    ++cycle;
                    quiet = (inFire || outFire) ? 0 : quiet + 1;
                    if ((cycle & 0xFFFF) == 0) {
                        progress.cycles += 0x10000;
                        progress.update(blocksDone);
                    }
                    // After the last expected beat, watch a while longer for beats that should not exist.
                    if (outBeats >= totalBeats && ++drain > 256) break;
                    if (quiet > \#(quietLimit)) {
                        timeout = true;
                        break;
                    }
                }
                progress.cycles += cycle & 0xFFFF;
                const double elapsed = seconds(start);
                if (dump && !dumped.empty()) std::fwrite(dumped.data(), sizeof(int32_t), dumped.size(), dump);
                const bool framing = top->framing_error;
                if (mismatches || tlastErrors || tuserErrors || axiViolations || extraBeats || timeout || framing) ++failures;
                std::fprintf(results,
                             "run job=%u run=%u mode=%u stall=%.17g seed=%" PRIu64 " blocks=%u in_beats=%" PRIu64
                             " out_beats=%" PRIu64 " expected_beats=%" PRIu64 " mismatches=%" PRIu64
                             " mismatch_block=%" PRId64 " mismatch_index=%" PRId64 " mismatch_expected=%" PRId64
                             " mismatch_actual=%" PRId64 " tlast_errors=%" PRIu64 " tuser_errors=%" PRIu64
                             " axi_violations=%" PRIu64 " framing_error=%d extra_beats=%" PRIu64 " timeout=%d"
                             " cycles=%" PRIu64 " first_in=%" PRId64 " last_in=%" PRId64 " first_out=%" PRId64
                             " last_out=%" PRId64 " seconds=%.6f\n",
                             j, r, mode, run.stall, run.seed, blockCount, nextIn, outBeats, totalBeats, mismatches,
                             mismatchBlock, mismatchIndex, mismatchExpected, mismatchActual, tlastErrors, tuserErrors,
                             axiViolations, framing ? 1 : 0, extraBeats, timeout ? 1 : 0,
                             static_cast<uint64_t>(lastOut + 1), firstIn, lastIn, firstOut, lastOut, elapsed);
                std::fflush(results);
            }
        }
        progress.update(blocksDone, true);
        sim.close();
        if (results != stdout) std::fclose(results);
        if (dump) std::fclose(dump);
        std::fclose(in);
        return failures ? 1 : 0;
    }

    """#

    /// The port names the loop drives and reads; every other port of a step function is an error.
    static let scalarInputs = ["aresetn", "mode", "s_axis_tvalid", "s_axis_tlast", "s_axis_tuser", "m_axis_tready",
                               "qt_we", "qt_table", "qt_addr", "qt_data"]
    static let scalarOutputs = ["s_axis_tready", "m_axis_tvalid", "m_axis_tlast", "m_axis_tuser", "framing_error"]

    /// HLS: the ports are a struct of plain integers (tdata as 32-bit words in the core's lane layout);
    /// a clock is one call of the function with the ports as its arguments, then the sample. A top whose
    /// lanes are narrower than the core's (8-bit samples) takes each lane's low bits, and gives its
    /// lanes zero-extended.
    static func hlsAdapter(_ m: Module, header: String, lanes: Int, laneBits: Int, fixedMode: Int?) throws -> String {
        let inputs = Dictionary(uniqueKeysWithValues: m.inputs.map { ($0.name, $0) })
        let outputs = Dictionary(uniqueKeysWithValues: m.outputs.map { ($0.name, $0) })
        for p in m.inputs where !(scalarInputs + ["s_axis_tdata"]).contains(p.name) {
            throw HLSGenError("\(m.name): input \(p.name) is not a port of the core the harness drives")
        }
        for name in scalarInputs + ["s_axis_tdata"] where inputs[name] == nil && name != "mode" {
            throw HLSGenError("\(m.name) has no input \(name), which the harness drives")
        }
        for name in scalarOutputs + ["m_axis_tdata"] where outputs[name] == nil {
            throw HLSGenError("\(m.name) has no output \(name), which the harness reads")
        }
        guard (inputs["mode"] == nil) == (fixedMode != nil) else {
            throw HLSGenError("\(m.name): a top has a mode input or a tied mode, not both")
        }
        let inData = inputs["s_axis_tdata"]!, outData = outputs["m_axis_tdata"]!
        let inBits = inData.totalWidth / lanes, outBits = outData.totalWidth / lanes
        guard inData.totalWidth == lanes * inBits, outData.totalWidth == lanes * outBits, inBits <= laneBits, outBits <= laneBits,
              laneBits <= 32, (m.inputs + m.outputs).allSatisfy({ $0.name.hasSuffix("tdata") || $0.totalWidth <= 64 }) else {
            throw HLSGenError("\(m.name): tdata of \(inData.totalWidth) and \(outData.totalWidth) bits do not fit \(lanes) lanes of \(laneBits)")
        }
        var s = "// ---- Port adapter: the HLS function \(m.name), one call per clock ----\n"
        s += HLSPrinter.include("ap_int.h").joined(separator: "\n") + "\n"
        s += "#include \"\(header)\"\n\n"
        s += "static const int kFixedMode = \(fixedMode ?? -1);\(fixedMode == nil ? "  // the mode is an input" : "  // the top's mode is tied")\n\n"
        s += "struct Words {\n    uint32_t w[kWords];\n};\n\n"
        s += "// The ports the loop drives and reads (those of the core; a top without `mode` ignores it).\nstruct Ports {\n"
        for name in scalarInputs + scalarOutputs {
            let width = (inputs[name] ?? outputs[name])?.totalWidth ?? 2
            s += "    \(width > 32 ? "uint64_t" : "uint32_t") \(name);\n"
        }
        s += "    Words s_axis_tdata, m_axis_tdata;\n};\n\n"
        s += """
            static inline void toPort(uint64_t& port, const uint32_t* w) { port = static_cast<uint64_t>(w[0]) | (static_cast<uint64_t>(w[1]) << 32); }
            static inline void toPort(uint32_t& port, const uint32_t* w) { port = w[0]; }
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
                    ap_uint<\(inData.totalWidth)> in_data = 0;
                    for (int k = 0; k < kLanes; ++k)
                        in_data.range(\(inBits) * k + \(inBits - 1), \(inBits) * k) = bitsAt(ports.s_axis_tdata.w, k * kLaneBits, \(inBits));

            """
        var arguments: [String] = []
        for p in m.inputs {
            arguments.append(p.name == "s_axis_tdata" ? "in_data" : "ap_uint<\(p.totalWidth)>(ports.\(p.name))")
        }
        for p in m.outputs {
            s += "        ap_uint<\(p.totalWidth)> out_\(p.name) = 0;\n"
            arguments.append("out_\(p.name)")
        }
        s += "        \(m.name)(\(arguments.joined(separator: ", ")));\n"
        for name in scalarOutputs { s += "        ports.\(name) = out_\(name).to_uint64();\n" }
        s += """
                    for (int k = 0; k < kLanes; ++k)
                        putBits(ports.m_axis_tdata.w, k * kLaneBits, kLaneBits, out_m_axis_tdata.range(\(outBits) * k + \(outBits - 1), \(outBits) * k).to_uint64());
                    sample();
                }
                void idle(int clocks) {
                    for (int i = 0; i < clocks; ++i) clock([] {});
                }
            };

            """
        return s
    }
}
