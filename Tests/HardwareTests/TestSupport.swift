import CoSim
import Foundation
import Golden
import Hardware
import HLSGen

enum HardwarePaths {
    /// The repository root, three levels above this file.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// Compiled simulators, named by a hash of their sources (git ignores .build).
    static let cache = repository.appendingPathComponent(".build/hardware-sim")
    static let scratch = FileManager.default.temporaryDirectory
    static var apTypes: URL { get throws { try locateAPTypes(searchFrom: [repository]) } }

    /// A fresh folder holding `files`; removed by the caller.
    static func folder(with files: [GeneratedFile]) throws -> URL {
        let folder = scratch.appendingPathComponent("fxc-hw-test-\(UInt32.random(in: 0...UInt32.max))")
        try HLSProject.write(files, to: folder)
        return folder
    }
}

/// Where two runs first differ: the clock, the output port element and both values.
func firstDifference(_ a: [[UInt64?]], _ b: [[UInt64?]], ports: Module) -> String? {
    let labels = ports.outputs.flatMap { p in (0..<p.count).map { p.count == 1 ? p.name : "\(p.name)[\($0)]" } }
    guard a.count == b.count else { return "\(a.count) clocks against \(b.count)" }
    for (clock, (x, y)) in zip(a, b).enumerated() where x != y {
        let k = x.indices.first { x[$0] != y[$0] } ?? 0
        return "clock \(clock), \(labels[k]): \(x[k].map { String($0, radix: 16) } ?? "x") against \(y[k].map { String($0, radix: 16) } ?? "x")"
    }
    return nil
}

extension Array where Element == [UInt64] {
    /// The rows as a simulator's output rows (every bit known).
    var known: [[UInt64?]] { map { $0.map { Optional($0) } } }
}
