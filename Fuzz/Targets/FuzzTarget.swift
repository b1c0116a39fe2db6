import Foundation

/// One fuzz target: a name (also its corpus folder, Fuzz/Corpus/<name>) and what to do with one input.
/// `run` must return for every input: throwing and refusing are fine, a trap is a finding.
protocol FuzzTarget: Sendable {
    static var name: String { get }
    static func run(_ input: [UInt8])
}

/// Every target. A new one is a file with a `FuzzTarget` and its line here (and a seed corpus folder).
let fuzzTargets: [any FuzzTarget.Type] = [
    PNGReaderTarget.self,
    ConfigTarget.self,
    QuantTableTarget.self,
    JPEGReaderTarget.self,
    GridTarget.self,
]

func fuzzTarget(named name: String) -> (any FuzzTarget.Type)? { fuzzTargets.first { $0.name == name } }

/// Says why on standard error and exits with `status`.
func stop(_ status: Int32, saying message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

/// A file of the process's own, for readers that take a path: in /dev/shm when there is one (no disk
/// traffic), removed at exit.
enum ScratchFile {
    static let path: String = {
        let folder = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = "\(folder)/fxcodec-fuzz-\(getpid())"
        atexit { unlink(ScratchFile.path) }
        return path
    }()

    static func write(_ bytes: [UInt8]) -> String {
        try! Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

#if FXCODEC_LIBFUZZER
// Built by scripts/fuzz with --sanitize=fuzzer: libFuzzer's main calls these. The target is chosen by
// FXCODEC_FUZZ_TARGET ("list" prints the names).

nonisolated(unsafe) private var selected: (any FuzzTarget.Type)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutableRawPointer) -> CInt {
    let name = ProcessInfo.processInfo.environment["FXCODEC_FUZZ_TARGET"] ?? ""
    if name == "list" {
        print(fuzzTargets.map { $0.name }.joined(separator: "\n"))
        exit(0)
    }
    guard let target = fuzzTarget(named: name) else {
        stop(2, saying: "FXCODEC_FUZZ_TARGET must name a target: \(fuzzTargets.map { $0.name }.joined(separator: ", "))")
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected!.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
/// Built plainly (any configuration, release too): runs files through a target, to replay what a
/// fuzzing run found under the release build's optimisation flags.
@main enum Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = fuzzTarget(named: name), arguments.count > 1 else {
            stop(2, saying: "usage: fxcodec-fuzz TARGET FILE-OR-FOLDER...  (targets: "
                 + fuzzTargets.map { $0.name }.joined(separator: ", ") + ")")
        }
        var count = 0
        for path in arguments.dropFirst() {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted().map { "\(path)/\($0)" } ?? [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { stop(1, saying: "\(file): cannot read") }
                target.run([UInt8](data))
                count += 1
            }
        }
        print("\(name): \(count) inputs ran")
    }
}
#endif
