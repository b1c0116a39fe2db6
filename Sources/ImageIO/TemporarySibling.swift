#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A new, empty file in the same folder as `target`, named `.<name>.<random>.tmp`, to be filled and
/// then renamed over `target` (rename within one file system is atomic: readers see the old file or
/// the whole new one, never a part).  It is created with O_EXCL and mode 0666 less the umask, so
/// the finished file gets the usual permissions.
public struct TemporarySibling: Sendable {
    public let path: String
    public let target: String
    /// Open for writing until a writer closes it (`writeAll`, the PNG writer, `closeDescriptor`).
    public let descriptor: Int32

    init(of target: String) throws {
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var attempt = 0
        while true {
            let candidate = "\(folder).\(name).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).tmp"
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 {
                self.path = candidate
                self.target = target
                self.descriptor = descriptor
                return
            }
            let code = errno
            attempt += 1
            if code != EEXIST || attempt == 8 {
                throw ImageIOError(path: target, kind: .cannotWrite,
                                   detail: "cannot create a temporary file beside it: \(systemMessage(code))")
            }
        }
    }

    /// Writes all of `bytes`, syncs them to disk and closes the descriptor; on failure removes the file.
    public func writeAll(_ bytes: [UInt8]) throws {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
            if fsync(descriptor) != 0 { failure = errno }
        }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure != 0 {
            discard()
            throw ImageIOError(path: target, kind: .cannotWrite, detail: systemMessage(failure))
        }
    }

    /// Closes the descriptor so that another process can fill the file through `path`.
    public func closeDescriptor() { close(descriptor) }

    /// Removes the temporary file (after a failure).
    public func discard() {
        unlink(path)
    }

    /// Renames the finished temporary file to the target; on failure removes it and throws.
    public func moveIntoPlace() throws {
        if rename(path, target) != 0 {
            let code = errno
            discard()
            throw ImageIOError(path: target, kind: .cannotWrite,
                               detail: "cannot rename the finished temporary file into place: \(systemMessage(code))")
        }
    }
}

func systemMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}
