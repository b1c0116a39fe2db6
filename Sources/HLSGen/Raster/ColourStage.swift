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
    /// Clocks from a beat taken to its result offered (the products, then the sums).
    public static let latency = 2

    public init(colorBits: Int, pixels: Int = 1, userBits: Int = 1) {
        colour = ColourConversion(bits: colorBits)
        self.pixels = pixels
        self.userBits = userBits
    }

    var sumBits: Int { colour.bits + 8 }

    /// The standalone stage: an AXI4-Stream video stream in and out, stalled as a whole (every
    /// register moves when the output register is empty or taken), so tready depends on state and
    /// m_axis_tready only.
    public func module(name: String = "fxc_colour") throws -> Module {
        let b = ModuleBuilder(name, summary: "RGB to YCbCr (libjpeg's integer formulas, \(colour.bits) fractional bits), \(pixels) pixel\(pixels == 1 ? "" : "s") a beat.")
        let takenValid = b.register("products_valid", width: 1, reset: 0)
        let outValid = b.register("out_valid", width: 1, reset: 0)
        let products = (0..<pixels * 9).map { b.register("product_\($0)", width: sumBits, reset: nil) }
        let side = (b.register("products_user", width: userBits, reset: nil), b.register("products_last", width: 1, reset: nil))
        let ycc = (0..<pixels * 3).map { b.register("ycc_\($0)", width: 8, reset: nil) }
        let outSide = (b.register("out_user", width: userBits, reset: nil), b.register("out_last", width: 1, reset: nil))

        let out = b.outputChannel(valid: ("m_axis_tvalid", outValid), ready: "m_axis_tready",
                                  fields: [("m_axis_tdata", (0..<pixels).map { p in b.concat(ycc[3 * p..<3 * p + 3].reversed()) }),
                                           ("m_axis_tuser", [outSide.0]), ("m_axis_tlast", [outSide.1])])
        let advance = b.name(~outValid | out.ready, "advance")
        let input = b.inputChannel(valid: "s_axis_tvalid", ready: ("s_axis_tready", advance),
                                   fields: [.init("s_axis_tdata", width: 24, count: pixels), .init("s_axis_tuser", width: userBits),
                                            .init("s_axis_tlast", width: 1)])
        let rgb = input.elements("s_axis_tdata")
        b.when(advance) {
            b.set(takenValid, input.fire)
            b.set(side.0, input["s_axis_tuser"])
            b.set(side.1, input["s_axis_tlast"])
            b.set(outValid, takenValid)
            b.set(outSide.0, side.0)
            b.set(outSide.1, side.1)
            for p in 0..<pixels {
                // UG934 RGB: G, B, R from the low byte up.
                let g = rgb[p][7, 0], bl = rgb[p][15, 8], r = rgb[p][23, 16]
                for (k, product) in self.products(b, r: r, g: g, b: bl).enumerated() { b.set(products[9 * p + k], product) }
                for (k, value) in self.sums(b, Array(products[9 * p..<9 * p + 9])).enumerated() { b.set(ycc[3 * p + k], value) }
            }
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
