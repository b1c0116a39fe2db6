import Foundation
import Golden

/// Everything an HLS project is rendered from.
public struct HLSProjectSpec: Sendable {
    public var config: DatapathConfig
    /// Luminance and chrominance tables (one table serves both when only one is given): the default
    /// tables in `src/fxcodec_tables.h` and the tables of the standard vectors.
    public var tables: [QuantTable]
    /// How the tables were chosen, for headers: "IJG quality 75", "file q.txt (sha256 …)".
    public var tableDescription: String
    /// The tops compiled into the sources and the testbench.
    public var tops: [HLSTop]
    /// The top `run_hls.tcl` and `hls_config.cfg` synthesize.
    public var synthesisTop: HLSTop
    public var part: String
    public var clockNs: Double
    /// The command that regenerates this project, printed in every file header.
    public var command: String

    public init(config: DatapathConfig, tables: [QuantTable], tableDescription: String, tops: [HLSTop],
                synthesisTop: HLSTop, part: String = HLSProject.defaultPart,
                clockNs: Double = HLSProject.defaultClockNs, command: String) {
        self.config = config
        self.tables = tables.count == 1 ? [tables[0], tables[0]] : tables
        self.tableDescription = tableDescription
        self.tops = tops
        self.synthesisTop = synthesisTop
        self.part = part
        self.clockNs = clockNs
        self.command = command
    }
}

extension HLSProjectSpec {
    /// The `fxcodec hls` command line that renders a project with these settings into `out`.
    public static func command(out: String, configArguments: [String], tableArguments: [String], top: HLSTop,
                               part: String, clockNs: Double, allTops: Bool) -> String {
        var words = ["fxcodec", "hls", "--out", out] + configArguments + tableArguments
        words += ["--mode", top.mode.rawValue, "--lanes", String(top.lanes), "--part", part, "--clock-ns", String(clockNs)]
        if allTops { words.append("--all-tops") }
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// A project with the IJG tables of `quality`, exactly as `fxcodec hls` renders it.
    public static func ijg(quality: Int, config: DatapathConfig, configArguments: [String], top: HLSTop,
                           allTops: Bool = false, out: String, part: String = HLSProject.defaultPart,
                           clockNs: Double = HLSProject.defaultClockNs) -> HLSProjectSpec {
        HLSProjectSpec(config: config, tables: QuantTable.ijg(quality: quality), tableDescription: "IJG quality \(quality)",
                       tops: allTops ? HLSTop.all : [top], synthesisTop: top, part: part, clockNs: clockNs,
                       command: command(out: out, configArguments: configArguments, tableArguments: ["-q", String(quality)],
                                        top: top, part: part, clockNs: clockNs, allTops: allTops))
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
        guard spec.tops.contains(spec.synthesisTop) else {
            throw HLSGenError("the synthesis top \(spec.synthesisTop) is not among the rendered tops")
        }
        let design = try HLSDesign(spec.config)
        let json = try configJSON(spec.config)
        let provenance = Provenance(command: spec.command, configName: spec.config.name, configHash: SHA256.hex(json),
                                    tables: spec.tableDescription)
        let core = CorePrinter(design: design, tops: spec.tops, banner: provenance.comment("//"))
        let bench = TestbenchPrinter(core: core, tops: spec.tops, banner: provenance.comment("//"))
        let vectors = try StandardStimulus.file(design: design, tables: spec.tables, modes: spec.tops.map(\.mode),
                                                note: provenance.lines.joined(separator: "\n"))
        let build = BuildFiles(spec: spec, design: design, json: json, provenance: provenance, vectors: vectors)

        func text(_ path: String, _ s: String) -> GeneratedFile { GeneratedFile(path: path, contents: Array(s.utf8)) }
        return [
            text("README.md", build.readme()),
            text(".gitignore", provenance.comment("#") + "build/\nfxcodec_hls/\n"),
            text("Makefile", build.makefile()),
            text("run_hls.tcl", build.tcl()),
            text("hls_config.cfg", build.vitisConfig()),
            text("src/fxcodec.h", try core.header()),
            text("src/fxcodec.cpp", try core.source()),
            text("src/fxcodec_tables.h", core.tables(spec.tables, description: spec.tableDescription)),
            text("tb/fxcodec_tb.cpp", bench.source()),
            GeneratedFile(path: "tb/vectors.bin", contents: vectors.encoded()),
            text("\(StandIns.directory)/hls_stream.h", StandIns.hlsStream(banner: provenance.comment("//"))),
            text("\(StandIns.directory)/ap_axi_sdata.h", StandIns.axiStream(banner: provenance.comment("//"))),
        ]
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
