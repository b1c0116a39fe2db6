import Foundation
import Golden

/// Seeded tests use Golden's SplitMix64.
typealias SeededGenerator = SplitMix64

enum Paths {
    /// The repository root, found from this file's location.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// ../shared/images beside the repository.
    static let sharedImages = repository.deletingLastPathComponent().appendingPathComponent("shared/images")
}
