import Foundation
import HLSGen

public struct CSimError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Where the ap_types headers are: `$FXCODEC_AP_TYPES`, else `.deps/ap_types` in the first of
/// `searchFrom` and its parents that has one (scripts/setup installs them there).
public func locateAPTypes(searchFrom start: [URL]) throws -> URL {
    try locateDependency("ap_types", marker: "ap_fixed.h", environment: "FXCODEC_AP_TYPES", searchFrom: start) {
        CSimError($0)
    } missing: { CSimError("the ap_types headers are missing: run scripts/setup, or set FXCODEC_AP_TYPES") }
}

/// A folder scripts/setup installs into `.deps/<name>` (recognised by the file `marker` in it): the
/// folder `$<environment>` names, else the first `.deps/<name>` in `searchFrom` or its parents.
func locateDependency(_ name: String, marker: String, environment: String, searchFrom start: [URL],
                      error: (String) -> Error, missing: () -> Error) throws -> URL {
    let fm = FileManager.default
    if let env = ProcessInfo.processInfo.environment[environment], !env.isEmpty {
        guard fm.fileExists(atPath: env + "/" + marker) else { throw error("\(environment)=\(env) holds no \(marker)") }
        return URL(fileURLWithPath: env)
    }
    for origin in start {
        var folder = origin.standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent(".deps/\(name)")
            if fm.fileExists(atPath: candidate.appendingPathComponent(marker).path) { return candidate }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
    }
    throw missing()
}

/// The C-simulation testbenches of a rendered project (one per printed function) compiled with g++,
/// kept in a cache folder named by a hash of everything that decides the binaries (sources, flags,
/// compiler version, header path), so the same design is compiled once.
public struct CSimBuild: Sendable {
    /// The project folder the binaries were compiled in.
    public var folder: URL
    /// The printed functions, in the project's order (the synthesis top first).
    public var functions: [String]
    /// Wall time of the compile that made the binaries (recorded when they were made).
    public var compileSeconds: Double
    /// True when the binaries came from the cache.
    public var cached: Bool
    /// Everything g++ wrote to stderr (warnings) for every translation unit and link.
    public var compilerOutput: String

    /// The testbench of `function`.
    public func binary(_ function: String) -> URL { folder.appendingPathComponent(CSimToolchain.binary(function)) }
    public var standardStimulus: URL { folder.appendingPathComponent(CSimToolchain.stimulus) }

    static let logName = "build/compile.log"

    /// `contents` without its opening lines of `//` comment.
    static func codeAfterOpeningComment(_ contents: [UInt8]) -> ArraySlice<UInt8> {
        var at = 0
        while contents.count >= at + 2 && contents[at] == UInt8(ascii: "/") && contents[at + 1] == UInt8(ascii: "/") {
            guard let end = contents[at...].firstIndex(of: UInt8(ascii: "\n")) else { return contents[contents.count...] }
            at = end + 1
        }
        return contents[at...]
    }
    private static let lock = NSLock()

    /// Compiles `files` (or finds them compiled); one compile of a design at a time, in this process
    /// and across processes (a lock file beside its folder), so that two callers of one design compile
    /// it once and the second finds it in the cache. The key leaves out each file's opening comment
    /// (the generated-file header, which names the command that wrote it): the same code written by
    /// two commands is compiled once.
    public static func build(_ files: [GeneratedFile], cache: URL, apTypes: URL) throws -> CSimBuild {
        lock.lock()
        defer { lock.unlock() }
        let version = try runProcess(CSimToolchain.compiler, ["-dumpfullversion"])
        guard version.succeeded else { throw CSimError("\(CSimToolchain.compiler) is not usable: \(version.stderr)") }
        var key: [UInt8] = Array("\(CSimToolchain.flags)|\(version.stdout)|\(apTypes.path)|".utf8)
        for file in files where file.path.hasSuffix(".cpp") || file.path.hasSuffix(".h") {
            let code = codeAfterOpeningComment(file.contents)
            key += Array("\(file.path)|\(code.count)|".utf8) + code
        }
        let name = String(SHA256.hex(key).prefix(24))
        let folder = cache.appendingPathComponent(name)
        return try withFileLock(cache.appendingPathComponent(name + ".lock")) {
            try build(files, in: folder, apTypes: apTypes)
        }
    }

    /// The compile of `build`, its lock held.
    private static func build(_ files: [GeneratedFile], in folder: URL, apTypes: URL) throws -> CSimBuild {
        let functions = CSimToolchain.functions(files)
        let log = folder.appendingPathComponent(logName)
        try HLSProject.write(files, to: folder)

        let fm = FileManager.default
        func made(_ f: String) -> Bool { fm.isExecutableFile(atPath: folder.appendingPathComponent(CSimToolchain.binary(f)).path) }
        if functions.allSatisfy(made), let text = try? String(contentsOf: log, encoding: .utf8) {
            let (seconds, output) = parseLog(text)
            return CSimBuild(folder: folder, functions: functions, compileSeconds: seconds, cached: true, compilerOutput: output)
        }

        try fm.createDirectory(at: folder.appendingPathComponent("build"), withIntermediateDirectories: true)
        let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))"
        let includes = CSimToolchain.includes(apTypes: apTypes.path)
        let units = functions.flatMap { f in [CSimToolchain.source(f), CSimToolchain.testbench(f)] }
        func object(_ unit: String) -> String { "build/\(URL(fileURLWithPath: unit).deletingPathExtension().lastPathComponent)-\(unique).o" }
        let start = Date()
        let compiles = try runProcesses(units.map { unit in
            (CSimToolchain.compiler, includes + CSimToolchain.flags + ["-c", unit, "-o", object(unit)])
        }, in: folder)
        var output = compiles.map(\.stderr).joined()
        if let failed = compiles.first(where: { !$0.succeeded }) {
            throw CSimError("g++ failed in \(folder.path):\n\(failed.stderr)")
        }
        defer { for unit in units { try? fm.removeItem(at: folder.appendingPathComponent(object(unit))) } }
        for f in functions {
            // A binary appears under its name only when complete; another run may have raced us to it.
            let temporary = "\(CSimToolchain.binary(f))-\(unique)"
            let link = try runProcess(CSimToolchain.compiler, [object(CSimToolchain.source(f)), object(CSimToolchain.testbench(f)),
                                                               "-o", temporary], in: folder)
            output += link.stderr
            guard link.succeeded else { throw CSimError("linking the testbench of \(f) failed:\n\(link.stderr)") }
            let binary = folder.appendingPathComponent(CSimToolchain.binary(f))
            _ = try? fm.removeItem(at: binary)
            try fm.moveItem(at: folder.appendingPathComponent(temporary), to: binary)
        }
        let seconds = Date().timeIntervalSince(start)
        try Data("seconds=\(seconds)\n\(output)".utf8).write(to: log, options: .atomic)
        return CSimBuild(folder: folder, functions: functions, compileSeconds: seconds, cached: false, compilerOutput: output)
    }

    static func parseLog(_ text: String) -> (Double, String) {
        guard let newline = text.firstIndex(of: "\n"), text.hasPrefix("seconds=") else { return (0, text) }
        let seconds = Double(text[text.index(text.startIndex, offsetBy: 8)..<newline]) ?? 0
        return (seconds, String(text[text.index(after: newline)...]))
    }
}
