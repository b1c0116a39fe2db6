import HLSGen

/// The simulation side of `rtl-sim/`: the Verilator harness and the Icarus testbench, each with the
/// provenance header of the design they were written beside.
public enum SimulationSources {
    public static let harnessFile = CosimHarness.verilatorFileName
    public static let icarusFile = IcarusTestbench.fileName

    public static func files(design: RTLDesign, command: String) throws -> [GeneratedFile] {
        let banner = try design.banner(command: command)
        return [GeneratedFile(path: CosimHarness.verilatorFileName, text: banner + "\n" + CosimHarness.verilator),
                GeneratedFile(path: IcarusTestbench.fileName, text: banner + "\n" + IcarusTestbench.text)]
    }
}
