import ArgumentParser
import CoSim
import Foundation
import Golden
import HLSGen

/// `fxcodec synth`: resource and timing estimates of a Verilog core from yosys (and nextpnr-ice40).
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Synthesize the Verilog core with yosys: 7-series LUT/FF/DSP48E1/BRAM/CARRY4 counts, logic depth, iCE40 HX8K fit and Fmax.",
        discussion: """
            yosys synth_xilinx -family xc7 -flatten, then stat and ltp -noff (flip-flops, DSP48E1 and LUT RAM \
            end a path). Where the top fits an iCE40 HX8K (I/O, logic cells, RAM), synth_ice40 and \
            nextpnr-ice40 --hx8k give a placed-and-routed Fmax. There is no open place-and-route for 7-series \
            here, so the Xilinx figures are cell counts, not timing.
            """)

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var core: RTLCoreOptions

    @Flag(name: .customLong("no-ice40"), help: "Skip the iCE40 fit and place-and-route.")
    var noIce40 = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let config = try datapath.datapath()
        let (tables, description) = try datapath.resetTables(for: config)
        let design = try RTLDesign(config: config, tables: tables, tableDescription: description)
        let start = Date()
        let report = try YosysSynthesis.run(design: design, mode: core.mode, lanes: core.lanes, ice40: !noIce40) { step in
            FileHandle.standardError.write(Data(String(format: "synth: [%3.0f s] %@…\n", Date().timeIntervalSince(start), step).utf8))
        }
        if json {
            try printJSON(report)
            return
        }
        let x = report.xilinx
        print("\(report.top): \(config.name), \(description)")
        print("  xc7 (yosys synth_xilinx -flatten)")
        print("    LUT       \(x.luts) (+ \(x.inverters) INV)")
        print("    FF        \(x.flipFlops)")
        print("    DSP48E1   \(x.dsp48e1)")
        print("    BRAM18    \(x.bram18)")
        print("    CARRY4    \(x.carry4)")
        print("    LUT RAM   \(x.lutRAM) cells (RAM32M, SRL16E, …)")
        print("    MUXF7/8   \(x.muxf7f8)")
        print("    depth     \(x.logicDepth) cells on the longest register-to-register path (ltp -noff)")
        if let i = report.ice40 {
            print("  iCE40 HX8K: \(i.verdict)" + (i.fmaxMHz.map { String(format: ", Fmax %.1f MHz (nextpnr-ice40)", $0) } ?? ""))
        }
        print(String(format: "  (%.0f s)", report.seconds))
    }
}
