/// The Verilator harness: C++ that drives `fxc_core_x8` or `fxc_core_x1` (mode at run time) from a
/// stimulus file, checks every output beat against the golden model's expected values, checks the
/// AXI4-Stream rules, injects seeded random stalls, and counts clocks. Written out beside the RTL
/// (`rtl-sim/cosim_harness.cpp`) and into each build folder, with the provenance header.
enum HarnessSource {
    static let fileName = "cosim_harness.cpp"

    static let text = #"""
// Verilator co-simulation harness for the fxcodec streaming core (fxc_core_x8 or fxc_core_x1, mode at
// run time). Built by `fxcodec cosim` as
//   verilator --cc --exe --build -O3 --x-assign fast --x-initial fast --noassert -j 2
//     --top-module fxc_core_x8 --prefix Vcore -CFLAGS -DFXC_LANES=8 -CFLAGS -DFXC_LANE_BITS=16
//     fxc_*.v (the kernels, transposes and core) cosim_harness.cpp
// (add --trace and -CFLAGS -DFXC_TRACE for a VCD). Run:
//   Vcore --stimulus FILE --results FILE [--dump FILE] [--progress] [--trace FILE.vcd]
//
// Stimulus, little-endian: "FXCS", u32 version (1), u32 lanes, u32 lane bits, u32 jobs, u64 block runs
// (sum of blocks x runs, for the progress bar); then per job:
//   u32 mode (0 encode, 1 decode, 2 roundtrip), u32 write tables (0: keep the reset tables), u32 runs,
//   u32 blocks; runs x {f64 stall probability, u64 seed}; if write tables: 128 x u64 qt_data words
//   (table 0 addresses 0..63, then table 1); blocks x {u8 tuser (bit 0 start of frame, bit 1 table),
//   3 zero bytes, 64 x i32 input, 64 x i32 expected output}, values in raster order within the block.
// Every run of a job resets the core, writes the tables if asked, and streams all the job's blocks.
// Stalls: with probability P an input beat is not offered in a clock (once offered it is held until
// taken, as AXI4-Stream requires), and independently m_axis_tready is low in a clock.
// Results: one line per run, "run key=value ...". --dump writes every output value (i32) in order.
#include "Vcore.h"
#include "verilated.h"
#ifdef FXC_TRACE
#include "verilated_vcd_c.h"
#endif
#include <chrono>
#include <cinttypes>
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

static inline void putLane(uint32_t* w, int lane, int64_t value) {
    const int pos = lane * kLaneBits, word = pos / 32, shift = pos % 32;
    const uint64_t mask = ((uint64_t(1) << kLaneBits) - 1) << shift;
    uint64_t window = static_cast<uint64_t>(w[word]) | (static_cast<uint64_t>(w[word + 1]) << 32);
    window = (window & ~mask) | ((static_cast<uint64_t>(value) << shift) & mask);
    w[word] = static_cast<uint32_t>(window);
    w[word + 1] = static_cast<uint32_t>(window >> 32);
}

// A lane as a kLaneBits-bit two's complement number (samples have their upper bits 0).
static inline int64_t getLane(const uint32_t* w, int lane) {
    const int pos = lane * kLaneBits, word = pos / 32, shift = pos % 32;
    const uint64_t window = static_cast<uint64_t>(w[word]) | (static_cast<uint64_t>(w[word + 1]) << 32);
    const uint64_t v = (window >> shift) & ((uint64_t(1) << kLaneBits) - 1);
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
    bool chance(double p) { return p > 0 && static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
};

struct Block {
    uint8_t user;
    int32_t in[64];
    int32_t expected[64];
};

struct Run {
    double stall;
    uint64_t seed;
};

static FILE* openOrDie(const char* path, const char* how) {
    FILE* f = std::fopen(path, how);
    if (!f) {
        std::fprintf(stderr, "cosim: cannot open %s\n", path);
        std::exit(2);
    }
    return f;
}

static void readOrDie(FILE* f, void* to, std::size_t bytes) {
    if (std::fread(to, 1, bytes, f) != bytes) {
        std::fprintf(stderr, "cosim: stimulus file is truncated\n");
        std::exit(2);
    }
}

static uint32_t readU32(FILE* f) {
    uint8_t b[4];
    readOrDie(f, b, 4);
    return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<uint32_t>(b[3]) << 24);
}

static uint64_t readU64(FILE* f) {
    const uint64_t lo = readU32(f);
    return lo | (static_cast<uint64_t>(readU32(f)) << 32);
}

static double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

struct Simulator {
    VerilatedContext* context;
    Vcore* top;
#ifdef FXC_TRACE
    VerilatedVcdC* trace = nullptr;
#endif
    uint64_t time = 0;

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
            std::fprintf(stderr, "usage: %s --stimulus FILE --results FILE [--dump FILE] [--progress] [--trace FILE]\n", argv[0]);
            return 2;
        }
    }
    if (!stimulusPath || !resultsPath) {
        std::fprintf(stderr, "cosim: --stimulus and --results are required\n");
        return 2;
    }
    FILE* in = openOrDie(stimulusPath, "rb");
    FILE* results = openOrDie(resultsPath, "w");
    FILE* dump = dumpPath ? openOrDie(dumpPath, "wb") : nullptr;
    char magic[4];
    readOrDie(in, magic, 4);
    if (std::memcmp(magic, "FXCS", 4) != 0 || readU32(in) != 1) {
        std::fprintf(stderr, "cosim: %s is not an fxcodec stimulus file (version 1)\n", stimulusPath);
        return 2;
    }
    const uint32_t lanes = readU32(in), laneBits = readU32(in), jobs = readU32(in);
    progress.total = readU64(in);
    if (lanes != static_cast<uint32_t>(kLanes) || laneBits != static_cast<uint32_t>(kLaneBits)) {
        std::fprintf(stderr, "cosim: stimulus is for %u lanes of %u bits, this build is %d x %d\n", lanes, laneBits,
                     kLanes, kLaneBits);
        return 2;
    }

    Simulator sim;
    sim.context = new VerilatedContext;
    sim.top = new Vcore{sim.context};
#ifdef FXC_TRACE
    if (tracePath) {
        sim.context->traceEverOn(true);
        sim.trace = new VerilatedVcdC;
        sim.top->trace(sim.trace, 99);
        sim.trace->open(tracePath);
    }
#else
    if (tracePath) {
        std::fprintf(stderr, "cosim: this build has no tracing (build with --trace)\n");
        return 2;
    }
#endif
    Vcore* top = sim.top;
    uint64_t blocksDone = 0;
    int failures = 0;

    for (uint32_t j = 0; j < jobs; ++j) {
        const uint32_t mode = readU32(in), writeTables = readU32(in), runCount = readU32(in), blockCount = readU32(in);
        std::vector<Run> runs(runCount);
        for (auto& r : runs) {
            uint64_t bits = readU64(in);
            std::memcpy(&r.stall, &bits, 8);
            r.seed = readU64(in);
        }
        std::vector<uint64_t> table(writeTables ? 128 : 0);
        for (auto& t : table) t = readU64(in);
        std::vector<Block> blocks(blockCount);
        for (auto& b : blocks) {
            uint8_t head[4];
            readOrDie(in, head, 4);
            b.user = head[0];
            readOrDie(in, b.in, sizeof b.in);
            readOrDie(in, b.expected, sizeof b.expected);
        }

        for (uint32_t r = 0; r < runCount; ++r) {
            const Run run = runs[r];
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
                    const Block& b = blocks[nextIn / kBeatsPerBlock];
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
                    const Block& b = blocks[outBeats / kBeatsPerBlock];
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
                if (quiet > \#(CosimRunResult.quietLimit)) {
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
#ifdef FXC_TRACE
    if (sim.trace) sim.trace->close();
#endif
    sim.top->final();
    delete sim.top;
    delete sim.context;
    std::fclose(results);
    if (dump) std::fclose(dump);
    std::fclose(in);
    return failures ? 1 : 0;
}

"""#
}
