import Foundation
import Golden
import Hardware

/// Everything an HLS project is rendered from.
public struct HLSProjectSpec: Sendable {
    public var config: DatapathConfig
    /// Luminance and chrominance tables (one table serves both when only one is given): the tables the
    /// printed core holds after reset, and those of the standard stimulus.
    public var tables: [QuantTable]
    /// How the tables were chosen, for headers: "IJG quality 75", "file q.txt (sha256 …)".
    public var tableDescription: String
    /// The top `run_hls.tcl` and `hls_config.cfg` synthesize: the core with its mode tied.
    public var synthesisTop: HLSTop
    /// Lane counts of the cores with the mode at run time printed beside it (each with its testbench):
    /// the synthesis top's by default, 1 and 8 for the C-simulation build (`--all-tops`).
    public var coreLanes: [Int]
    public var part: String
    public var clockNs: Double
    /// The command that regenerates this project, printed in every file header.
    public var command: String
    /// When set, the project is the raster encode top (this front end into the 8-lane encoder) instead
    /// of the core, with the raster harness as its testbench and `tb/stimulus.fxcr`.
    public var raster: RasterFront?

    public init(config: DatapathConfig, tables: [QuantTable], tableDescription: String, synthesisTop: HLSTop,
                coreLanes: [Int]? = nil, part: String = HLSProject.defaultPart,
                clockNs: Double = HLSProject.defaultClockNs, command: String) {
        self.config = config
        self.tables = tables.count == 1 ? [tables[0], tables[0]] : tables
        self.tableDescription = tableDescription
        self.synthesisTop = synthesisTop
        self.coreLanes = coreLanes ?? [synthesisTop.lanes]
        self.part = part
        self.clockNs = clockNs
        self.command = command
    }
}

extension HLSProjectSpec {
    /// The `fxcodec hls` command line that renders a project with these settings into `out`.
    public static func command(out: String, configArguments: [String], tableArguments: [String], top: HLSTop,
                               part: String, clockNs: Double, allTops: Bool, frontWords: [String] = []) -> String {
        var words = ["fxcodec", "hls", "--out", out] + configArguments + tableArguments
        words += ["--mode", top.mode.rawValue, "--lanes", String(top.lanes), "--part", part, "--clock-ns", String(clockNs)]
        if allTops { words.append("--all-tops") }
        words += frontWords
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// A project with the IJG tables of `quality`, exactly as `fxcodec hls` renders it.
    public static func ijg(quality: Int, config: DatapathConfig, configArguments: [String], top: HLSTop,
                           allTops: Bool = false, out: String, part: String = HLSProject.defaultPart,
                           clockNs: Double = HLSProject.defaultClockNs, frontWords: [String] = []) -> HLSProjectSpec {
        HLSProjectSpec(config: config, tables: QuantTable.ijg(quality: quality), tableDescription: "IJG quality \(quality)",
                       synthesisTop: top, coreLanes: allTops ? HLSTop.allLanes : nil, part: part, clockNs: clockNs,
                       command: command(out: out, configArguments: configArguments, tableArguments: ["-q", String(quality)],
                                        top: top, part: part, clockNs: clockNs, allTops: allTops, frontWords: frontWords))
    }
}

extension HLSProjectSpec {
    /// The raster project committed under `hls/raster`: the default raster front end (1 pixel a beat,
    /// frames up to 2048 wide) into the 8-lane encoder, quality 75, exactly as its command renders it.
    public static var committedRaster: HLSProjectSpec {
        let front = RasterFront(colorBits: DatapathConfig.libjpeg.colorBits)
        var spec = ijg(quality: 75, config: .libjpeg, configArguments: ["--preset", DatapathConfig.libjpeg.name],
                       top: HLSTop(mode: .encode, lanes: 8), out: "hls/raster",
                       frontWords: ["--front", "raster", "--pixels-per-beat", String(front.pixels), "--max-width", String(front.rows.maxWidth)])
        spec.raster = front
        return spec
    }
}

/// A word as a POSIX shell reads it back: unchanged when it is plain, else in single quotes.
public func shellQuoted(_ word: String) -> String {
    let plain = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:+,".contains($0)) }
    return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// One file of a rendered project, path relative to the project folder.
public struct GeneratedFile: Sendable, Equatable {
    public var path: String
    public var contents: [UInt8]
    public var text: String { String(decoding: contents, as: UTF8.self) }
}

/// Renders the golden model's datapath configuration as an HLS project (see README.md in a project).
public enum HLSProject {
    public static let defaultPart = "xc7z020clg400-1"
    public static let defaultClockNs = 5.0

    /// The configuration as canonical JSON (sorted keys, no spaces): what the header hash is of.
    public static func configJSON(_ config: DatapathConfig) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(config), as: UTF8.self)
    }

    /// Every file of the project, in a fixed order; the same spec always gives the same bytes.
    public static func render(_ spec: HLSProjectSpec) throws -> [GeneratedFile] {
        // The kernels are pipelined for the clock the project is synthesized at.
        let rtl = try RTLDesign(config: spec.config, tables: spec.tables, tableDescription: spec.tableDescription,
                                target: try ClockTarget(mhz: 1000 / spec.clockNs))
        let json = try configJSON(spec.config)
        let provenance = Provenance(command: spec.command, configName: spec.config.name, configHash: SHA256.hex(json),
                                    tables: spec.tableDescription)
        let banner = provenance.comment("//")
        if let raster = spec.raster {
            return try renderRaster(spec, raster: raster, rtl: rtl, json: json, provenance: provenance)
        }
        let top = spec.synthesisTop
        var functions: [(module: Module, lanes: Int, fixedMode: CodecMode?)] =
            [(try rtl.topModule(mode: top.mode, lanes: top.lanes), top.lanes, top.mode)]
        for lanes in spec.coreLanes { functions.append((try rtl.coreModule(lanes: lanes), lanes, nil)) }
        let modes = spec.coreLanes.isEmpty ? [top.mode] : CodecMode.allCases
        let stimulus = StimulusFile.bytes(try StandardStimulus.jobs(rtl: rtl, modes: modes), note: provenance.lines.joined(separator: "\n"),
                                          lanes: nil, laneBits: rtl.laneBits)
        let build = BuildFiles(spec: spec, rtl: rtl, design: try HLSDesign(spec.config), topModule: functions[0].module, functions: functions.map(\.module.name), json: json, provenance: provenance)

        func text(_ path: String, _ s: String) -> GeneratedFile { GeneratedFile(path: path, contents: Array(s.utf8)) }
        var files = [
            text("README.md", build.readme()),
            text(".gitignore", provenance.comment("#") + "build/\nfxcodec_hls/\n"),
            text("Makefile", build.makefile()),
            text("run_hls.tcl", build.tcl()),
            text("hls_config.cfg", build.vitisConfig()),
        ]
        for f in functions {
            let name = f.module.name
            files.append(text(CSimToolchain.header(name), banner + "\n" + header(f.module)))
            files.append(text(CSimToolchain.source(name), banner + "\n" + HLSPrinter.text(f.module)))
            files.append(text(CSimToolchain.testbench(name), banner + "\n"
                + (try CosimHarness.hls(f.module, header: "../" + CSimToolchain.header(name), lanes: f.lanes,
                                        laneBits: rtl.laneBits, fixedMode: f.fixedMode.map { Int($0.code) }))))
        }
        files.append(GeneratedFile(path: CSimToolchain.stimulus, contents: stimulus))
        return files
    }

    /// The raster project: build files, the raster encode top's function, header and testbench, and the
    /// standard raster stimulus.
    static func renderRaster(_ spec: HLSProjectSpec, raster: RasterFront, rtl: RTLDesign, json: String,
                             provenance: Provenance) throws -> [GeneratedFile] {
        let module = try raster.encodeModule(design: rtl)
        let build = BuildFiles(spec: spec, rtl: rtl, design: try HLSDesign(spec.config), topModule: module, functions: [module.name],
                               json: json, provenance: provenance)
        let stimulus = RasterStimulusFormat.bytes(try RasterJobs.standard(design: rtl, pixels: raster.pixels),
                                                  note: provenance.lines.joined(separator: "\n"), laneBits: rtl.laneBits)
        func text(_ path: String, _ s: String) -> GeneratedFile { GeneratedFile(path: path, contents: Array(s.utf8)) }
        return [
            text("README.md", build.rasterReadme(raster)),
            text(".gitignore", provenance.comment("#") + "build/\nfxcodec_hls/\n"),
            text("Makefile", build.makefile()),
            text("run_hls.tcl", build.tcl()),
            text("hls_config.cfg", build.vitisConfig()),
        ] + (try raster.cSimFiles(design: rtl, banner: provenance.comment("//")))
            + [GeneratedFile(path: CSimToolchain.rasterStimulus, contents: stimulus)]
    }

    /// The prototype of a printed step function, for its testbench and for drivers.
    static func header(_ module: Module) -> String {
        let guardName = module.name.uppercased() + "_H"
        return (["#ifndef \(guardName)", "#define \(guardName)", ""] + HLSPrinter.include("ap_int.h") + [
            "",
            "// One call is one clock (see \(HLSPrinter.fileName(module))): inputs by value, outputs by reference.",
            "void \(module.name)(\(HLSPrinter.parameters(module).joined(separator: ", ")));",
            "",
            "#endif",
        ]).joined(separator: "\n") + "\n"
    }

    /// Writes the files under `folder`, creating folders; files already there are replaced only when
    /// their bytes differ (so timestamps, and make, see only real changes).
    public static func write(_ files: [GeneratedFile], to folder: URL) throws {
        let fm = FileManager.default
        for file in files {
            let url = folder.appendingPathComponent(file.path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if let existing = fm.contents(atPath: url.path), Array(existing) == file.contents { continue }
            try Data(file.contents).write(to: url, options: .atomic)
        }
    }
}

/// The header every generated file starts with: the generator, the configuration (name and hash of
/// its canonical JSON), the tables, and the exact command that regenerates the file.
struct Provenance {
    let command: String
    let configName: String
    let configHash: String
    let tables: String

    var lines: [String] {
        ["Generated by fxcodec from the golden model's datapath; do not edit, regenerate with:",
         "  \(command)",
         "Configuration \"\(configName)\", sha256 \(configHash) of its JSON (see README.md).",
         "Quantization tables: \(tables)."]
    }

    func comment(_ prefix: String) -> String { lines.map { "\(prefix) \($0)" }.joined(separator: "\n") + "\n" }
}
