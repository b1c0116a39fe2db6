import ArgumentParser
import Foundation
import Golden

/// `--shard K/N`: the K-th of N deterministic shares of a sorted input list (K counts from 0, as
/// Slurm's SLURM_ARRAY_TASK_ID and Kubernetes' JOB_COMPLETION_INDEX do): input i belongs to share
/// i mod N, so the N shares are disjoint, together hold every input, and differ in size by at most one.
struct Shard: Sendable, Equatable, CustomStringConvertible {
    var index: Int, count: Int

    static let whole = Shard(index: 0, count: 1)

    static let parse: @Sendable (String) throws -> Shard = { text in
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 1_000_000, (0..<n).contains(k) else {
            throw Checked.OutOfRange(description: "must be K/N with 0 ≤ K < N (e.g. 0/4 … 3/4), is \(text)")
        }
        return Shard(index: k, count: n)
    }

    func take<T>(_ sorted: [T]) -> [T] {
        sorted.enumerated().filter { $0.offset % count == index }.map(\.element)
    }

    var description: String { "\(index)/\(count)" }
}

/// One image of a batch: where it comes from and, from a manifest, its own quality.
struct BatchItem: Sendable, Equatable {
    var path: String
    var quality: Int?
}

/// The inputs of a batch command: files and folders on the command line (a folder gives its `.png`
/// files, not recursing), or a manifest naming each image with its quality, as CSV (`path,quality`
/// lines; a header line and `#` comments are skipped) or JSON (`[{"path": …, "quality": …}, …]`).
/// Relative paths in a manifest are taken from the manifest's folder. The list is sorted by path
/// before sharding, so every machine of an array job sees the same order.
enum BatchInputs {
    struct Problem: Error, CustomStringConvertible { var description: String }

    static func items(arguments: [String], manifest: String?, extension ext: String) throws -> [BatchItem] {
        var items: [BatchItem] = []
        for argument in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                throw Problem(description: "\(argument): no such file or folder")
            }
            if isFolder.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: argument)
                    .filter { $0.lowercased().hasSuffix("." + ext) && !$0.hasPrefix(".") }
                if names.isEmpty { throw Problem(description: "\(argument): the folder holds no .\(ext) file") }
                items += names.map { BatchItem(path: (argument as NSString).appendingPathComponent($0)) }
            } else {
                items.append(BatchItem(path: argument))
            }
        }
        if let manifest { items += try read(manifest: manifest) }
        guard !items.isEmpty else { throw Problem(description: "no input: give images, a folder or --manifest") }
        let sorted = items.sorted { $0.path < $1.path }
        if let twice = zip(sorted, sorted.dropFirst()).first(where: { $0.path == $1.path }) {
            throw Problem(description: "\(twice.0.path) is given twice")
        }
        return sorted
    }

    static func read(manifest: String) throws -> [BatchItem] {
        guard let data = FileManager.default.contents(atPath: manifest) else {
            throw Problem(description: "\(manifest): cannot read the manifest")
        }
        let folder = (manifest as NSString).deletingLastPathComponent
        func resolved(_ p: String) -> String { p.hasPrefix("/") || folder.isEmpty ? p : (folder as NSString).appendingPathComponent(p) }
        func quality(_ q: Int, _ where_: String) throws -> Int {
            guard (1...100).contains(q) else { throw Problem(description: "\(manifest): \(where_): quality \(q) is outside 1...100") }
            return q
        }
        if manifest.lowercased().hasSuffix(".json") {
            struct Entry: Decodable { var path: String; var quality: Int? }
            let entries: [Entry]
            do { entries = try JSONDecoder().decode([Entry].self, from: data) } catch {
                throw Problem(description: "\(manifest): expected a JSON array of {\"path\": …, \"quality\": …} (\(error.localizedDescription))")
            }
            return try entries.enumerated().map { i, e in
                BatchItem(path: resolved(e.path), quality: try e.quality.map { try quality($0, "entry \(i + 1)") })
            }
        }
        var items: [BatchItem] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if number == 0 && fields.first?.lowercased() == "path" { continue }
            guard fields.count <= 2, let path = fields.first, !path.isEmpty else {
                throw Problem(description: "\(manifest): line \(number + 1): expected path[,quality], found \(text)")
            }
            var q: Int?
            if fields.count == 2 {
                guard let n = Int(fields[1]) else {
                    throw Problem(description: "\(manifest): line \(number + 1): quality '\(fields[1])' is not a whole number")
                }
                q = try quality(n, "line \(number + 1)")
            }
            items.append(BatchItem(path: resolved(path), quality: q))
        }
        return items
    }
}

/// A progress bar on stderr when it is a terminal: `[#######-------]  12/40 images  3.1 s`.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let start = Date()
    private let lock = NSLock()
    private var done = 0
    let enabled: Bool

    init(total: Int, label: String, enabled: Bool = isatty(2) != 0) {
        (self.total, self.label, self.enabled) = (total, label, enabled)
    }

    func step() {
        lock.lock()
        done += 1
        let d = done
        lock.unlock()
        guard enabled else { return }
        let width = 30, filled = total == 0 ? width : d * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "\r[%@] %5d/%d %@  %.1f s", bar, d, total, label, Date().timeIntervalSince(start))
        FileHandle.standardError.write(Data(line.utf8))
        if d == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
