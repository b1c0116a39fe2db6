import Foundation
import Testing

/// Short fuzzing runs: every target (a folder of Fuzz/Corpus) is fuzzed for a few seconds by
/// scripts/fuzz (a debug build with libFuzzer, bounds checks on), which must end with no crash,
/// timeout or out-of-memory input; then the inputs that run collected are replayed through the
/// plainly built `fxcodec-fuzz` of this test run (release flags, bounds checks off).
@Suite(.serialized) struct FuzzRunTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let targets = ((try? FileManager.default.contentsOfDirectory(
        atPath: repository.appendingPathComponent("Fuzz/Corpus").path)) ?? []).sorted()
    static let seconds = 10

    @Test func everyTargetHasASeedCorpus() throws {
        let listed = try run(script, ["--list"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.split(separator: "\n").map(String.init).sorted() == Self.targets)
    }

    @Test(arguments: targets)
    func shortRunFindsNothing(_ target: String) throws {
        let findings = FileManager.default.temporaryDirectory.appendingPathComponent("fxcodec-fuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: findings) }
        let fuzzed = try run(script, [target, "\(Self.seconds)"], environment: ["FXCODEC_FUZZ_FINDINGS": findings.path])
        #expect(fuzzed.status == 0, "\(fuzzed.stdout)\(fuzzed.stderr)")
        let folder = findings.appendingPathComponent(target)
        let artifacts = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { ["crash-", "timeout-", "oom-", "leak-"].contains(where: $0.hasPrefix) }
        #expect(artifacts.isEmpty, "inputs in \(folder.path)")
        // "fuzz png: 12345 executions in 10 s (1234 exec/s), cov: 1234 ft: 5678, corpus 42/3Kb"
        let executions = fuzzed.stdout.firstMatch(of: /fuzz \S+: (\d+) executions/).flatMap { Int($0.1) } ?? 0
        #expect(executions > 100, "\(fuzzed.stdout)")
        #expect(fuzzed.stdout.contains("cov: "))

        let inputs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("corpus").path).count
        let seeds = "Fuzz/Corpus/\(target)"
        let replayed = try run(replayBinary, [target, seeds, folder.appendingPathComponent("corpus").path])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let count = try FileManager.default.contentsOfDirectory(atPath: Self.repository.appendingPathComponent(seeds).path).count
        #expect(replayed.stdout.contains("\(target): \(count + inputs) inputs ran"), "\(replayed.stdout)")
    }

    var script: String { Self.repository.appendingPathComponent("scripts/fuzz").path }

    /// The plain build's `fxcodec-fuzz`, beside $FXCODEC_BIN (set by scripts/test) or in .build/release.
    var replayBinary: String {
        let folder = ProcessInfo.processInfo.environment["FXCODEC_BIN"].map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
            ?? Self.repository.appendingPathComponent(".build/release")
        return folder.appendingPathComponent("fxcodec-fuzz").path
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// Runs a program from the repository root; output goes through files, so neither stream can fill
    /// a pipe and stall it.
    func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fxcodec-fuzz-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (out, err) = (scratch.appendingPathComponent("out"), scratch.appendingPathComponent("err"))
        try Data().write(to: out)
        try Data().write(to: err)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        p.currentDirectoryURL = Self.repository
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
