import Foundation

/// Runs `body(i)` for every i in 0..<count, across up to `threads` cores. The caller guarantees that
/// iterations touch disjoint memory (each writes its own rows or blocks).
public func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    if threads <= 1 || count <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { escaping in
        let shared = UncheckedSendable(escaping)
        DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
    }
}

/// Splits 0..<count into at most `threads` contiguous chunks and runs them in parallel.
/// Chunk i is ⌊i·count/n⌋ ..< ⌊(i+1)·count/n⌋ for n chunks: the bounds never pass `count`, every
/// chunk is non-empty (n ≤ count), and sizes differ by at most one, whatever `threads` is.
public func parallelChunks(_ count: Int, threads: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = max(1, min(threads, count / max(1, minimumChunk)))
    parallelFor(chunks, threads: threads) { i in
        body(chunkBounds(i, of: chunks, count: count))
    }
}

/// The i-th of `chunks` balanced parts of 0..<count (used by `parallelChunks`; 0 ≤ i < chunks ≤ count).
/// The products fit an Int: count is a number of rows or samples, far below 2^52, and chunks ≤ count.
@inline(__always)
func chunkBounds(_ i: Int, of chunks: Int, count: Int) -> Range<Int> {
    let lower = Int((Int64(i) &* Int64(count)) / Int64(chunks))
    let upper = Int((Int64(i + 1) &* Int64(count)) / Int64(chunks))
    return lower..<upper
}

public var processorCount: Int { ProcessInfo.processInfo.activeProcessorCount }

struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
