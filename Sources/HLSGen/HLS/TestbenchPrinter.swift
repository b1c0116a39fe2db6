/// Prints `tb/fxcodec_tb.cpp`: a testbench that reads golden vectors (see `GoldenVectorFile`), runs
/// every block through each compiled top whose mode matches the section, and compares every output
/// value and the tuser/tlast flags. It is C++14 with the standard library (testbench only).
struct TestbenchPrinter {
    let core: CorePrinter
    let tops: [HLSTop]
    let banner: String

    func source() -> String {
        var s = banner
        s += """

        // Testbench: golden vectors from the Swift model in; every output value and the tuser/tlast flags
        // compared. main returns 0 on pass, 1 on any mismatch (the first is printed with its place),
        // 2 when the vectors cannot be used.
        //   usage: fxcodec_tb [VECTORS] [--lanes 1|8] [--quiet]      (VECTORS defaults to vectors.bin)
        // Each section runs through every compiled top of its mode (both lane counts unless --lanes).
        // Tops compiled in: \(tops.map(\.name).joined(separator: ", ")).
        //
        \(GoldenVectorFile.formatDescription.map { "// " + $0 }.joined(separator: "\n"))

        #include "../src/fxcodec.h"

        #include <chrono>
        #include <cstdint>
        #include <cstdio>
        #include <cstdlib>
        #include <cstring>
        #include <vector>

        namespace {

        const char* const mode_names[3] = {"encode", "decode", "roundtrip"};

        struct section {
            int mode;
            unsigned tag;
            long blocks;
            int32_t divisor[64], reciprocal[64], correction[64], shift[64];
            std::vector<int32_t> input, expected;
        };

        // Little-endian reads; `ok` turns false at the first short read.
        struct reader {
            FILE* file;
            bool ok;
            explicit reader(FILE* f) : file(f), ok(f != 0) {}
            bool bytes(void* to, size_t n) {
                ok = ok && fread(to, 1, n, file) == n;
                return ok;
            }
            uint32_t u32() {
                unsigned char b[4] = {0, 0, 0, 0};
                bytes(b, 4);
                return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
            }
            void values(std::vector<int32_t>& to, size_t count, int width) {
                std::vector<unsigned char> raw(count * size_t(width));
                to.assign(count, 0);
                if (!bytes(raw.data(), raw.size())) return;
                for (size_t i = 0; i < count; ++i) {
                    const unsigned char* b = &raw[i * size_t(width)];
                    if (width == 1) to[i] = b[0];
                    else if (width == 2) to[i] = int16_t(uint16_t(b[0] | b[1] << 8));
                    else to[i] = int32_t(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24);
                }
            }
            void table(int32_t* to) {
                for (int i = 0; i < 64; ++i) to[i] = int32_t(u32());
            }
        };

        bool read_section(reader& r, section& s) {
            unsigned char head[4];
            if (!r.bytes(head, 4)) return false;
            s.mode = head[0];
            const int in_width = head[1], out_width = head[2];
            s.tag = r.u32();
            s.blocks = long(r.u32());
            r.table(s.divisor);
            r.table(s.reciprocal);
            r.table(s.correction);
            r.table(s.shift);
            const bool widths_ok = (in_width == 1 || in_width == 2 || in_width == 4) &&
                                   (out_width == 1 || out_width == 2 || out_width == 4);
            if (!r.ok || s.mode > 2 || !widths_ok) return false;
            r.values(s.input, size_t(s.blocks) * 64, in_width);
            r.values(s.expected, size_t(s.blocks) * 64, out_width);
            return r.ok;
        }

        struct tally {
            long block_runs, mismatched_values, mismatched_blocks, flag_errors;
            bool quiet, reported;
        };

        // What came out of one block: 64 values, and the first beat whose tuser/tlast was wrong (or missing).
        struct block_result {
            int32_t value[64];
            int bad_beat;
            const char* problem;
        };

        void check(const section& s, const char* top, long b, const block_result& out, bool drained, tally& t) {
            const int32_t* expected = &s.expected[size_t(b) * 64];
            int wrong = 0;
            for (int i = 0; i < 64; ++i) {
                if (out.value[i] == expected[i]) continue;
                if (wrong == 0 && !t.reported && !t.quiet) {
                    printf("MISMATCH top=%s mode=%s tag=%u block=%ld index=%d row=%d column=%d expected=%d actual=%d\\n",
                           top, mode_names[s.mode], s.tag, b, i, i / 8, i % 8, int(expected[i]), int(out.value[i]));
                    t.reported = true;
                }
                ++wrong;
            }
            t.mismatched_values += wrong;
            t.mismatched_blocks += wrong > 0;
            if (out.bad_beat >= 0 || !drained) {
                if (t.flag_errors == 0 && !t.quiet)
                    printf("FLAGS top=%s mode=%s tag=%u block=%ld beat=%d problem=%s\\n", top, mode_names[s.mode], s.tag, b,
                           out.bad_beat, drained ? out.problem : "beats left over in a stream");
                ++t.flag_errors;
            }
            ++t.block_runs;
        }

        """
        s += beatHelpers()
        for top in tops { s += runner(top) }
        s += main()
        return s
    }

    /// put_* packs 64 values into beats; take_* unpacks and checks tuser (first beat, as sent) and tlast.
    private func beatHelpers() -> String {
        var s = ""
        var kinds: [(CorePrinter.Lane, Int)] = []
        for top in tops {
            for lane in [top.mode.takesSamples ? CorePrinter.Lane.pixels : .coefficients,
                         top.mode.givesSamples ? CorePrinter.Lane.pixels : .coefficients]
            where !kinds.contains(where: { $0 == (lane, top.lanes) }) {
                kinds.append((lane, top.lanes))
            }
        }
        for (lane, lanes) in kinds {
            let b = core.beat(lane, lanes)
            let container = lane == .pixels ? "pixel_t" : "coefficient_t"
            let w = lane == .pixels ? 8 : core.design.coefficientBits
            let beats = 64 / lanes
            let field = lanes == 1 ? "beat.data" : "beat.data(\(w) * k + \(w - 1), \(w) * k)"
            let value = lanes == 1 ? "values[n]" : "values[n * 8 + k]"
            let loop = lanes == 1 ? "" : "for (int k = 0; k < 8; ++k) "
            let read = lane == .pixels ? "\(field).to_int()" : "\(container)(\(field)).to_int()"
            let target = lanes == 1 ? "out.value[n]" : "out.value[n * 8 + k]"
            s += """
            void put_\(b)(const int32_t* values, bool start_of_frame, hls::stream<\(b)>& in) {
                for (int n = 0; n < \(beats); ++n) {
                    \(b) beat;
                    \(loop){
                        const \(container) lane = \(value);
                        \(field) = lane;
                    }
                    beat.keep = -1;
                    beat.strb = -1;
                    beat.user = start_of_frame && n == 0;
                    beat.last = n == \(beats - 1);
                    beat.id = 0;
                    beat.dest = 0;
                    in.write(beat);
                }
            }

            void take_\(b)(hls::stream<\(b)>& stream, bool start_of_frame, block_result& out) {
                out.bad_beat = -1;
                out.problem = "";
                for (int n = 0; n < \(beats); ++n) {
                    if (stream.empty()) {
                        out.bad_beat = n;
                        out.problem = "missing beat";
                        for (int i = n * \(lanes); i < 64; ++i) out.value[i] = -1;
                        return;
                    }
                    const \(b) beat = stream.read();
                    \(loop){ \(target) = \(read); }
                    const bool user = beat.user == 1, last = beat.last == 1;
                    if (out.bad_beat < 0 && user != (start_of_frame && n == 0)) {
                        out.bad_beat = n;
                        out.problem = "tuser";
                    }
                    if (out.bad_beat < 0 && last != (n == \(beats - 1))) {
                        out.bad_beat = n;
                        out.problem = "tlast";
                    }
                }
            }


            """
        }
        return s
    }

    private func runner(_ top: HLSTop) -> String {
        let fields = core.design.tableFields(for: top.mode)
        let input = core.beat(top.mode.takesSamples ? .pixels : .coefficients, top.lanes)
        let output = core.beat(top.mode.givesSamples ? .pixels : .coefficients, top.lanes)
        let declarations = fields.map { "    \($0.typeName) \($0.name)[64];" }.joined(separator: "\n")
        let copies = fields.map { "\($0.name)[i] = s.\($0.name)[i];" }.joined(separator: " ")
        let args = (["in", "out"] + fields.map(\.name)).joined(separator: ", ")
        return """
        double run_\(top.name)(const section& s, tally& t) {
        \(declarations)
            for (int i = 0; i < 64; ++i) { \(copies) }
            const std::chrono::steady_clock::time_point begin = std::chrono::steady_clock::now();
            for (long b = 0; b < s.blocks; ++b) {
                hls::stream<\(input)> in("in");
                hls::stream<\(output)> out("out");
                put_\(input)(&s.input[size_t(b) * 64], b == 0, in);
                \(top.name)(\(args));
                block_result result;
                take_\(output)(out, b == 0, result);
                check(s, "\(top.name)", b, result, in.empty() && out.empty(), t);
            }
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
        }


        """
    }

    private func main() -> String {
        let count = tops.count
        let runs = tops.enumerated().map { i, top in
            """
                        if (s.mode == \(top.mode.code) && (lanes == 0 || lanes == \(top.lanes))) {
                            seconds[\(i)] += run_\(top.name)(s, t);
                            blocks[\(i)] += s.blocks;
                            ran = true;
                        }
            """
        }.joined(separator: "\n")
        let names = tops.map { "\"\($0.name)\"" }.joined(separator: ", ")
        return """
        }  // namespace

        int main(int argc, char** argv) {
            const char* path = "vectors.bin";
            int lanes = 0;
            tally t = {0, 0, 0, 0, false, false};
            for (int i = 1; i < argc; ++i) {
                if (strcmp(argv[i], "--lanes") == 0 && i + 1 < argc) lanes = atoi(argv[++i]);
                else if (strcmp(argv[i], "--quiet") == 0) t.quiet = true;
                else path = argv[i];
            }
            FILE* file = fopen(path, "rb");
            reader r(file);
            char magic[4] = {0, 0, 0, 0};
            r.bytes(magic, 4);
            const uint32_t version = r.u32();
            std::vector<char> note(r.ok ? r.u32() : 0);
            if (!note.empty()) r.bytes(note.data(), note.size());
            const uint32_t sections = r.u32();
            if (!r.ok || memcmp(magic, "FXCV", 4) != 0 || version != \(GoldenVectorFile.version)) {
                fprintf(stderr, "%s: not an fxcodec vector file (version \(GoldenVectorFile.version))\\n", path);
                return 2;
            }
            const char* const names[\(count)] = {\(names)};
            double seconds[\(count)] = {0};
            long blocks[\(count)] = {0};
            section s;
            for (uint32_t n = 0; n < sections; ++n) {
                if (!read_section(r, s)) {
                    fprintf(stderr, "%s: section %u is truncated or malformed\\n", path, n);
                    return 2;
                }
                bool ran = false;
        \(runs)
                if (!ran) {
                    fprintf(stderr, "%s: section %u (tag %u): no compiled top runs mode %s with --lanes %d\\n", path, n, s.tag,
                            mode_names[s.mode], lanes);
                    return 2;
                }
            }
            if (file) fclose(file);
            double total = 0;
            for (int i = 0; i < \(count); ++i) {
                total += seconds[i];
                if (blocks[i] > 0) printf("TIME top=%s blocks=%ld seconds=%.6f\\n", names[i], blocks[i], seconds[i]);
            }
            printf("RESULT sections=%u block_runs=%ld mismatched_values=%ld mismatched_blocks=%ld flag_errors=%ld seconds=%.6f\\n",
                   sections, t.block_runs, t.mismatched_values, t.mismatched_blocks, t.flag_errors, total);
            return (t.mismatched_values > 0 || t.flag_errors > 0) ? 1 : 0;
        }

        """
    }
}
