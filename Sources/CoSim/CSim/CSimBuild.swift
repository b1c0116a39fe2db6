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

/// A C-simulation testbench compiled from a rendered project with g++, kept in a cache folder named
/// by a hash of everything that decides the binary (sources, flags, compiler version, header path),
/// so the same design is compiled once.
public struct CSimBuild: Sendable {
    /// The project folder the binary was compiled in.
    public var folder: URL
    public var binary: URL
    /// Wall time of the compile that made the binary (recorded when it was made).
    public var compileSeconds: Double
    /// True when the binary came from the cache.
    public var cached: Bool
    /// Everything g++ wrote to stderr (warnings) for both translation units and the link.
    public var compilerOutput: String

    public var standardVectors: URL { folder.appendingPathComponent("tb/vectors.bin") }

    static let logName = "build/compile.log"

    public static func build(_ files: [GeneratedFile], cache: URL, apTypes: URL) throws -> CSimBuild {
        let version = try runProcess(CSimToolchain.compiler, ["-dumpfullversion"])
        guard version.succeeded else { throw CSimError("\(CSimToolchain.compiler) is not usable: \(version.stderr)") }
        var key: [UInt8] = Array("\(CSimToolchain.flags)|\(version.stdout)|\(apTypes.path)|".utf8)
        for file in files where file.path.hasSuffix(".cpp") || file.path.hasSuffix(".h") {
            key += Array("\(file.path)|\(file.contents.count)|".utf8) + file.contents
        }
        let folder = cache.appendingPathComponent(String(SHA256.hex(key).prefix(24)))
        let binary = folder.appendingPathComponent("build/fxcodec_tb")
        let log = folder.appendingPathComponent(logName)
        try HLSProject.write(files, to: folder)

        let fm = FileManager.default
        if fm.isExecutableFile(atPath: binary.path), let text = try? String(contentsOf: log, encoding: .utf8) {
            let (seconds, output) = parseLog(text)
            return CSimBuild(folder: folder, binary: binary, compileSeconds: seconds, cached: true, compilerOutput: output)
        }

        try fm.createDirectory(at: folder.appendingPathComponent("build"), withIntermediateDirectories: true)
        let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))"
        let objects = CSimToolchain.sources.map { "build/\(URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent)-\(unique).o" }
        let includes = CSimToolchain.includes(apTypes: apTypes.path)
        let start = Date()
        let compiles = try runProcesses(zip(CSimToolchain.sources, objects).map { source, object in
            (CSimToolchain.compiler, includes + CSimToolchain.flags + ["-c", source, "-o", object])
        }, in: folder)
        var output = compiles.map(\.stderr).joined()
        if let failed = compiles.first(where: { !$0.succeeded }) {
            throw CSimError("g++ failed in \(folder.path):\n\(failed.stderr)")
        }
        let temporary = "build/fxcodec_tb-\(unique)"
        let link = try runProcess(CSimToolchain.compiler, objects + ["-o", temporary], in: folder)
        output += link.stderr
        for object in objects { try? fm.removeItem(at: folder.appendingPathComponent(object)) }
        guard link.succeeded else { throw CSimError("linking the testbench failed:\n\(link.stderr)") }
        let seconds = Date().timeIntervalSince(start)
        // The binary appears under its name only when complete; another run may have raced us to it.
        _ = try? fm.removeItem(at: binary)
        try fm.moveItem(at: folder.appendingPathComponent(temporary), to: binary)
        try Data("seconds=\(seconds)\n\(output)".utf8).write(to: log, options: .atomic)
        return CSimBuild(folder: folder, binary: binary, compileSeconds: seconds, cached: false, compilerOutput: output)
    }

    static func parseLog(_ text: String) -> (Double, String) {
        guard let newline = text.firstIndex(of: "\n"), text.hasPrefix("seconds=") else { return (0, text) }
        let seconds = Double(text[text.index(text.startIndex, offsetBy: 8)..<newline]) ?? 0
        return (seconds, String(text[text.index(after: newline)...]))
    }
}
