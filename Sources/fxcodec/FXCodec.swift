import ArgumentParser
import Foundation

@main
struct FXCodec: ParsableCommand {
    static let version = "0.2.0"

    static let configuration = CommandConfiguration(
        commandName: "fxcodec",
        abstract: "Design a fixed-point JPEG-style codec for FPGAs: golden model, HLS C++, Verilog, co-simulation.",
        discussion: """
            Examples:
              fxcodec roundtrip images/coffee.png -q 75 -o decoded.png --error-map error.png
              fxcodec rtl --out rtl --lanes 8 && fxcodec cosim images/coffee.png --stall 0.3
              fxcodec hls --out hls && fxcodec csim images/coffee.png

            Errors go to stderr as one line naming the file or option; the exit status is 64 for a bad \
            command line, 1 for any other failure. With --json every command prints snake_case keys; a null \
            has one meaning per key (psnr: identical data; ssim: image smaller than the 11×11 window; \
            latency: no output beat; quality: explicit tables).
            """,
        version: version,
        subcommands: [
            // Each command lives in Commands/<Name>.swift; listed in the order of the workflow.
            Fixed.self,
            Roundtrip.self,
            Encode.self,
            Decode.self,
            RD.self,
            Bench.self,
            HLS.self,
            CSim.self,
            RTL.self,
            Cosim.self,
            Synth.self,
            Compare.self,
            Explore.self,
        ]
    )

    /// As ArgumentParser's own entry point, except that `help NAME` with a NAME that is no command is
    /// an error (exit 64), not the general help.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "help", let name = arguments.dropFirst().first, !name.hasPrefix("-"),
           !configuration.subcommands.contains(where: { $0._commandName == name }) {
            let names = configuration.subcommands.map { $0._commandName }.joined(separator: ", ")
            exit(withError: ValidationError("help: no command '\(name)'; the commands are \(names)"))
        }
        main(arguments)
    }
}
