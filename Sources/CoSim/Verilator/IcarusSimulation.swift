import Golden
import Foundation
import HLSGen

/// Runs blocks through the core under Icarus Verilog (`iverilog -g2005`, `vvp`) with the testbench
/// of `IcarusTestbench`: a slow second simulator (about 10 k clocks/s) for small cases, to show the
/// Verilog means the same to it as to Verilator. The core keeps its reset tables.
public enum IcarusSimulation {
    /// Every output value, in order, for `inputs` (64 per block) in `mode`, and whether the core
    /// flagged a framing error. `misplacedLast` moves the tlast of that block to its first beat.
    public static func run(design: RTLDesign, lanes: Int, mode: CodecMode, users: [UInt8], inputs: [Int32],
                           stallPercent: Int, seed: Int, misplacedLast: Int? = nil,
                           scratch: URL) throws -> (values: [Int32], framingError: Bool) {
        let fm = FileManager.default
        let folder = scratch.appendingPathComponent("icarus-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: folder) }
        let command = "fxcodec (Icarus Verilog run)"
        let sources = try design.coreFiles(command: command) + SimulationSources.files(design: design, command: command)
            .filter { $0.path == SimulationSources.icarusFile }
        try HLSProject.write(sources, to: folder)

        let binary = folder.appendingPathComponent("tb").path
        let compile = try runProcess("iverilog", ["-g2005", "-o", binary,
                                                  "-DFXC_CORE=\(RTLDesign.coreName(lanes: lanes))",
                                                  "-P", "icarus_tb.LANES=\(lanes)", "-P", "icarus_tb.LANE_BITS=\(design.laneBits)",
                                                  "-P", "icarus_tb.ENTRY_BITS=\(design.layout.entryBits)"]
                                     + sources.map(\.path), in: folder)
        guard compile.succeeded else { throw VerilatorError("iverilog failed: \(compile.stderr)\(compile.stdout)") }

        // One beat per line: {tlast, tuser[1:0], tdata}, lane k of tdata = value k of the beat.
        let beatsPerBlock = 64 / lanes
        let digits = (lanes * design.laneBits + 3 + 3) / 4
        var lines: [String] = []
        for beat in 0..<(users.count * beatsPerBlock) {
            let block = beat / beatsPerBlock, position = beat % beatsPerBlock
            var word = BigWord(bits: lanes * design.laneBits + 3)
            for k in 0..<lanes {
                let v = Int(inputs[block * 64 + position * lanes + k]) & ((1 << design.laneBits) - 1)
                word.set(UInt64(v), at: k * design.laneBits, width: design.laneBits)
            }
            word.set(position == 0 ? UInt64(users[block]) : 0, at: lanes * design.laneBits, width: 2)
            let last = block == misplacedLast ? position == 0 : position == beatsPerBlock - 1
            word.set(last ? 1 : 0, at: lanes * design.laneBits + 2, width: 1)
            lines.append(word.hex(digits: digits))
        }
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("beats.hex"), atomically: true, encoding: .utf8)
        let run = try runProcess("vvp", [binary, "+stim=beats.hex", "+beats=\(lines.count)", "+mode=\(mode.code)",
                                         "+stall=\(stallPercent)", "+seed=\(seed)", "+out=values.txt"], in: folder)
        guard run.succeeded, run.stdout.contains("done") else {
            throw VerilatorError("Icarus run did not finish: \(run.stdout)\(run.stderr)")
        }
        let text = try String(contentsOf: folder.appendingPathComponent("values.txt"), encoding: .utf8)
        return (text.split(separator: "\n").compactMap { Int32($0) }, run.stdout.contains("framing_error 1"))
    }
}

/// A little-endian bit vector wider than 64 bits, printed as hex.
struct BigWord {
    var words: [UInt64]
    init(bits: Int) { words = Array(repeating: 0, count: (bits + 63) / 64) }

    mutating func set(_ value: UInt64, at lsb: Int, width: Int) {
        for b in 0..<width where value >> UInt64(b) & 1 == 1 {
            words[(lsb + b) / 64] |= 1 << UInt64((lsb + b) % 64)
        }
    }

    func hex(digits: Int) -> String {
        (0..<digits).reversed().map { d -> String in
            let nibble = (words[(d * 4) / 64] >> UInt64((d * 4) % 64)) & 15
            return String(nibble, radix: 16)
        }.joined()
    }
}
