import ArgumentParser

@main
struct FXCodec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fxcodec",
        abstract: "Design a fixed-point JPEG-style codec for FPGAs: golden model, HLS C++, Verilog, co-simulation.",
        subcommands: [
            // Each command lives in Commands/<Name>.swift; listed in the order of the workflow.
            Fixed.self,
            Roundtrip.self,
            Bench.self,
            HLS.self,
            CSim.self,
            RTL.self,
            Cosim.self,
            Synth.self,
            Compare.self,
        ]
    )
}
