import Golden
import Foundation
import HLSGen

/// Resource and timing estimates from the open tools: yosys `synth_xilinx -family xc7 -flatten` for
/// 7-series cell counts and logic depth, and, when the design can fit an iCE40 HX8K, `synth_ice40`
/// plus `nextpnr-ice40 --hx8k` for a placed-and-routed Fmax.
public struct SynthesisReport: Sendable, Codable {
    public struct Xilinx: Sendable, Codable {
        /// LUT1…LUT6 (INV cells, which Vivado folds into LUTs, are counted separately).
        public var luts: Int
        public var inverters: Int
        public var flipFlops: Int
        public var dsp48e1: Int
        /// 18 kbit block RAMs (a RAMB36E1 counts 2).
        public var bram18: Int
        public var carry4: Int
        /// LUT-RAM and shift-register cells (RAM32M, RAM64M, RAM32X1D, SRL16E, …).
        public var lutRAM: Int
        public var muxf7f8: Int
        /// Cells on the longest register-to-register path (LUTs, CARRY4, MUXF7/8; flip-flops, DSP48E1 and
        /// LUT RAM are path ends), from `ltp -noff` after synthesis.
        public var logicDepth: Int
        public var cells: [String: Int]
    }

    public struct Ice40: Sendable, Codable {
        public var lut4: Int?, flipFlops: Int?, ram4k: Int?
        public var ioPins: Int
        public var fits: Bool
        /// Why it does not fit, when it does not.
        public var verdict: String
        public var fmaxMHz: Double?
    }

    public var top: String
    public var xilinx: Xilinx
    public var ice40: Ice40?
    public var seconds: Double
}

public enum YosysSynthesis {
    /// iCE40 HX8K (ct256): logic cells, RAM blocks and user I/O.
    public static let hx8k = (logicCells: 7680, ram4k: 32, io: 206)

    /// `progress` is told, in a short line, each step before it starts (the steps take seconds to minutes).
    public static func run(design: RTLDesign, mode: CodecMode, lanes: Int, ice40: Bool = true,
                           scratch: URL = FileManager.default.temporaryDirectory,
                           progress: (String) -> Void = { _ in }) throws -> SynthesisReport {
        let start = Date()
        let fm = FileManager.default
        let folder = scratch.appendingPathComponent("fxcodec-synth-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: folder) }
        let files = try design.files(mode: mode, lanes: lanes, command: "fxcodec synth")
        try HLSProject.write(files, to: folder)
        let top = RTLDesign.topName(mode: mode, lanes: lanes)
        let read = "read_verilog " + files.map(\.path).joined(separator: " ")

        let xilinxScript = """
            \(read)
            synth_xilinx -family xc7 -flatten -top \(top)
            tee -o stat.txt stat
            select -set logic * t:FD* %d t:SRL* %d t:RAM* %d t:DSP48E1 %d
            tee -o ltp.txt ltp -noff @logic
            """
        try xilinxScript.write(to: folder.appendingPathComponent("xilinx.ys"), atomically: true, encoding: .utf8)
        progress("yosys synth_xilinx -family xc7 on \(top) (about half a minute for the 8-lane core)")
        let x = try runProcess("yosys", ["-q", "-s", "xilinx.ys"], in: folder)
        guard x.succeeded else { throw VerilatorError("yosys synth_xilinx failed: \(x.stderr.suffix(2000))") }
        let cells = parseStat(try String(contentsOf: folder.appendingPathComponent("stat.txt"), encoding: .utf8))
        let depth = parseLongestPath(try String(contentsOf: folder.appendingPathComponent("ltp.txt"), encoding: .utf8))
        func sum(_ prefixes: [String]) -> Int {
            cells.filter { c in prefixes.contains { c.key.hasPrefix($0) } }.values.reduce(0, +)
        }
        let xilinx = SynthesisReport.Xilinx(
            luts: sum(["LUT"]), inverters: cells["INV"] ?? 0, flipFlops: sum(["FD"]), dsp48e1: cells["DSP48E1"] ?? 0,
            bram18: (cells["RAMB18E1"] ?? 0) + 2 * (cells["RAMB36E1"] ?? 0), carry4: cells["CARRY4"] ?? 0,
            lutRAM: sum(["RAM32", "RAM64", "RAM128", "RAM256", "SRL"]), muxf7f8: sum(["MUXF"]), logicDepth: depth,
            cells: cells)

        var report = SynthesisReport(top: top, xilinx: xilinx, ice40: nil, seconds: 0)
        if ice40 {
            report.ice40 = try fitIce40(files: files, read: read, top: top, lanes: lanes, mode: mode, design: design,
                                        xilinx: xilinx, in: folder, progress: progress)
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// User I/O pins of a top: every port bit.
    static func ioPins(_ design: RTLDesign, mode: CodecMode, lanes: Int) -> Int {
        let inBits = mode == .decode ? design.laneBits : 8, outBits = mode == .encode ? design.laneBits : 8
        // aclk, aresetn; s: tdata, tvalid, tready, tlast, tuser[2]; m: the same; table port; framing_error.
        return 2 + (lanes * inBits + 5) + (lanes * outBits + 5) + (1 + 1 + 6 + design.layout.entryBits) + 1
    }

    /// A lower bound on the iCE40 logic cells a design needs, from its 7-series mapping: a LUT1…LUT4
    /// is at least one LUT4, a LUT5 or LUT6 at least two, and a DSP48E1 multiplier, which the HX8K
    /// lacks, at least 64 (an 8 × 8 product in logic).
    public static func ice40LogicCellLowerBound(_ x: SynthesisReport.Xilinx) -> Int {
        let small = (1...4).reduce(0) { $0 + (x.cells["LUT\($1)"] ?? 0) }
        let large = (x.cells["LUT5"] ?? 0) + (x.cells["LUT6"] ?? 0)
        return small + 2 * large + 64 * x.dsp48e1
    }

    static func fitIce40(files: [GeneratedFile], read: String, top: String, lanes: Int, mode: CodecMode, design: RTLDesign,
                         xilinx: SynthesisReport.Xilinx, in folder: URL,
                         progress: (String) -> Void) throws -> SynthesisReport.Ice40 {
        let pins = ioPins(design, mode: mode, lanes: lanes)
        guard pins <= hx8k.io else {
            return .init(ioPins: pins, fits: false, verdict: "does not fit: \(pins) I/O pins, the CT256 package has \(hx8k.io)")
        }
        // Said at once, instead of minutes of synth_ice40 on a design several times the part's size.
        let atLeast = ice40LogicCellLowerBound(xilinx)
        guard atLeast <= hx8k.logicCells else {
            return .init(ioPins: pins, fits: false, verdict: "does not fit: at least \(atLeast) logic cells "
                         + "(from the 7-series mapping: LUT5/6 count 2, each of \(xilinx.dsp48e1) DSP48E1 multipliers at least 64), "
                         + "the HX8K has \(hx8k.logicCells); synth_ice40 not run")
        }
        progress("yosys synth_ice40 on \(top) (can take minutes)")
        let script = "\(read)\nsynth_ice40 -top \(top) -json ice40.json\ntee -o ice40_stat.txt stat\n"
        try script.write(to: folder.appendingPathComponent("ice40.ys"), atomically: true, encoding: .utf8)
        let s = try runProcess("yosys", ["-q", "-s", "ice40.ys"], in: folder)
        guard s.succeeded else { throw VerilatorError("yosys synth_ice40 failed: \(s.stderr.suffix(2000))") }
        let cells = parseStat(try String(contentsOf: folder.appendingPathComponent("ice40_stat.txt"), encoding: .utf8))
        let luts = cells["SB_LUT4"] ?? 0
        let ffs = cells.filter { $0.key.hasPrefix("SB_DFF") }.values.reduce(0, +)
        let ram = cells["SB_RAM40_4K"] ?? 0
        var result = SynthesisReport.Ice40(lut4: luts, flipFlops: ffs, ram4k: ram, ioPins: pins, fits: false, verdict: "")
        if luts > hx8k.logicCells || ffs > hx8k.logicCells || ram > hx8k.ram4k {
            result.verdict = "does not fit: \(luts) LUT4, \(ffs) flip-flops, \(ram) RAM4K "
                + "(HX8K: \(hx8k.logicCells) logic cells, \(hx8k.ram4k) RAM4K, no multipliers)"
            return result
        }
        progress("nextpnr-ice40 --hx8k place and route")
        let pnr = try runProcess("nextpnr-ice40", ["--hx8k", "--package", "ct256", "--json", "ice40.json", "--freq", "12",
                                                   "--seed", "1"], in: folder)
        guard pnr.succeeded else {
            result.verdict = "nextpnr-ice40 could not place and route it: \(pnr.stderr.split(separator: "\n").last ?? "")"
            return result
        }
        result.fits = true
        result.fmaxMHz = parseFmax(pnr.stderr + pnr.stdout)
        result.verdict = "fits"
        return result
    }

    /// Cell counts from yosys `stat` (the last table printed).
    static func parseStat(_ text: String) -> [String: Int] {
        var cells: [String: Int] = [:]
        var inCells = false
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if line.contains("Number of cells:") { inCells = true; cells = [:]; continue }
            guard inCells else { continue }
            if words.count == 2, let n = Int(words[1]) { cells[String(words[0])] = n } else if !words.isEmpty { inCells = false }
        }
        return cells
    }

    static func parseLongestPath(_ text: String) -> Int {
        guard let range = text.range(of: "(length=") else { return 0 }
        return Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    /// The last "Max frequency for clock …: N MHz" nextpnr prints (after routing).
    static func parseFmax(_ log: String) -> Double? {
        log.split(separator: "\n").filter { $0.contains("Max frequency for clock") }.last.flatMap { line in
            guard let colon = line.range(of: "': ") else { return nil }
            return Double(line[colon.upperBound...].prefix { $0.isNumber || $0 == "." })
        }
    }
}
