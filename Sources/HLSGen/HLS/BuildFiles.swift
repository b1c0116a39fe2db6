import Golden

/// How a project is compiled for C simulation outside the vendor tools: one definition, used by the
/// generated Makefile and by the Swift driver (CoSim) alike.
public enum CSimToolchain {
    public static let compiler = "g++"
    /// g++ does not know `#pragma HLS` (the HLS compiler does): that one warning is off, all others on.
    public static let flags = ["-std=c++14", "-O2", "-Wall", "-Wextra", "-Wno-unknown-pragmas"]
    /// Translation units, relative to the project folder.
    public static let sources = ["src/fxcodec.cpp", "tb/fxcodec_tb.cpp"]
    /// ap_types as a system include (its own warnings are not ours), then the stand-ins.
    public static func includes(apTypes: String) -> [String] { ["-isystem", apTypes, "-I\(StandIns.directory)"] }
}

/// Makefile, run_hls.tcl, hls_config.cfg and README.md of a project.
struct BuildFiles {
    let spec: HLSProjectSpec
    let design: HLSDesign
    let json: String
    let provenance: Provenance
    let vectors: GoldenVectorFile

    var clock: String {
        spec.clockNs == spec.clockNs.rounded() ? String(Int(spec.clockNs)) : String(spec.clockNs)
    }

    func makefile() -> String {
        provenance.comment("#") + """

        # C simulation with g++ and the ap_types headers (scripts/setup puts them in <repo>/.deps/ap_types):
        #   make csim                      build and run the testbench on tb/vectors.bin
        #   make csim FXCODEC_AP_TYPES=DIR  with the headers elsewhere
        FXCODEC_AP_TYPES ?= ../.deps/ap_types
        CXX = \(CSimToolchain.compiler)
        CXXFLAGS = \(CSimToolchain.flags.joined(separator: " "))
        CPPFLAGS = \(CSimToolchain.includes(apTypes: "$(FXCODEC_AP_TYPES)").joined(separator: " "))
        SOURCES = \(CSimToolchain.sources.joined(separator: " "))
        HEADERS = src/fxcodec.h src/fxcodec_tables.h \(StandIns.directory)/hls_stream.h \(StandIns.directory)/ap_axi_sdata.h

        .PHONY: csim clean

        csim: build/fxcodec_tb
        \t./build/fxcodec_tb tb/vectors.bin

        build/fxcodec_tb: $(SOURCES) $(HEADERS)
        \t@mkdir -p build
        \t$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(SOURCES) -o $@

        clean:
        \trm -rf build

        """
    }

    func tcl() -> String {
        provenance.comment("#") + """

        # Vivado HLS / Vitis HLS: C simulation, synthesis, C/RTL co-simulation, IP export.
        #   vitis_hls -f run_hls.tcl [-tclargs PART CLOCK_NS]
        set part \(spec.part)
        set clock_ns \(clock)
        if {[info exists argv] && [llength $argv] > 0} { set part [lindex $argv 0] }
        if {[info exists argv] && [llength $argv] > 1} { set clock_ns [lindex $argv 1] }

        open_project -reset fxcodec_hls
        set_top \(spec.synthesisTop.name)
        add_files src/fxcodec.cpp -cflags "-std=c++14"
        add_files -tb tb/fxcodec_tb.cpp -cflags "-std=c++14"
        add_files -tb tb/vectors.bin
        open_solution -reset solution1
        set_part $part
        create_clock -period $clock_ns -name default
        csim_design -argv "vectors.bin"
        csynth_design
        cosim_design -argv "vectors.bin"
        export_design -format ip_catalog
        exit

        """
    }

    func vitisConfig() -> String {
        provenance.comment("#") + """

        # Vitis unified flow (2023.2 and later): v++ -c --mode hls --config hls_config.cfg --work_dir fxcodec_hls
        part=\(spec.part)

        [hls]
        flow_target=vivado
        package.output.format=ip_catalog
        package.output.syn=false
        syn.file=src/fxcodec.cpp
        syn.file_cflags=src/fxcodec.cpp,-std=c++14
        syn.top=\(spec.synthesisTop.name)
        tb.file=tb/fxcodec_tb.cpp
        tb.file=tb/vectors.bin
        tb.file_cflags=tb/fxcodec_tb.cpp,-std=c++14
        csim.argv=vectors.bin
        cosim.argv=vectors.bin
        clock=\(clock)ns

        """
    }

    func readme() -> String {
        let top = spec.synthesisTop
        let c = spec.config
        let mayOverflow = design.graphs.registersThatMayOverflow
        var s = "<!--\n" + provenance.comment("  ") + "-->\n\n"
        s += """
        # fxcodec HLS core: \(top.mode.rawValue), \(top.lanes == 1 ? "1 value" : "8 values (a block row)") per beat

        Configuration `\(c.name)`; tables: \(spec.tableDescription). Top for synthesis: `\(top.name)`\
        \(spec.tops.count > 1 ? " (the sources also hold \(spec.tops.filter { $0 != top }.map { "`\($0.name)`" }.joined(separator: ", ")))" : "").
        Part `\(spec.part)`, clock \(clock) ns (parameters of `run_hls.tcl` and `hls_config.cfg`).

        Every file here is printed by `fxcodec hls` from the golden model's datapath: the kernels in
        `src/fxcodec.cpp` are its traced dataflow graphs, one C++ variable per signal, each an `ap_int` as
        wide as the signal's exact value range, and the registers below are the only places a value is
        narrowed. The C simulation (`make csim`, or `fxcodec csim IMAGE.png`) matches the Swift model bit for
        bit. This folder was not synthesized here (no vendor tools on this machine): the pragmas follow the
        vendor conventions but timing, II and resources are unverified.

        ## Interface

        | port | kind | contents |
        |---|---|---|
        | `in` | AXI4-Stream (`axis`) | \(top.mode.takesSamples ? "samples, 8-bit unsigned" : "quantized coefficients, \(design.coefficientBits)-bit two's complement") |
        | `out` | AXI4-Stream (`axis`) | \(top.mode.givesSamples ? "samples, 8-bit unsigned" : "quantized coefficients, \(design.coefficientBits)-bit two's complement") |

        """
        for f in design.tableFields(for: top.mode) {
            s += "| `\(f.name)[64]` | `s_axilite` array, partitioned | \(f.symbol) = \(f.meaning) (`\(f.spelling)`, \(f.range.lowerBound)...\(f.range.upperBound)) |\n"
        }
        s += """
        | return | `s_axilite` + `ap_ctrl_chain` | start/done; one 8x8 block per call |

        - A block is 64 values in raster order (row-major, "natural" order, never zigzag): \(top.lanes == 8
            ? "8 beats, beat r = row r, value k of the row in `tdata[w*k + w-1 : w*k]`"
            : "64 beats, one value each in `tdata[w-1:0]`") (w = 8 for samples, \(design.coefficientBits) for coefficients).
        - `tlast` is set on the last beat of every block. `tuser` (start of frame) on the first beat of a block
          is copied to the first beat of its result; the sender sets it on the first block of a frame.
          `tkeep`/`tstrb` are all ones; `tid`/`tdest` are 0.
        - Coefficient inputs of a decoder must lie in the quantized register's format (the encoder's outputs do).
        - The table is a run-time input: a driver writes the fields of each coefficient, computed as
          `QuantizerEntry(q:reciprocalBits:)` computes them (libjpeg-turbo's `compute_reciprocal`).
          `src/fxcodec_tables.h` holds the defaults (\(spec.tableDescription); luminance and chrominance).

        ## Registers

        | register | C++ type | rule | overflow possible (interval analysis) |
        |---|---|---|---|

        """
        for r in Register.allCases {
            guard let f = design.formats[r] else { continue }
            s += "| \(r) | `\(f.spelling)` | \(f.rule) | \(mayOverflow.contains(r) ? "yes" : "no") |\n"
        }
        s += """

        Widest internal signal per kernel: \(design.graphs.all.map { "\($0.name) \($0.graph.maximumWidth) bits" }.joined(separator: ", ")).

        Configuration JSON (its SHA-256 is in every file header; `printf '%s' '<json>' | sha256sum` checks it):

        ```json
        \(json)
        ```

        ## C simulation

        ```sh
        make csim                                # \(CSimToolchain.compiler) \(CSimToolchain.flags.joined(separator: " ")), ap_types from ../.deps/ap_types
        make csim FXCODEC_AP_TYPES=/path/to/ap_types
        ./build/fxcodec_tb VECTORS [--lanes 1|8] [--quiet]
        ```

        `csim/include` holds the project's own `hls_stream.h` and `ap_axi_sdata.h` for g++; the vendor tools use
        theirs. The testbench returns 0 on pass and 1 on a mismatch, printing the first (top, section tag, block,
        index, expected, actual). `tb/vectors.bin` holds \(vectors.blockCount) blocks from the golden model: sample
        blocks (patterns that reach the transform's extremes, seeded noise), and for decoding their encoded
        coefficients and random coefficients over the whole quantized format. Section tags: 10 x table (0 luminance,
        1 chrominance) + kind (0 samples, 1 encoded samples, 2 random coefficients).

        \(GoldenVectorFile.formatDescription.map { "    " + $0 }.joined(separator: "\n"))

        ## Vendor flow

        ```sh
        vitis_hls -f run_hls.tcl -tclargs \(spec.part) \(clock)       # or vivado_hls -f run_hls.tcl
        v++ -c --mode hls --config hls_config.cfg --work_dir fxcodec_hls  # Vitis unified (2023.2+)
        ```

        """
        return s
    }
}
