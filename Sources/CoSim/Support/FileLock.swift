import Foundation

/// Runs `body` while holding an exclusive lock on the file at `path` (made if missing), so that one
/// process at a time does it: two test processes, or a test and a command it runs, that build the same
/// thing build it once, the second finding it made. The lock goes with the file's descriptor.
func withFileLock<T>(_ path: URL, _ body: () throws -> T) throws -> T {
    try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
    let descriptor = open(path.path, O_CREAT | O_RDWR, 0o644)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path.path]) }
    defer { close(descriptor) }
    while flock(descriptor, LOCK_EX) != 0 {
        guard errno == EINTR else { throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: path.path]) }
    }
    return try body()
}
