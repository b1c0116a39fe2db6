import Dispatch
import Foundation

/// What a finished subprocess left: its exit status, everything it wrote, and how long it took.
public struct ProcessOutcome: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var seconds: Double

    public var succeeded: Bool { status == 0 }
}

public struct ProcessLaunchError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Runs `program` (looked up on PATH unless it contains a slash) with `arguments`, in `directory`
/// when given, and waits. Both output streams are drained while it runs, so a chatty tool cannot
/// block on a full pipe. Never uses a shell: arguments are passed as they are.
public func runProcess(_ program: String, _ arguments: [String], in directory: URL? = nil,
                       environment: [String: String]? = nil) throws -> ProcessOutcome {
    let process = Process()
    if program.contains("/") {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
    }
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice

    let start = DispatchTime.now()
    do { try process.run() } catch {
        throw ProcessLaunchError(description: "cannot start \(program): \(error.localizedDescription)")
    }
    let collected = OutputBox()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { collected.set(err: err.fileHandleForReading.readDataToEndOfFile()) }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    return ProcessOutcome(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                          stderr: String(decoding: collected.err, as: UTF8.self), seconds: seconds)
}

/// Runs several commands at once (each on its own thread) and returns their outcomes in order.
public func runProcesses(_ commands: [(program: String, arguments: [String])], in directory: URL? = nil) throws -> [ProcessOutcome] {
    let results = ResultsBox(count: commands.count)
    DispatchQueue.concurrentPerform(iterations: commands.count) { i in
        results.set(i, Result { try runProcess(commands[i].program, commands[i].arguments, in: directory) })
    }
    return try results.values.map { try $0!.get() }
}

private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(err: Data) { lock.lock(); data = err; lock.unlock() }
    var err: Data { lock.lock(); defer { lock.unlock() }; return data }
}

private final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Result<ProcessOutcome, Error>?]
    init(count: Int) { stored = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<ProcessOutcome, Error>) { lock.lock(); stored[i] = r; lock.unlock() }
    var values: [Result<ProcessOutcome, Error>?] { lock.lock(); defer { lock.unlock() }; return stored }
}
