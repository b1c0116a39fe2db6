import Foundation
import Golden
import HLSGen

/// An image to simulate, with the name reports use.
public struct CSimImage: Sendable {
    public var name: String
    public var image: Image
    public init(name: String, image: Image) {
        self.name = name
        self.image = image
    }
}

/// A pair of tables (luminance, chrominance; one serves both) and the label reports use.
public struct CSimTableSet: Sendable {
    public var label: String
    public var tables: [QuantTable]
    public init(label: String, tables: [QuantTable]) {
        self.label = label
        self.tables = tables
    }
    public static func quality(_ q: Int) -> CSimTableSet { CSimTableSet(label: "quality \(q)", tables: QuantTable.ijg(quality: q)) }

    func table(forComponent c: Int) -> QuantTable { tables[min(c == 0 ? 0 : 1, tables.count - 1)] }
}

/// What to simulate: one configuration, every block of every component of the images, through each
/// table set, mode and lane count.
public struct CSimRequest: Sendable {
    public var config: DatapathConfig
    public var tableSets: [CSimTableSet]
    public var modes: [CodecMode]
    public var lanes: [Int]
    public var chroma: ChromaSubsampling
    /// The command printed in the headers of the compiled project (it has every top).
    public var command: String
    public var part = HLSProject.defaultPart
    public var clockNs = HLSProject.defaultClockNs

    public init(config: DatapathConfig, tableSets: [CSimTableSet], modes: [CodecMode] = CodecMode.allCases,
                lanes: [Int] = [1, 8], chroma: ChromaSubsampling = .s420, command: String) {
        self.config = config
        self.tableSets = tableSets
        self.modes = modes
        self.lanes = lanes
        self.chroma = chroma
        self.command = command
    }
}

/// The outcome of a C simulation on images, with timings beside the Swift model's.
public struct CSimReport: Codable, Sendable {
    /// Where a mismatch was, in the terms of the request.
    public struct Place: Codable, Sendable {
        public var image: String, component: String, tables: String, mode: String, top: String
        public var block: Int, index: Int, row: Int, column: Int
        public var expected: Int, actual: Int
    }

    public var configuration: String
    public var configurationSHA256: String
    public var images: [String]
    public var tables: [String]
    public var modes: [String]
    public var lanes: [Int]
    /// Blocks of the images (all components, all table sets), counted once.
    public var blocks: Int
    /// Blocks that came out of the simulated cores: blocks × modes × lane counts when all went through.
    public var blockRuns: Int
    public var expectedBlockRuns: Int
    public var mismatchedValues: Int
    /// Runs (an image's blocks through one table set, mode and lane count) with at least one mismatch.
    public var mismatchedRuns: Int
    /// tlast and tuser errors, AXI4-Stream violations, beats missing or extra, framing errors, timeouts.
    public var flagErrors: Int
    public var firstMismatch: Place?
    /// The first run that failed a check other than the values, in words.
    public var firstFlagError: String?
    /// The project's standard stimulus (patterns, noise, random coefficients over the quantized format)
    /// through every core: blocks out, and values or checks wrong.
    public var standardVectorRuns: Int
    public var standardVectorMismatches: Int
    public var compileSeconds: Double
    public var compileCached: Bool
    /// g++'s stderr for the compile (empty when nothing was reported).
    public var compilerWarnings: String
    public var csimSeconds: Double
    /// C simulation, seconds per block, by function (`fxc_core_x8`, `fxc_core_x1`).
    public var csimSecondsPerBlock: [String: Double]
    /// C simulation, simulated clocks per second of wall time, by function.
    public var csimCyclesPerSecond: [String: Double]
    /// The Swift golden model making each mode's expected values (decode includes encoding its input),
    /// seconds per block, by mode.
    public var swiftSecondsPerBlock: [String: Double]
    public var testbenchErrors: String
    public var passed: Bool
}

public enum ImageCSim {
    /// The stall setting of the image runs: none (every clock a beat may move).
    static let runs = [StallSetting(stall: 0, seed: 1)]

    /// The project a request compiles: the cores at the requested lane counts with the first table
    /// set's tables after reset.
    public static func spec(_ request: CSimRequest) -> HLSProjectSpec {
        let first = request.tableSets.first ?? .quality(75)
        return HLSProjectSpec(config: request.config, tables: first.tables, tableDescription: first.label,
                              synthesisTop: HLSTop(mode: .roundtrip, lanes: 8), coreLanes: request.lanes, part: request.part,
                              clockNs: request.clockNs, command: request.command)
    }

    /// Renders the configuration with the cores at the requested lane counts (mode at run time),
    /// compiles them with their testbenches (cached under `cache`), writes one stimulus file (each
    /// image's blocks through each table set, written to the core's tables first, in each mode) and
    /// runs every core's testbench on it, and on the project's standard stimulus.
    public static func run(_ request: CSimRequest, images: [CSimImage], cache: URL, apTypes: URL) throws -> CSimReport {
        let config = request.config
        let first = request.tableSets.first ?? .quality(75)
        let build = try CSimBuild.build(try HLSProject.render(spec(request)), cache: cache, apTypes: apTypes)
        let rtl = try RTLDesign(config: config, tables: first.tables, tableDescription: first.label)
        let codec = try BlockCodec(config)

        let fm = FileManager.default
        let runsFolder = build.folder.appendingPathComponent("runs")
        try fm.createDirectory(at: runsFolder, withIntermediateDirectories: true)
        let tag = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))"
        let stimulus = runsFolder.appendingPathComponent("stimulus-\(tag).fxcs")
        defer { try? fm.removeItem(at: stimulus) }
        let file = try StimulusFile(url: stimulus, note: "fxcodec csim: \(images.map(\.name).joined(separator: ", "))",
                                    lanes: nil, laneBits: rtl.laneBits)
        var labels: [(image: String, tables: String, job: CosimJob)] = []
        var blocks = 0
        var swiftSeconds: [CodecMode: Double] = [:]
        for item in images {
            let planes = try ImageBlocks(image: item.image, name: item.name, config: config, chroma: request.chroma)
            for set in request.tableSets {
                blocks += planes.blockCount
                for mode in request.modes {
                    let start = Date()
                    var job = planes.job(mode: mode, codec: codec, tables: set.tables, writeTables: true, layout: rtl.layout, runs: runs)
                    swiftSeconds[mode, default: 0] += Date().timeIntervalSince(start)
                    try file.append(job)
                    job.inputs = []
                    job.expected = []
                    labels.append((item.name, set.label, job))
                }
            }
        }
        try file.close()

        let cores = request.lanes.map { (lanes: $0, name: RTLDesign.coreName(lanes: $0)) }
        func results(_ url: URL, lanes: Int) -> URL { runsFolder.appendingPathComponent("results-\(url.deletingPathExtension().lastPathComponent)-x\(lanes)-\(tag).txt") }
        let commands = [stimulus, build.standardStimulus].flatMap { input in
            cores.map { core in
                (build.binary(core.name).path, ["--stimulus", input.path, "--results", results(input, lanes: core.lanes).path])
            }
        }
        let outcomes = try runProcesses(commands)
        defer { for c in commands { try? fm.removeItem(atPath: c.1[3]) } }
        var errors = ""
        for (o, c) in zip(outcomes, commands) where o.status != 0 && o.status != 1 {
            errors += "\(URL(fileURLWithPath: c.0).lastPathComponent) exited with \(o.status): \(o.stderr)"
        }
        func parsed(_ input: URL, _ lanes: Int) -> [CosimRunResult] {
            (try? String(contentsOf: results(input, lanes: lanes), encoding: .utf8)).flatMap { try? CosimRunResult.parse($0) } ?? []
        }

        var report = CSimReport(
            configuration: config.name, configurationSHA256: SHA256.hex(try HLSProject.configJSON(config)),
            images: images.map(\.name), tables: request.tableSets.map(\.label), modes: request.modes.map(\.rawValue),
            lanes: request.lanes, blocks: blocks, blockRuns: 0, expectedBlockRuns: blocks * request.modes.count * request.lanes.count,
            mismatchedValues: 0, mismatchedRuns: 0, flagErrors: 0, firstMismatch: nil, firstFlagError: nil,
            standardVectorRuns: 0, standardVectorMismatches: 0,
            compileSeconds: build.compileSeconds, compileCached: build.cached, compilerWarnings: build.compilerOutput,
            csimSeconds: 0, csimSecondsPerBlock: [:], csimCyclesPerSecond: [:],
            swiftSecondsPerBlock: Dictionary(uniqueKeysWithValues: swiftSeconds.map { ($0.key.rawValue, blocks > 0 ? $0.value / Double(blocks) : 0) }),
            testbenchErrors: errors, passed: false)
        var allPassed = errors.isEmpty
        for core in cores {
            let image = parsed(stimulus, core.lanes)
            if image.count != labels.count {
                report.testbenchErrors += "\(core.name) reported \(image.count) runs of \(labels.count)\n"
                allPassed = false
            }
            var seconds = 0.0, cycles = 0, out = 0
            for r in image {
                allPassed = allPassed && r.passed
                let blocksOut = r.outBeats * core.lanes / 64
                report.blockRuns += blocksOut
                out += blocksOut
                seconds += r.seconds
                cycles += r.cycles
                report.mismatchedValues += r.mismatches
                report.mismatchedRuns += r.mismatches > 0 ? 1 : 0
                let flags = flagErrors(r)
                report.flagErrors += flags
                guard labels.indices.contains(r.job) else { continue }
                let label = labels[r.job]
                if r.mismatches > 0 && report.firstMismatch == nil {
                    let (component, block) = label.job.locate(block: r.mismatchBlock)
                    report.firstMismatch = .init(image: label.image, component: component, tables: label.tables,
                                                 mode: label.job.mode.rawValue, top: core.name, block: block, index: r.mismatchIndex,
                                                 row: r.mismatchIndex / 8, column: r.mismatchIndex % 8,
                                                 expected: r.mismatchExpected, actual: r.mismatchActual)
                }
                if flags > 0 && report.firstFlagError == nil {
                    report.firstFlagError = "\(core.name), \(label.image), \(label.tables), \(label.job.mode.rawValue): " + describe(r)
                }
            }
            report.csimSeconds += seconds
            report.csimSecondsPerBlock[core.name] = out > 0 ? seconds / Double(out) : 0
            report.csimCyclesPerSecond[core.name] = seconds > 0 ? Double(cycles) / seconds : 0
            let standard = parsed(build.standardStimulus, core.lanes)
            if standard.isEmpty { allPassed = false }
            for r in standard {
                allPassed = allPassed && r.passed
                report.standardVectorRuns += r.outBeats * core.lanes / 64
                report.standardVectorMismatches += r.mismatches + flagErrors(r)
            }
        }
        report.passed = allPassed && report.blockRuns == report.expectedBlockRuns && report.standardVectorRuns > 0
        return report
    }

    /// Everything a run found wrong besides the values.
    static func flagErrors(_ r: CosimRunResult) -> Int {
        r.tlastErrors + r.tuserErrors + r.axiViolations + r.extraBeats + (r.framingError ? 1 : 0) + (r.timeout ? 1 : 0)
            + (r.inBeats != r.expectedBeats || r.outBeats != r.expectedBeats ? 1 : 0)
    }

    static func describe(_ r: CosimRunResult) -> String {
        "\(r.inBeats) of \(r.expectedBeats) beats in, \(r.outBeats) out, \(r.extraBeats) extra; tlast errors \(r.tlastErrors), "
            + "tuser errors \(r.tuserErrors), AXI4-Stream violations \(r.axiViolations)\(r.framingError ? ", framing error" : "")"
            + (r.timeout ? ", timeout" : "")
    }
}
