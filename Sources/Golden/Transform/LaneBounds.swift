/// How large a kernel's inputs may be for every one of its signals to fit a 32-bit lane: each kernel
/// is traced again with inputs in [−B, B], and B is the largest value whose traced widths stay within
/// `LaneArithmetic.laneBits`. The batch drivers check each batch's actual inputs against these before
/// running it in lanes, so the lanes are exact by the same interval proof that sizes the hardware.
///
/// Real images stay far inside them (libjpeg-turbo's SIMD code makes the same 32-bit bet without
/// checking); blocks built to stress the arithmetic, such as maximum coefficients, go to the scalar path.
public struct LaneBounds: Sendable, Hashable {
    /// FDCT rows: always exact (samples are 0...255) or never.
    public let fdctRowFits: Bool
    /// Largest |input| of the FDCT column pass, of the quantizer, of the dequantizer (coefficients),
    /// of the IDCT column pass (dequantized) and of the IDCT row pass (workspace). −1: none fits.
    public let fdctColumn, quantize, coefficient, idctColumn, idctRow: Int

    /// Whether the encode and decode directions use lanes at all.
    public var encodes: Bool { fdctRowFits && fdctColumn >= 0 && quantize >= 0 }
    public var decodes: Bool { coefficient >= 0 && idctColumn >= 0 && idctRow >= 0 }

    public init(_ graphs: KernelGraphs) {
        let config = graphs.config
        let stages = BlockStages(config)
        let bits = LaneArithmetic<CountOverflowsOnly>.laneBits

        /// Whether tracing with inputs in −b...b keeps every signal within the lane.
        func octetFits(_ b: Int, _ body: (Octet<Int>, inout DataflowTracer) -> Octet<Int>) -> Bool {
            var t = DataflowTracer(config: config)
            let inputs = Octet { t.input("x\($0)", -b...b) }
            let out = body(inputs, &t)
            for i in 0..<8 { t.output("y\(i)", out[i]) }
            return t.rangeError == nil && t.graph.maximumWidth <= bits
        }
        func quantizerFits(_ b: Int) -> Bool {
            var t = DataflowTracer(config: config)
            let x = t.input("x", -b...b)
            let f = t.input("reciprocal", graphs.reciprocalRange), c = t.input("correction", graphs.correctionRange)
            let r = t.input("shift", graphs.shiftRange)
            t.output("quantized", stages.quantize(x, reciprocal: f, correction: c, shift: r, &t))
            return t.rangeError == nil && t.graph.maximumWidth <= bits
        }
        func dequantizerFits(_ b: Int) -> Bool {
            var t = DataflowTracer(config: config)
            let q = t.input("quantized", -b...b), d = t.input("divisor", graphs.divisorRange)
            t.output("dequantized", stages.dequantize(q, divisor: d, &t))
            return t.rangeError == nil && t.graph.maximumWidth <= bits
        }
        /// The largest b in 0..<2^31 with fits(b) (fits is monotone in b), or −1.
        func largest(_ fits: (Int) -> Bool) -> Int {
            guard fits(0) else { return -1 }
            var (lo, hi) = (0, Int(Int32.max))       // fits(lo) holds; find the last b that fits
            while lo < hi {
                let mid = lo + (hi - lo + 1) / 2
                if fits(mid) { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }

        fdctRowFits = graphs.forwardRow.maximumWidth <= bits
        fdctColumn = largest { b in octetFits(b) { stages.forwardColumn($0, &$1) } }
        quantize = largest(quantizerFits)
        coefficient = largest(dequantizerFits)
        idctColumn = largest { b in octetFits(b) { stages.inverseColumn($0, &$1) } }
        idctRow = largest { b in octetFits(b) { stages.inverseRow($0, &$1) } }
    }
}
