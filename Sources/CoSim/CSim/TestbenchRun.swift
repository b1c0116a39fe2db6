import Foundation

/// One run of a generated testbench, read from what it prints (`MISMATCH`, `FLAGS`, `TIME`, `RESULT`).
public struct TestbenchRun: Codable, Sendable {
    public struct Mismatch: Codable, Sendable {
        public var top: String, mode: String
        public var tag: Int, block: Int, index: Int
        public var expected: Int, actual: Int
    }
    public struct FlagError: Codable, Sendable {
        public var top: String, mode: String
        public var tag: Int, block: Int, beat: Int
        public var problem: String
    }
    public struct TopTime: Codable, Sendable {
        public var top: String
        public var blocks: Int
        public var seconds: Double
        public var secondsPerBlock: Double { blocks > 0 ? seconds / Double(blocks) : 0 }
    }

    public var exitStatus: Int32
    public var sections = 0
    public var blockRuns = 0
    public var mismatchedValues = 0
    public var mismatchedBlocks = 0
    public var flagErrors = 0
    public var seconds = 0.0
    public var times: [TopTime] = []
    public var firstMismatch: Mismatch?
    public var firstFlagError: FlagError?
    /// What the testbench wrote to stderr (file errors).
    public var errors: String

    /// True when the testbench ran to the end with every value and flag as expected.
    public var passed: Bool { exitStatus == 0 && mismatchedValues == 0 && flagErrors == 0 }

    /// Runs `binary` on `vectors` (every lane count compiled in, or only `lanes`).
    public static func run(_ binary: URL, vectors: URL, lanes: Int? = nil) throws -> TestbenchRun {
        let outcome = try runProcess(binary.path, [vectors.path] + (lanes.map { ["--lanes", String($0)] } ?? []))
        return parse(outcome)
    }

    /// Runs one process per lane count at once (both read the same file) and adds them up.
    public static func run(_ binary: URL, vectors: URL, lanes: [Int]) throws -> TestbenchRun {
        let outcomes = try runProcesses(lanes.map { (binary.path, [vectors.path, "--lanes", String($0)]) })
        var total = TestbenchRun(exitStatus: 0, errors: "")
        for o in outcomes.map(parse) {
            total.exitStatus = max(total.exitStatus, o.exitStatus)
            total.sections = max(total.sections, o.sections)
            total.blockRuns += o.blockRuns
            total.mismatchedValues += o.mismatchedValues
            total.mismatchedBlocks += o.mismatchedBlocks
            total.flagErrors += o.flagErrors
            total.seconds += o.seconds
            total.times += o.times
            total.firstMismatch = total.firstMismatch ?? o.firstMismatch
            total.firstFlagError = total.firstFlagError ?? o.firstFlagError
            total.errors += o.errors
        }
        return total
    }

    static func parse(_ outcome: ProcessOutcome) -> TestbenchRun {
        var run = TestbenchRun(exitStatus: outcome.status, errors: outcome.stderr)
        for line in outcome.stdout.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let kind = words.first else { continue }
            var fields: [String: String] = [:]
            for w in words.dropFirst() {
                let parts = w.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            func int(_ k: String) -> Int { Int(fields[k] ?? "") ?? -1 }
            func text(_ k: String) -> String { fields[k] ?? "" }
            switch kind {
            case "MISMATCH":
                run.firstMismatch = Mismatch(top: text("top"), mode: text("mode"), tag: int("tag"), block: int("block"),
                                             index: int("index"), expected: int("expected"), actual: int("actual"))
            case "FLAGS":
                run.firstFlagError = FlagError(top: text("top"), mode: text("mode"), tag: int("tag"), block: int("block"),
                                               beat: int("beat"), problem: text("problem"))
            case "TIME":
                run.times.append(TopTime(top: text("top"), blocks: int("blocks"), seconds: Double(text("seconds")) ?? 0))
            case "RESULT":
                run.sections = int("sections")
                run.blockRuns = int("block_runs")
                run.mismatchedValues = int("mismatched_values")
                run.mismatchedBlocks = int("mismatched_blocks")
                run.flagErrors = int("flag_errors")
                run.seconds = Double(text("seconds")) ?? 0
            default: continue
            }
        }
        if !outcome.stdout.contains("RESULT ") && run.exitStatus == 0 { run.exitStatus = -1 }
        return run
    }
}
