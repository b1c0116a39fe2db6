import Foundation
import Golden
import HLSGen

public struct VerilatorError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A compiled co-simulation: the Verilated core with the mode at run time (`fxc_core_x8` or
/// `fxc_core_x1`) and the harness, built once per design and kept in a cache folder named by a hash
/// of everything that goes into it (RTL, harness, flags, Verilator version), so an unchanged design
/// is never rebuilt. Builds go to a temporary folder that is renamed into place when complete, so
/// concurrent builders and interrupted builds never leave a half-built cache entry.
public struct VerilatorBuild: Sendable {
    public let folder: URL
    public let binary: URL
    public let lanes: Int
    public let laneBits: Int
    public let tracing: Bool
    /// False when the cache already held it.
    public let built: Bool
    public let seconds: Double

    /// The flags the brief and the hardware notes prescribe, plus -j 2.
    public static let fastFlags = ["--cc", "--exe", "--build", "-O3", "--x-assign", "fast", "--x-initial", "fast",
                                   "--noassert", "-j", "2"]

    /// `$FXCODEC_CACHE`, else `~/.cache/fxcodec`.
    public static var defaultCacheRoot: URL {
        if let root = ProcessInfo.processInfo.environment["FXCODEC_CACHE"], !root.isEmpty {
            return URL(fileURLWithPath: root)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/fxcodec")
    }

    private static let lock = NSLock()

    /// Builds (or finds) the co-simulation of `design` at `lanes`; one build at a time per process, and
    /// one build of a model at a time across processes.
    public static func build(design: RTLDesign, lanes: Int, tracing: Bool = false,
                             cacheRoot: URL = defaultCacheRoot) throws -> VerilatorBuild {
        let command = "fxcodec cosim (Verilator build, \(lanes) lane\(lanes == 1 ? "" : "s"))"
        let sources = try design.coreFiles(command: command) + SimulationSources.files(design: design, command: command)
        return try build(sources: sources, compiled: sources.filter { $0.path != SimulationSources.icarusFile },
                         top: RTLDesign.coreName(lanes: lanes), lanes: lanes, laneBits: design.laneBits,
                         family: "obj_\(design.config.name)_x\(lanes)\(tracing ? "_trace" : "")_", tracing: tracing,
                         cacheRoot: cacheRoot)
    }

    /// The harness built against other Verilog whose top `top` has the core's ports (a stand-in for
    /// tests); cached like the core, in folders named after `top`.
    static func build(verilog: [GeneratedFile], top: String, lanes: Int, laneBits: Int,
                      cacheRoot: URL = defaultCacheRoot) throws -> VerilatorBuild {
        let sources = verilog + [GeneratedFile(path: CosimHarness.verilatorFileName, text: CosimHarness.verilator)]
        return try build(sources: sources, compiled: sources, top: top, lanes: lanes, laneBits: laneBits,
                         family: "obj_\(top)_x\(lanes)_", tracing: false, cacheRoot: cacheRoot)
    }

    /// Writes `sources`, runs Verilator on `compiled` (the harness among them) with `top` as the top
    /// module, in a cache folder `family` + a hash of everything that goes in.
    static func build(sources: [GeneratedFile], compiled: [GeneratedFile], top: String, lanes: Int, laneBits: Int,
                      family: String, tracing: Bool, cacheRoot: URL) throws -> VerilatorBuild {
        lock.lock()
        defer { lock.unlock() }
        let start = Date()
        var arguments = fastFlags + ["--top-module", top, "--prefix", "Vcore",
                                     "--Mdir", "obj", "-o", "Vcore",
                                     "-CFLAGS", "-DFXC_LANES=\(lanes)", "-CFLAGS", "-DFXC_LANE_BITS=\(laneBits)"]
        if tracing { arguments += ["--trace", "-CFLAGS", "-DFXC_TRACE"] }
        arguments += compiled.map(\.path)

        let version = try verilatorVersion()
        var fingerprint = Array("\(version)\n\(arguments.joined(separator: " "))\n".utf8)
        for file in sources { fingerprint += Array("\(file.path)\n".utf8) + file.contents }
        let key = String(SHA256.hex(fingerprint).prefix(16))
        let name = family + key
        // One build of a model at a time across processes too (a test and a command it runs).
        return try withFileLock(cacheRoot.appendingPathComponent(name + ".lock")) {
            try build(sources: sources, arguments: arguments, name: name, family: family, key: key, lanes: lanes, laneBits: laneBits,
                      tracing: tracing, cacheRoot: cacheRoot, start: start)
        }
    }

    /// The build of `build(sources:…)`, its lock held.
    private static func build(sources: [GeneratedFile], arguments: [String], name: String, family: String, key: String, lanes: Int,
                              laneBits: Int, tracing: Bool, cacheRoot: URL, start: Date) throws -> VerilatorBuild {
        let folder = cacheRoot.appendingPathComponent(name)
        let binary = folder.appendingPathComponent("obj/Vcore")
        let fm = FileManager.default
        if fm.isExecutableFile(atPath: binary.path) {
            return VerilatorBuild(folder: folder, binary: binary, lanes: lanes, laneBits: laneBits,
                                  tracing: tracing, built: false, seconds: Date().timeIntervalSince(start))
        }
        try fm.createDirectory(at: cacheRoot, withIntermediateDirectories: true)
        let scratch = cacheRoot.appendingPathComponent("\(name).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: scratch)
        try HLSProject.write(sources, to: scratch)
        let outcome = try runProcess("verilator", arguments, in: scratch)
        guard outcome.succeeded, fm.isExecutableFile(atPath: scratch.appendingPathComponent("obj/Vcore").path) else {
            let log = (outcome.stderr + outcome.stdout).split(separator: "\n").suffix(30).joined(separator: "\n")
            throw VerilatorError("verilator failed (exit \(outcome.status)) in \(scratch.path):\n\(log)")
        }
        do {
            try fm.moveItem(at: scratch, to: folder)
        } catch {
            // Another process finished the same build first: use its copy.
            try? fm.removeItem(at: scratch)
            guard fm.isExecutableFile(atPath: binary.path) else { throw error }
        }
        // Older builds of the same configuration and width are stale now: remove them.
        for old in (try? fm.contentsOfDirectory(atPath: cacheRoot.path)) ?? []
        where old.hasPrefix(family) && old != name && !old.contains(".partial-") && old.dropFirst(family.count).count == key.count {
            try? fm.removeItem(at: cacheRoot.appendingPathComponent(old))
        }
        return VerilatorBuild(folder: folder, binary: binary, lanes: lanes, laneBits: laneBits,
                              tracing: tracing, built: true, seconds: Date().timeIntervalSince(start))
    }

    static func verilatorVersion() throws -> String {
        let outcome = try runProcess("verilator", ["--version"])
        guard outcome.succeeded else {
            throw VerilatorError("verilator is not installed or does not run (scripts/setup installs it)")
        }
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
