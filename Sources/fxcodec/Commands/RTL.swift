import ArgumentParser
import CoSim
import Foundation
import Golden
import HLSGen
import ImageIO

/// Mode and stream width of a Verilog core.
struct RTLCoreOptions: ParsableArguments {
    @Option(help: "encode (samples -> coefficients), decode (coefficients -> samples) or roundtrip.")
    var mode: CodecMode = .roundtrip

    @Option(parsing: .unconditional, help: "Values per stream beat: 1, or 8 (a block row).", transform: Checked.oneOf([1, 8]))
    var lanes: Int = 8

    @Option(name: .customLong("clock-mhz"), parsing: .unconditional,
            help: ArgumentHelp("Clock target in MHz: the kernels' pipeline registers are placed by a delay model of ECP5 (speed 6) so that each stage fits it, and multiplies that do not fit become registered multiplier cells (MULT18X18D with its registers on ECP5). Latency grows with the target.", valueName: "mhz"))
    var clockMHz: Double = ClockTarget.standard.mhz

    func target() throws -> ClockTarget {
        do { return try ClockTarget(mhz: clockMHz) } catch let e as HLSGenError { throw ValidationError(e.description) }
    }
}

/// `fxcodec rtl`: the datapath rendered as synthesizable Verilog.
struct RTL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtl",
        abstract: "Render the datapath configuration as a synthesizable Verilog-2005 AXI4-Stream core.",
        discussion: """
            Writes one file per module: the six traced kernels (fxc_fdct_row.v … fxc_idct_row.v), the \
            transpose printed from its hardware description at each word width the core uses \
            (fxc_transpose_w<W>.v), the core with the mode at run time (fxc_core_x8.v, and fxc_core_x1.v for \
            one lane) and the top for --mode and --lanes with the mode tied (fxc_<mode>_x<lanes>.v). \
            --harness adds the Verilator co-simulation harness and the Icarus testbench (with --front raster, \
            the raster harness, raster_harness.cpp).

            --front raster puts the raster front end before the 8-lane encoder instead: RGB video in \
            (UG934, --pixels-per-beat 1, 2 or 4), colour conversion, line buffers in block RAM for frames \
            up to --max-width, 4:2:0 / 4:2:2 / 4:4:4 / grey chosen per frame, blocks in JPEG MCU order, \
            quantized coefficients out (fxc_colour.v, fxc_mcu_rows.v, fxc_front_raster.v, \
            fxc_raster_encode_x8.v beside the core's files).

            Examples:
              fxcodec rtl --out rtl --mode encode --lanes 8 --clock-mhz 150
              fxcodec rtl --out raster --front raster --mode encode --pixels-per-beat 2 --max-width 4096
            """)

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var core: RTLCoreOptions

    @Option(help: "Output folder (created; files are replaced only when their contents change).")
    var out: String = "rtl"

    @Flag(help: "Also write the Verilator harness (cosim_harness.cpp) and the Icarus testbench (icarus_tb.v).")
    var harness = false

    @OptionGroup var frontEnd: FrontOptions

    func validate() throws {
        try frontEnd.check(mode: core.mode, lanes: core.lanes)
    }

    func run() throws {
        let outputs = OutputFiles(inputs: datapath.inputFiles)
        try outputs.claimFolder(out, option: "--out")
        let config = try datapath.datapath()
        let (tables, description) = try datapath.resetTables(for: config)
        var words = ["fxcodec", "rtl", "--out", out] + datapath.regenerateWords(config)
        words += ["--mode", core.mode.rawValue, "--lanes", String(core.lanes), "--clock-mhz", String(format: "%g", core.clockMHz)]
        if harness { words.append("--harness") }
        words += frontEnd.words
        let command = words.map(shellQuoted).joined(separator: " ")
        let design = try RTLDesign(config: config, tables: tables, tableDescription: description, target: try core.target())
        if frontEnd.raster {
            let raster = frontEnd.rasterFront(colorBits: config.colorBits)
            let files = try raster.encodeFiles(design: design, command: command, harness: harness)
            try outputs.stageGenerated(files, in: out)
            try outputs.commit()
            print("\(out): \(files.map(\.path).joined(separator: ", ")); top \(RasterFront.encodeName), configuration \(config.name), "
                  + "\(description), core pipelined for \(design.target), \(raster.pixels) RGB pixel\(raster.pixels == 1 ? "" : "s") a beat, "
                  + "frames up to \(raster.rows.maxWidth) wide")
            return
        }
        var files = try design.files(mode: core.mode, lanes: core.lanes, command: command)
        if harness { files += try SimulationSources.files(design: design, command: command) }
        try outputs.stageGenerated(files, in: out)
        try outputs.commit()
        let latency = design.latency(mode: core.mode, lanes: core.lanes)
        print("\(out): \(files.map(\.path).joined(separator: ", ")); top \(RTLDesign.topName(mode: core.mode, lanes: core.lanes)), "
              + "configuration \(config.name), \(description), pipelined for \(design.target), latency \(latency) clocks, \(core.lanes) value"
              + "\(core.lanes == 1 ? "" : "s") per clock")
    }
}

extension DatapathOptions {
    /// The tables a core holds after reset: a --qtable file's, else the quality's IJG tables.
    func resetTables(for config: DatapathConfig) throws -> (tables: [QuantTable], description: String) {
        guard let given = try tables(maxEntry: (1 << config.quantTableBits) - 1), let qtable else {
            return (QuantTable.ijg(quality: quality), "IJG quality \(quality)")
        }
        let bytes = FileManager.default.contents(atPath: qtable) ?? Data()
        return (given, "file \(qtable) (sha256 \(SHA256.hex(Array(bytes)).prefix(16)))")
    }

    /// The datapath options as a regenerate command spells them.
    func regenerateWords(_ chosen: DatapathConfig) -> [String] {
        (config.map { ["--config", $0] } ?? ["--preset", preset ?? chosen.name])
            + (qtable.map { ["--qtable", $0] } ?? ["-q", String(quality)])
    }
}
