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
