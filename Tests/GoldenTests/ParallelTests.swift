import Testing
@testable import Golden

/// `parallelChunks` must cover 0..<count exactly once, in bounds, for any thread count — also when
/// the count does not divide the work (the case that crashed a 400×321 image at --threads 20).
@Suite struct ParallelTests {
    @Test(arguments: [0, 1, 2, 7, 63, 64, 321, 400, 1000, 3001])
    func chunksCoverEveryIndexOnce(count: Int) {
        for threads in Array(1...70) + [127, 128, 255, 1000, 1024] {
            for minimum in [1, 16, 64] {
                let seen = SeenIndices(count: count)
                parallelChunks(count, threads: threads, minimumChunk: minimum) { range in
                    #expect(range.lowerBound >= 0 && range.upperBound <= count && !range.isEmpty,
                            "count \(count), threads \(threads), minimum \(minimum): chunk \(range)")
                    for i in range where i >= 0 && i < count { seen.mark(i) }
                }
                #expect(seen.counts == [Int](repeating: 1, count: count),
                        "count \(count), threads \(threads), minimum \(minimum)")
            }
        }
    }
}

/// A count per index, marked from several threads.
final class SeenIndices: @unchecked Sendable {
    private var storage: [Int]
    private let lock = NSLockLike()
    init(count: Int) { storage = [Int](repeating: 0, count: count) }
    func mark(_ i: Int) { lock.run { storage[i] += 1 } }
    var counts: [Int] { lock.run { storage } }
}

import Foundation
struct NSLockLike: Sendable {
    private let lock = NSLock()
    func run<T>(_ body: () -> T) -> T { lock.lock(); defer { lock.unlock() }; return body() }
}
