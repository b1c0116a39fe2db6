import CLibJPEG

extension LibJPEG {
    /// Blocks per C call in `timeKernels` (and per chunk in `fxcodec bench`): small enough that a
    /// chunk's coefficients stay in cache, as in a codec that works a block row at a time.
    public static let timingChunk = 1024

    /// Nanoseconds per block of libjpeg's exported C kernels (`jpeg_fdct_islow`, `jpeg_idct_islow`,
    /// not the SIMD ones), each the best of `repeats` runs over `blocks` blocks, `timingChunk` per C call.
    /// Input: smooth blocks with noise (a deterministic generator); the IDCT gets their forward
    /// transform quantized with the Annex K luminance table, so it sees realistic zero runs.
    public static func timeKernels(blocks: Int, repeats: Int = 5) -> (fdctNs: Double, idctNs: Double) {
        precondition(blocks > 0 && repeats > 0)
        let samples = syntheticBlocks(blocks)
        var coefficients = samples
        fdctBlocks(&coefficients)
        let quantized = coefficients.enumerated().map { i, x in quantize(x, annexKLuma[i % 64]) }

        var work = samples
        var fdctBest = Double.infinity, idctBest = Double.infinity
        var out = [UInt8](repeating: 0, count: samples.count)
        for _ in 0..<repeats {
            work.withUnsafeMutableBufferPointer { dst in
                samples.withUnsafeBufferPointer { dst.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
                fdctBest = min(fdctBest, nanoseconds {
                    for start in stride(from: 0, to: blocks, by: timingChunk) {
                        fx_fdct_islow_blocks(dst.baseAddress! + start * 64, Int32(min(timingChunk, blocks - start)))
                    }
                })
            }
            out.withUnsafeMutableBufferPointer { dst in
                quantized.withUnsafeBufferPointer { coefs in
                    annexKLuma.withUnsafeBufferPointer { q in
                        idctBest = min(idctBest, nanoseconds {
                            for start in stride(from: 0, to: blocks, by: timingChunk) {
                                fx_idct_islow_blocks(coefs.baseAddress! + start * 64, q.baseAddress, dst.baseAddress! + start * 64,
                                                     Int32(min(timingChunk, blocks - start)))
                            }
                        })
                    }
                }
            }
        }
        precondition(work == coefficients, "the timed FDCT ran")
        return (fdctBest / Double(blocks), idctBest / Double(blocks))
    }

    private static func nanoseconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let elapsed = clock.measure(body)
        return Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) * 1e-9
    }

    /// Blocks of `sample - 128`: a random level and slope per block plus noise of +-8.
    private static func syntheticBlocks(_ count: Int) -> [Int16] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ range: Int) -> Int {  // xorshift64, uniform enough for test data
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(range))
        }
        var values = [Int16]()
        values.reserveCapacity(count * 64)
        for _ in 0..<count {
            let level = next(200) + 28, dx = next(9) - 4, dy = next(9) - 4
            for y in 0..<8 {
                for x in 0..<8 {
                    let sample = min(max(level + dx * x + dy * y + next(17) - 8, 0), 255)
                    values.append(Int16(sample - 128))
                }
            }
        }
        return values
    }

    /// libjpeg's quantizer: sign(x) * ((|x| + 4q) / (8q)).
    private static func quantize(_ x: Int16, _ q: UInt16) -> Int16 {
        let magnitude = (abs(Int(x)) + 4 * Int(q)) / (8 * Int(q))
        return Int16(x < 0 ? -magnitude : magnitude)
    }

    /// JPEG Annex K luminance table, natural order (libjpeg's quality 50).
    private static let annexKLuma: [UInt16] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]
}
