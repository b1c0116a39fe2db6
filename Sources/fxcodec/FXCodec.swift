import ArgumentParser

@main
struct FXCodec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fxcodec",
        abstract: "Design a fixed-point JPEG-style codec for FPGAs: golden model, HLS C++, Verilog, co-simulation.",
        subcommands: [
            // Each command lives in Commands/<Name>.swift; add it here.
            Roundtrip.self,
            Bench.self,
            Compare.self,
            HLS.self,
            CSim.self,
            RTL.self,
            Cosim.self,
            Synth.self,
            Fixed.self,
        ]
    )
}
