import Foundation

/// Runs the built `fxcodec` binary ($FXCODEC_BIN from scripts/test, else .build/release or debug).
enum CLI {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let sharedImages = repository.deletingLastPathComponent().appendingPathComponent("shared/images")

    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["FXCODEC_BIN"], FileManager.default.isExecutableFile(atPath: b) {
            return b
        }
        for c in ["release", "debug"] {
            let p = repository.appendingPathComponent(".build/\(c)/fxcodec").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return "fxcodec"
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try runProgram(binary, arguments, environment: environment)
    }

    /// `environment` is added to this process's.
    static func runProgram(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("fxcodec-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}

extension CLI {
    /// Runs the binary under GNU time (installed by scripts/setup), which forks it from a small process
    /// and reports its own peak resident size. (The child of this test process cannot be measured with
    /// wait4 directly: a vfork-style spawn carries the test process's high-water mark into the child.)
    static func runMeasured(_ arguments: [String], in folder: URL) throws -> (result: Result, peakBytes: Int) {
        let peakFile = folder.appendingPathComponent("peak.txt").path
        let r = try runProgram("/usr/bin/time", ["-f", "%M", "-o", peakFile, binary] + arguments)
        let kilobytes = Int((try String(contentsOfFile: peakFile, encoding: .utf8))
            .split(separator: "\n").last { Int($0) != nil } ?? "") ?? Int.max / 1024
        return (r, kilobytes * 1024)
    }

    /// Keys written in camelCase anywhere in a JSON document (every command writes snake_case; data
    /// maps such as channel or cell names may be upper case, never camelCase).
    static func camelCaseKeys(_ json: Any, path: String = "") -> [String] {
        if let d = json as? [String: Any] {
            return d.flatMap { key, value -> [String] in
                let own = key.range(of: "[a-z][A-Z]", options: .regularExpression) != nil ? ["\(path).\(key)"] : []
                return own + camelCaseKeys(value, path: "\(path).\(key)")
            }
        }
        if let a = json as? [Any] { return a.flatMap { camelCaseKeys($0, path: path + "[]") } }
        return []
    }
}
