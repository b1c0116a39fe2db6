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
public func parallelChunks(_ count: Int, threads: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    let chunks = max(1, min(threads, count / max(1, minimumChunk)))
    let per = (count + chunks - 1) / chunks
    parallelFor(chunks, threads: threads) { i in
        let r = (i * per)..<min(count, (i + 1) * per)
        if !r.isEmpty { body(r) }
    }
}

public var processorCount: Int { ProcessInfo.processInfo.activeProcessorCount }

struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
