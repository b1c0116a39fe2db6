import Golden
import Hardware

/// The raster front end's register port: a write of `reg_wdata` to register `reg_addr` in a clock where
/// `reg_we` is 1. A frame takes the shape held when its start of frame (tuser) is taken, so the next
/// frame's shape may be written as soon as one frame has started. After reset the width and height are
/// 0: a frame before they are written is malformed (frame_error).
///   address  register        bits
///   0        frame width     15:0   pixels, 1 … the maximum width, a multiple of the pixels a beat
///   1        frame height    15:0   lines, ≥ 1
///   2        frame chroma    1:0    0 4:4:4, 1 4:2:2, 2 4:2:0, 3 grey
///   3        restart interval 15:0  MCUs between RSTn markers, 0 for none (the JPEG encoder's)
public enum RasterRegister: Int, CaseIterable, Sendable {
    case frameWidth = 0, frameHeight = 1, frameChroma = 2, restartInterval = 3

    public static let addressBits = 4
    public static let dataBits = 32

    /// Bits the register keeps (the low bits of a write).
    public var width: Int {
        switch self {
        case .frameWidth, .frameHeight: MCURowBuffer.coordinateBits
        case .frameChroma: 2
        case .restartInterval: 16
        }
    }

    /// Its name in the hardware (`reg_frame_width`).
    public var name: String {
        switch self {
        case .frameWidth: "frame_width"
        case .frameHeight: "frame_height"
        case .frameChroma: "frame_chroma"
        case .restartInterval: "restart_interval"
        }
    }

    /// The writes that set a frame's shape (and, for the JPEG encoder, its restart interval), in address
    /// order: (address, value).
    public static func shapeWrites(width: Int, height: Int, chroma: ChromaSubsampling, restart: Int? = nil) -> [(address: Int, value: UInt64)] {
        [(frameWidth.rawValue, UInt64(width)), (frameHeight.rawValue, UInt64(height)),
         (frameChroma.rawValue, UInt64(MCURowBuffer.code(chroma)))] + (restart.map { [(restartInterval.rawValue, UInt64($0))] } ?? [])
    }

    /// The registers the raster front end keeps: the frame's shape.
    static let shape: [RasterRegister] = [.frameWidth, .frameHeight, .frameChroma]

    /// The register port's inputs: write enable, address, data.
    static let ports = [("reg_we", 1), ("reg_addr", addressBits), ("reg_wdata", dataBits)]

    /// The register port's inputs on `b` (in `ports` order), and the registers of `kept` they write (reset 0).
    static func port(_ b: ModuleBuilder, keeping kept: [RasterRegister] = shape) -> (inputs: [Signal], registers: [RasterRegister: Signal]) {
        let inputs = ports.map { b.input($0.0, width: $0.1) }
        let (we, address, data) = (inputs[0], inputs[1], inputs[2])
        var registers: [RasterRegister: Signal] = [:]
        for r in kept {
            let value = b.register("reg_\(r.name)", width: r.width, reset: 0)
            b.when(we & address.eq(r.rawValue)) { b.set(value, data[r.width - 1, 0]) }
            registers[r] = value
        }
        return (inputs, registers)
    }
}
