import Golden
import Hardware

/// How a project is compiled for C simulation outside the vendor tools: one definition, used by the
/// generated Makefile and by the Swift driver (CoSim) alike. Every printed step function `F` has its
/// source, its prototype and its testbench (the co-simulation harness over an HLS port adapter).
public enum CSimToolchain {
    public static let compiler = "g++"
    /// g++ does not know `#pragma HLS` (the HLS compiler does): that one warning is off, all others on.
    /// -O1: the printed cores are one long function per clock, which -O2 compiles 2.6 times slower
    /// (65 s against 25 s for the 8-lane roundtrip top) to run the standard stimulus in 0.18 s, not 0.21.
    public static let flags = ["-std=c++14", "-O1", "-Wall", "-Wextra", "-Wno-unknown-pragmas"]
    /// ap_types as a system include (its own warnings are not ours).
    public static func includes(apTypes: String) -> [String] { ["-isystem", apTypes] }

    public static func source(_ function: String) -> String { "src/\(function).cpp" }
    public static func header(_ function: String) -> String { "src/\(function).h" }
    public static func testbench(_ function: String) -> String { "tb/\(function)_tb.cpp" }
    public static func binary(_ function: String) -> String { "build/\(function)_tb" }
    /// The project's standard stimulus (every mode its functions run, any stream width).
    public static let stimulus = "tb/stimulus.fxcs"
    /// The raster project's standard stimulus (`RasterJobs.standard`).
    public static let rasterStimulus = "tb/stimulus.fxcr"

    /// The functions of a rendered project that have a testbench, in the project's order.
    public static func functions(_ files: [GeneratedFile]) -> [String] {
        files.compactMap { f in
            guard f.path.hasPrefix("tb/"), f.path.hasSuffix("_tb.cpp") else { return nil }
            return String(f.path.dropFirst(3).dropLast(7))
        }
    }
}

/// Makefile, run_hls.tcl, hls_config.cfg and README.md of a project.
struct BuildFiles {
    let spec: HLSProjectSpec
    let rtl: RTLDesign
    let design: HLSDesign
    let topModule: Module
    /// The printed step functions, the synthesis top first.
    let functions: [String]
    let json: String
    let provenance: Provenance

    var clock: String {
        spec.clockNs == spec.clockNs.rounded() ? String(Int(spec.clockNs)) : String(spec.clockNs)
    }

    var top: String { spec.raster == nil ? spec.synthesisTop.name : RasterFront.encodeName }
    /// The stimulus file the testbenches run, and its name beside the testbench in the vendor flow.
    var stimulus: String { spec.raster == nil ? CSimToolchain.stimulus : CSimToolchain.rasterStimulus }
    var stimulusName: String { String(stimulus.dropFirst(3)) }

    func makefile() -> String {
        provenance.comment("#") + """

        # C simulation with g++ and the ap_types headers (scripts/setup puts them in <repo>/.deps/ap_types):
        #   make csim                       build the synthesis top's testbench and run it on \(stimulus)
        #   make csim-all                   every printed function's testbench (a tied mode runs its own jobs)
        #   make csim FXCODEC_AP_TYPES=DIR  with the headers elsewhere
        FXCODEC_AP_TYPES ?= ../.deps/ap_types
        CXX = \(CSimToolchain.compiler)
        CXXFLAGS = \(CSimToolchain.flags.joined(separator: " "))
        CPPFLAGS = \(CSimToolchain.includes(apTypes: "$(FXCODEC_AP_TYPES)").joined(separator: " "))
        TOP = \(top)
        FUNCTIONS = \(functions.joined(separator: " "))

        .PHONY: csim csim-all clean

        csim: \(CSimToolchain.binary("$(TOP)"))
        \t./\(CSimToolchain.binary("$(TOP)")) --stimulus \(stimulus)

        csim-all: $(FUNCTIONS:%=\(CSimToolchain.binary("%")))
        \tfor f in $(FUNCTIONS); do ./\(CSimToolchain.binary("$${f}")) --stimulus \(stimulus) || exit 1; done

        \(CSimToolchain.binary("%")): \(CSimToolchain.source("%")) \(CSimToolchain.header("%")) \(CSimToolchain.testbench("%"))
        \t@mkdir -p build
        \t$(CXX) $(CPPFLAGS) $(CXXFLAGS) \(CSimToolchain.source("$*")) \(CSimToolchain.testbench("$*")) -o $@

        clean:
        \trm -rf build

        """
    }

    func tcl() -> String {
        provenance.comment("#") + """

        # Vivado HLS / Vitis HLS: C simulation, synthesis, C/RTL co-simulation, IP export.
        #   vitis_hls -f run_hls.tcl [-tclargs PART CLOCK_NS]
        # The top is one clock per call (PIPELINE II=1, ap_ctrl_none, ap_none ports); its testbench calls it
        # once per clock from the stimulus file.
        set part \(spec.part)
        set clock_ns \(clock)
        if {[info exists argv] && [llength $argv] > 0} { set part [lindex $argv 0] }
        if {[info exists argv] && [llength $argv] > 1} { set clock_ns [lindex $argv 1] }

        open_project -reset fxcodec_hls
        set_top \(top)
        set_directive_pipeline -II 1 "\(top)"
        add_files \(CSimToolchain.source(top)) -cflags "-std=c++14"
        add_files -tb \(CSimToolchain.testbench(top)) -cflags "-std=c++14"
        add_files -tb \(stimulus)
        open_solution -reset solution1
        set_part $part
        create_clock -period $clock_ns -name default
        csim_design -argv "--stimulus \(stimulusName)"
        csynth_design
        cosim_design -argv "--stimulus \(stimulusName)"
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
        syn.file=\(CSimToolchain.source(top))
        syn.file_cflags=\(CSimToolchain.source(top)),-std=c++14
        syn.top=\(top)
        syn.directive.pipeline=\(top) II=1
        tb.file=\(CSimToolchain.testbench(top))
        tb.file=\(stimulus)
        tb.file_cflags=\(CSimToolchain.testbench(top)),-std=c++14
        csim.argv=--stimulus \(stimulusName)
        cosim.argv=--stimulus \(stimulusName)
        clock=\(clock)ns

        """
    }

    func readme() -> String {
        let top = spec.synthesisTop
        let c = spec.config
        let mayOverflow = design.graphs.registersThatMayOverflow
        let cores = functions.dropFirst().map { "`\($0)`" }
        var s = "<!--\n" + provenance.comment("  ") + "-->\n\n"
        s += """
        # fxcodec HLS core: \(top.mode.rawValue), \(top.lanes == 1 ? "1 value" : "8 values (a block row)") per beat

        Configuration `\(c.name)`; tables after reset: \(spec.tableDescription). Top for synthesis: `\(top.name)` \
        (`\(CSimToolchain.source(top.name))`)\(cores.isEmpty ? "" : "; beside it the core\(cores.count > 1 ? "s" : "") with the mode at run time, \(cores.joined(separator: ", "))").
        Part `\(spec.part)`, clock \(clock) ns (parameters of `run_hls.tcl` and `hls_config.cfg`).

        Every function here is printed by `fxcodec hls` from the streaming core's hardware description
        (`HLSPrinter`), the same description the Verilog in `rtl-sim/` is printed from: one static-state
        function with `#pragma HLS PIPELINE II=1` in which **one call is one clock**. The kernels inside are
        the golden model's traced dataflow graphs, one C++ variable per signal, each an `ap_int` as wide as the
        signal's exact value range; the registers below are the only places a value is narrowed. The C
        simulation (`make csim`, or `fxcodec csim IMAGE.png`) matches the golden model bit for bit and the
        Verilator co-simulation clock for clock. This folder was not synthesized here (no vendor tools on this
        machine): the pragmas follow the vendor conventions but timing, II and resources are unverified.

        ## Interface of `\(top.name)`

        All ports are `ap_none` wires sampled once per call (`ap_ctrl_none`); channels are valid/ready pairs
        (AXI4-Stream rules: a beat moves in the clock both are 1).

        | port | direction | bits |
        |---|---|---|

        """
        for p in topModule.inputs { s += "| `\(p.name)` | in | \(p.totalWidth) |\n" }
        for p in topModule.outputs { s += "| `\(p.name)` | out | \(p.totalWidth) |\n" }
        s += """

        - A block is 64 values in raster order (row-major, "natural" order, never zigzag): \(top.lanes == 8
            ? "8 beats, beat r = row r, value k of the row in `tdata[w*k + w-1 : w*k]`"
            : "64 beats, one value each in `tdata[w-1:0]`") (w = 8 for samples, \(rtl.laneBits) for coefficients,
          two's complement).
        - `tlast` on the last beat of every block (elsewhere, or missing, it sets the sticky `framing_error`).
          `tuser[0]` (start of frame) and `tuser[1]` (table: 0 luminance, 1 chrominance) on a block's first beat;
          they come out on the first beat of its result.
        - `aresetn` low resets the control; the tables then read as the reset tables (\(spec.tableDescription)) until
          an entry is written: `qt_we`, `qt_table`, `qt_addr` (raster index), `qt_data` = the packed
          `QuantizerEntry` fields (\(rtl.layout.fields.map { "\($0.name) [\($0.msb):\($0.lsb)]" }.joined(separator: ", "))).

        ## Registers

        | register | C++ type | rule | overflow possible (interval analysis) |
        |---|---|---|---|

        """
        for r in Register.all {
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
        make csim-all                            # every function's testbench
        make csim FXCODEC_AP_TYPES=/path/to/ap_types
        ./\(CSimToolchain.binary(top.name)) --stimulus FILE [--results FILE] [--dump FILE] [--progress]
        ```

        Each testbench (`tb/<function>_tb.cpp`) is the Verilator co-simulation harness (`rtl-sim/cosim_harness.cpp`)
        over a port adapter that calls the function once per clock: it resets the core, writes the tables if a
        job asks, streams every block with seeded random stalls on both sides, checks every output value, tlast,
        tuser and the AXI4-Stream rules, and counts clocks. It prints one line per run (`run job=... mismatches=...
        cycles=...`; a top with its mode tied lists other modes' jobs as `skip`) and returns 0 on pass, 1 when a
        run fails a check. `\(CSimToolchain.stimulus)` holds the golden model's blocks for \(functions.count > 1 ? "every mode" : "\(top.mode.rawValue)"):
        patterns that reach the transform's extremes and seeded noise through both tables, for decoding also
        random coefficients over the whole quantized format, each at stall 0 and 0.3.

        \(StimulusFormat.description.map { "    " + $0 }.joined(separator: "\n"))

        """ + vendorFlow
        return s
    }

    /// The raster project's README: what the top is, its ports, how to run it.
    func rasterReadme(_ raster: RasterFront) -> String {
        var s = "<!--\n" + provenance.comment("  ") + "-->\n\n"
        s += """
        # fxcodec HLS raster encoder: RGB video in, quantized coefficients out in JPEG MCU order

        Configuration `\(spec.config.name)`; tables after reset: \(spec.tableDescription). Top for synthesis: \
        `\(top)` (`\(CSimToolchain.source(top))`): the raster front end (\(raster.pixels) RGB pixel\(raster.pixels == 1 ? "" : "s") a beat, \
        libjpeg's integer RGB→YCbCr, line buffers for frames up to \(raster.rows.maxWidth) wide, 4:2:0 / 4:2:2 / 4:4:4 / grey \
        chosen per frame with libjpeg's downsampling and edge replication, blocks in JPEG MCU order) into the \
        8-lane core in encode mode. Part `\(spec.part)`, clock \(clock) ns.

        The function is printed by `fxcodec hls --front raster` from the same hardware descriptions the Verilog
        in `rtl-sim/raster/` is printed from (`Sources/HLSGen/Raster`, the core's): one static-state function
        with `#pragma HLS PIPELINE II=1` in which **one call is one clock**. Its C simulation matches the golden
        model bit for bit and the Verilator co-simulation clock for clock. Not synthesized here (no vendor
        tools on this machine).

        ## Interface of `\(top)`

        | port | direction | bits |
        |---|---|---|

        """
        for p in topModule.inputs { s += "| `\(p.name)` | in | \(p.totalWidth) |\n" }
        for p in topModule.outputs { s += "| `\(p.name)` | out | \(p.totalWidth) |\n" }
        s += """

        - Video in (UG934): pixel i of a beat in `s_axis_tdata[24i+23:24i]`, G in the low byte, then B, then R;
          `s_axis_tuser` on a frame's first beat, `s_axis_tlast` on each line's last.
        - Register port: `reg_wdata` is written to register `reg_addr` in a clock where `reg_we` is 1;
        \(RasterRegister.shape.map { "  \($0.rawValue) \($0.name.replacingOccurrences(of: "_", with: " ")) (bits \($0.width - 1):0)" }.joined(separator: ";\n")).
          Chroma: 0 4:4:4, 1 4:2:2, 2 4:2:0, 3 grey. A frame takes the shape held when its first beat is
          taken; a line is a whole number of beats. Width and height are 0 after reset.
        - Coefficients out: a block row a beat, coefficient k of the row in `m_axis_tdata[\(rtl.laneBits)k+\(rtl.laneBits - 1):\(rtl.laneBits)k]`;
          `m_axis_tlast` on a block's 8th beat; `m_axis_tuser` on its first: bit 0 start of frame, bit 1
          chrominance table, bit 2 dummy block (a luma block past the image in a 4:2:x MCU).
        - `frame_error` (sticky until reset): a line longer or shorter than the width, tuser in mid-frame, a
          beat outside a frame; beats are dropped until the next start of frame, which starts cleanly.
        - `qt_we`, `qt_table`, `qt_addr`, `qt_data`: the core's table port (reset tables: \(spec.tableDescription)).

        ## C simulation

        ```sh
        make csim                                # \(CSimToolchain.compiler) \(CSimToolchain.flags.joined(separator: " ")), ap_types from ../.deps/ap_types
        ./\(CSimToolchain.binary(top)) --stimulus FILE [--results FILE] [--progress]
        fxcodec csim IMAGE.png --front raster --mode encode   # a PNG through the same testbench
        ```

        The testbench (`\(CSimToolchain.testbench(top))`) is the Verilator raster harness (`rtl-sim/raster/raster_harness.cpp`)
        over a port adapter that calls the function once per clock: it resets the top, holds the frame shape,
        streams every beat with seeded random stalls on both sides, checks every coefficient (dummy blocks by
        their flags), tlast, tuser, the AXI4-Stream rules and `frame_error`, and counts clocks; one line per run,
        exit 1 when a run fails. `\(stimulus)` holds seeded patterns in frames that cut blocks and MCUs (17×9
        4:2:0, 33×17 4:2:2, 9×20 4:4:4, 16×9 grey) and each malformed frame before a good one, at stalls 0 and 0.3.

        \(RasterStimulusFormat.description.map { "    " + $0 }.joined(separator: "\n"))

        """ + vendorFlow
        return s
    }

    /// The README's last section, the same in every project.
    var vendorFlow: String {
        """

        ## Vendor flow

        ```sh
        vitis_hls -f run_hls.tcl -tclargs \(spec.part) \(clock)       # or vivado_hls -f run_hls.tcl
        v++ -c --mode hls --config hls_config.cfg --work_dir fxcodec_hls  # Vitis unified (2023.2+)
        ```

        """
    }
}
