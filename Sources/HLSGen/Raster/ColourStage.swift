import Golden
import Hardware

/// The raster front end's first stage: RGB pixels in, YCbCr out, with libjpeg's integer formulas
/// (`ColourConversion`, S = `colorBits` fractional bits):
///   Y  = ( yR·R + yG·G + yB·B + 2^(S−1)) >> S
///   Cb = (cbR·R + cbG·G + cbB·B + (128 << S) + 2^(S−1) − 1) >> S,  Cr alike (cbR, cbG, crG, crB < 0).
/// Each result is in 0...255, so the sums are kept modulo 2^(S+8): their low S+8 bits are exact and
/// the top 8 are the result. A product is an 8-bit sample times a constant's magnitude (a multiplier
/// block's 8 × 16), a negative constant's product is subtracted.
/// Beats follow UG934: `pixels` pixels a beat (tdata's elements, the first lowest when printed as one
/// vector); a pixel is {R, B, G} with G in bits 7:0 on the way in and {Cr, Cb, Y} with Y in bits 7:0
/// on the way out. tuser (start of frame, and any other bits of `userBits`) and tlast (end of line)
/// travel with their beat.
public struct ColourStage: Sendable {
    public let colour: ColourConversion
    public let pixels: Int
    /// Width of tuser (bit 0 the start of frame; a front end carries the frame's shape above it).
    public let userBits: Int
    /// Clocks from a beat taken to its result offered, without stalls: the products, the sums, the
    /// queue, the output register.
    public static let latency = 4
    /// Places in the queue before the output register, and so the beats in the stage at most.
    public static let queueDepth = 8

    public init(colorBits: Int, pixels: Int = 1, userBits: Int = 1) {
        colour = ColourConversion(bits: colorBits)
        self.pixels = pixels
        self.userBits = userBits
    }

    var sumBits: Int { colour.bits + 8 }

    /// The standalone stage: an AXI4-Stream video stream in and out. The arithmetic never stalls (its
    /// registers have no enable): a beat is taken only against a credit of the queue before the output
    /// register (`creditedQueue`), so s_axis_tready is a register and m_axis_tready reaches the queue's
    /// read side and the output register alone.
    public func module(name: String = "fxc_colour") throws -> Module {
        let b = ModuleBuilder(name, summary: "RGB to YCbCr (libjpeg's integer formulas, \(colour.bits) fractional bits), \(pixels) pixel\(pixels == 1 ? "" : "s") a beat.")
        let queue = b.creditedQueue("out", depth: Self.queueDepth)
        let input = b.inputChannel(valid: "s_axis_tvalid", ready: ("s_axis_tready", queue.credit),
                                   fields: [.init("s_axis_tdata", width: 24, count: pixels), .init("s_axis_tuser", width: userBits),
                                            .init("s_axis_tlast", width: 1)])
        // The products, then the sums (registered every clock), written to the queue.
        let rgb = input.elements("s_axis_tdata")
        // UG934 RGB: G, B, R from the low byte up.
        let products = (0..<pixels).flatMap { p in self.products(b, r: rgb[p][23, 16], g: rgb[p][7, 0], b: rgb[p][15, 8]) }
            .enumerated().map { b.registered("product_\($0)", $1) }
        let valid = b.registered("products_valid", input.fire, reset: 0)
        let side = [b.registered("products_user", input["s_axis_tuser"]), b.registered("products_last", input["s_axis_tlast"])]
        let sums: [Signal] = (0..<pixels).flatMap { p in self.sums(b, Array(products[9 * p..<9 * p + 9])) }
        let ycc = sums.enumerated().map { n, sum in b.registered("ycc_\(n)", sum) }
        let yccValid = b.registered("ycc_valid", valid, reset: 0)
        let yccSide = [b.registered("ycc_user", side[0]), b.registered("ycc_last", side[1])]
        let pixelsOut = (0..<pixels).map { p in b.concat(ycc[3 * p..<3 * p + 3].reversed()) }
        _ = queue.drain(issue: input.fire, arriving: yccValid, fields: pixelsOut + yccSide) { valid, fields in
            b.outputChannel(valid: ("m_axis_tvalid", valid), ready: "m_axis_tready",
                            fields: [("m_axis_tdata", Array(fields[0..<pixels])), ("m_axis_tuser", [fields[pixels]]),
                                     ("m_axis_tlast", [fields[pixels + 1]])]).ready
        }
        return try b.build()
    }

    /// The nine products |c|·sample, rows Y, Cb, Cr by columns R, G, B.
    func products(_ b: ModuleBuilder, r: Signal, g: Signal, b blue: Signal) -> [Signal] {
        colour.forwardMatrix.flatMap { row in
            zip(row, [r, g, blue]).map { c, x in x.resized(to: sumBits) * b.constant(abs(c), width: sumBits) }
        }
    }

    /// Y, Cb, Cr from a pixel's products: the signed sum with the row's offset, its top 8 bits.
    func sums(_ b: ModuleBuilder, _ products: [Signal]) -> [Signal] {
        (0..<3).map { row in
            var sum = b.constant(colour.forwardOffsets[row], width: sumBits)
            for column in 0..<3 {
                let c = colour.forwardMatrix[row][column], x = products[3 * row + column]
                sum = c < 0 ? sum - x : sum + x
            }
            return sum[sumBits - 1, sumBits - 8]
        }
    }
}
