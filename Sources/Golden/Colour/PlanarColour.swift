extension ColourConversion {
    /// Full-resolution Y, Cb and Cr planes (as many samples each) → interleaved RGB, by `inverse`.
    public func interleavedRGB(y: [UInt8], cb: [UInt8], cr: [UInt8], threads: Int) -> [UInt8] {
        precondition(y.count == cb.count && y.count == cr.count, "three planes of one size")
        let count = y.count
        var rgb = [UInt8](repeating: 0, count: count * 3)
        y.withUnsafeBufferPointer { y in
            cb.withUnsafeBufferPointer { cb in
                cr.withUnsafeBufferPointer { cr in
                    rgb.withUnsafeMutableBufferPointer { out in
                        let o = UncheckedSendable(out.baseAddress!)
                        parallelChunks(count, threads: threads, minimumChunk: 65536) { range in
                            for i in range {
                                let c = inverse(Int(y[i]), Int(cb[i]), Int(cr[i]))
                                o.value[3 * i] = c.r
                                o.value[3 * i + 1] = c.g
                                o.value[3 * i + 2] = c.b
                            }
                        }
                    }
                }
            }
        }
        return rgb
    }
}
