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

    static func run(_ arguments: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
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

#if canImport(Glibc)
import Glibc
#endif

extension CLI {
    /// Runs the binary with posix_spawn and reaps it with wait4, so that its own peak resident size is
    /// known (not that of other children of the test process). Output goes to files in `folder`.
    static func runMeasured(_ arguments: [String], in folder: URL) throws -> (result: Result, peakBytes: Int) {
        let out = folder.appendingPathComponent("stdout.txt").path, err = folder.appendingPathComponent("stderr.txt").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else {
            throw CocoaError(.executableLoad)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let result = Result(status: exit, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
        return (result, usage.ru_maxrss * 1024)
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
