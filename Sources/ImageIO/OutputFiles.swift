#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// Every file a command writes goes through one `OutputFiles`, so that a run either leaves all of its
/// outputs or none of them:
///
/// 1. `claim` each output before the work starts: a path equal to an input or to another output is
///    refused (same folder and name, or the same file through a link), and so is one whose folder is
///    missing or is a file — before any time is spent.
/// 2. `stage` the contents: each goes to a temporary file beside its target (`.name.random.tmp`).
/// 3. `commit` renames every temporary over its target once the whole run has succeeded. A run that
///    fails, or is interrupted by SIGINT, SIGTERM or SIGHUP, removes its temporaries (and folders it
///    created) and leaves every target as it was.
public final class OutputFiles: @unchecked Sendable {
    /// An output claimed for an option, e.g. `-o` → `out.png`.
    public struct Claim: Hashable, Sendable {
        public let option: String
        public let path: String
    }

    private var inputs: [(path: String, identity: FileIdentity)] = []
    private var claims: [(claim: Claim, identity: FileIdentity)] = []
    private var staged: [TemporarySibling] = []
    private var createdFolders: [String] = []
    private var committed = false

    public init(inputs: [String] = []) {
        for path in inputs { self.inputs.append((path, FileIdentity(path))) }
        InterruptCleanup.shared.install()
    }

    deinit { discard() }

    /// Adds an input after construction (a file the run will read).
    public func addInput(_ path: String) { inputs.append((path, FileIdentity(path))) }

    /// Claims a file output. Throws, naming the option, when the path is an input, another output,
    /// a folder, or lies in a folder that does not exist.
    @discardableResult
    public func claim(_ path: String, option: String) throws -> Claim {
        let claim = Claim(option: option, path: path)
        let identity = FileIdentity(path)
        if let input = inputs.first(where: { $0.identity == identity }) {
            throw OutputError(claim: claim, problem: "is the input \(input.path); it would be overwritten")
        }
        if let other = claims.first(where: { $0.identity.overlaps(identity) }) {
            throw OutputError(claim: claim, problem: "is also the output of \(other.claim.option) (\(other.claim.path))")
        }
        try identity.checkWritableTarget(claim)
        claims.append((claim, identity))
        return claim
    }

    /// Claims an output folder: it is created if missing (and removed again if the run fails while it is
    /// still empty); it must not be a file, an input, or another output.
    @discardableResult
    public func claimFolder(_ path: String, option: String) throws -> Claim {
        let claim = Claim(option: option, path: path)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
            throw OutputError(claim: claim, problem: "is a file, not a folder")
        }
        let identity = FileIdentity(path, folder: true)
        if let input = inputs.first(where: { identity.contains($0.identity) }) {
            throw OutputError(claim: claim, problem: "contains the input \(input.path)")
        }
        if let other = claims.first(where: { $0.identity.overlaps(identity) }) {
            throw OutputError(claim: claim, problem: "overlaps the output of \(other.claim.option) (\(other.claim.path))")
        }
        claims.append((claim, identity))
        return claim
    }

    /// A temporary file for `path` (a claimed file, or a file inside a claimed folder), to be filled
    /// through its descriptor or by another process through its path; it replaces `path` at `commit`.
    public func stage(_ path: String) throws -> TemporarySibling {
        guard !committed else { throw OutputError(claim: Claim(option: "", path: path), problem: "staged after commit") }
        guard claims.contains(where: { $0.claim.path == path || $0.identity.contains(FileIdentity(path)) }) else {
            throw OutputError(claim: Claim(option: "", path: path), problem: "was not claimed (a bug in fxcodec)")
        }
        // The file is created and recorded under the lock, so that a signal never finds a temporary
        // on disk that the cleanup does not know about.
        return try InterruptCleanup.shared.lock.withLock {
            try createFoldersLocked(for: path)
            let temporary = try TemporarySibling(of: path)
            staged.append(temporary)
            InterruptCleanup.shared.pending.insert(temporary.path)
            return temporary
        }
    }

    /// Stages `bytes` for `path`.
    public func stage(_ bytes: [UInt8], at path: String) throws {
        let temporary = try stage(path)
        try temporary.writeAll(bytes)
    }

    /// Renames every staged file over its target. After a rename fails the rest stay unrenamed and are
    /// removed; the error names the file.
    public func commit() throws {
        try InterruptCleanup.shared.lock.withLock {
            committed = true
            defer { staged.removeAll() }
            for (i, temporary) in staged.enumerated() {
                InterruptCleanup.shared.pending.remove(temporary.path)
                do { try temporary.moveIntoPlace() } catch {
                    for rest in staged[(i + 1)...] {
                        rest.discard()
                        InterruptCleanup.shared.pending.remove(rest.path)
                    }
                    throw error
                }
            }
            for folder in createdFolders { InterruptCleanup.shared.createdFolders.removeAll { $0 == folder } }
            createdFolders.removeAll()
        }
    }

    /// Removes the temporaries and the folders this run created (empty ones only).
    public func discard() {
        InterruptCleanup.shared.lock.withLock { discardLocked() }
    }

    private func discardLocked() {
        for temporary in staged {
            temporary.discard()
            InterruptCleanup.shared.pending.remove(temporary.path)
        }
        staged.removeAll()
        for folder in createdFolders.reversed() {
            rmdir(folder)
            InterruptCleanup.shared.createdFolders.removeAll { $0 == folder }
        }
        createdFolders.removeAll()
    }

    private func createFoldersLocked(for path: String) throws {
        var missing: [String] = []
        var folder = (path as NSString).deletingLastPathComponent
        while !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            missing.append(folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
        for f in missing.reversed() {
            if mkdir(f, 0o777) != 0 && errno != EEXIST {
                throw ImageIOError(path: f, kind: .cannotWrite, detail: "cannot create the folder: \(systemMessage(errno))")
            }
            createdFolders.append(f)
            InterruptCleanup.shared.createdFolders.append(f)
        }
    }
}

/// An output refused before the run: the option, the path and why.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public var claim: OutputFiles.Claim
    public var problem: String
    public var description: String {
        claim.option.isEmpty ? "\(claim.path): \(problem)" : "\(claim.option) \(claim.path): \(problem)"
    }
}

/// Where a path points: its folder resolved (links, `..`) plus its name, and, when it exists, the
/// device and inode, so that two spellings of one file compare equal.
struct FileIdentity: Equatable {
    let resolved: String
    let device: UInt64?, inode: UInt64?
    let isFolder: Bool

    init(_ path: String, folder: Bool = false) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let parent = (absolute as NSString).deletingLastPathComponent
        let name = (absolute as NSString).lastPathComponent
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let real = realpath(parent, &buffer) != nil
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : parent
        resolved = name == "." || name.isEmpty ? real : (real == "/" ? "/" + name : real + "/" + name)
        var info = stat()
        if stat(path, &info) == 0 {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        } else {
            device = nil
            inode = nil
        }
        isFolder = folder
    }

    static func == (a: FileIdentity, b: FileIdentity) -> Bool {
        if let ai = a.inode, let bi = b.inode, a.device == b.device, ai == bi { return true }
        return a.resolved == b.resolved
    }

    /// This folder holds `other` (at any depth).
    func contains(_ other: FileIdentity) -> Bool {
        isFolder && (other.resolved == resolved || other.resolved.hasPrefix(resolved + "/"))
    }

    func overlaps(_ other: FileIdentity) -> Bool { self == other || contains(other) || other.contains(self) }

    func checkWritableTarget(_ claim: OutputFiles.Claim) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: claim.path, isDirectory: &isFolder), isFolder.boolValue {
            throw OutputError(claim: claim, problem: "is a folder; give a file name")
        }
        let parent = (resolved as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder) {
            throw OutputError(claim: claim, problem: "its folder \(parent) does not exist")
        }
        if !isFolder.boolValue { throw OutputError(claim: claim, problem: "\(parent) is a file, not a folder") }
        if access(parent, W_OK) != 0 { throw OutputError(claim: claim, problem: "its folder \(parent) is not writable") }
    }
}

/// Removes every temporary still staged, and the folders made for them, on SIGINT, SIGTERM and SIGHUP,
/// then ends the process as the signal would have (exit status 128 + signal). It keeps the paths
/// themselves rather than the `OutputFiles` that staged them, so that an object being torn down at
/// the moment the signal arrives still has its files removed.
final class InterruptCleanup: @unchecked Sendable {
    static let shared = InterruptCleanup()
    /// Guards `pending`, `createdFolders` and every `OutputFiles`' own lists.
    let lock = NSLock()
    var pending: Set<String> = []
    var createdFolders: [String] = []
    private var sources: [DispatchSourceSignal] = []

    private init() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [unowned self] in self.interrupted(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    /// Touching `shared` installs the handlers; this names that intent at the call site.
    func install() {}

    private func interrupted(_ signalNumber: Int32) {
        lock.lock()   // held until the process ends: no new temporary is created after this point
        let removed = pending.count
        for path in pending { unlink(path) }
        for folder in createdFolders.reversed() { rmdir(folder) }
        let name = signalNumber == SIGINT ? "SIGINT" : signalNumber == SIGTERM ? "SIGTERM" : "SIGHUP"
        let message = Array(("fxcodec: interrupted by \(name)"
                             + (removed > 0 ? "; \(removed) unfinished output\(removed == 1 ? "" : "s") removed\n" : "\n")).utf8)
        _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        signal(signalNumber, SIG_DFL)
        raise(signalNumber)
        _exit(128 + signalNumber)
    }
}
