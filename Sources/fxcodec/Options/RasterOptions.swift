import ArgumentParser
import Golden
import HLSGen

/// What the core takes in, and the raster front end's shape: shared by rtl, cosim, csim and synth.
struct FrontOptions: ParsableArguments {
    enum Front: String, ExpressibleByArgument, CaseIterable { case blocks, raster }

    @Option(help: "What the core takes in: blocks (8x8 blocks of one component, the default) or raster (RGB video through the raster front end into the 8-lane encoder; give --mode encode).")
    var front: Front = .blocks

    @OptionGroup var shape: RasterShapeOptions

    var pixelsPerBeat: Int { shape.pixelsPerBeat }
    var maxWidth: Int { shape.maxWidth }
    var raster: Bool { front == .raster }

    /// The front end these options describe.
    func rasterFront(colorBits: Int) -> RasterFront { RasterFront(colorBits: colorBits, pixels: pixelsPerBeat, maxWidth: maxWidth) }

    /// The options as words of a regenerate command (none for blocks).
    var words: [String] {
        raster ? ["--front", "raster", "--pixels-per-beat", String(pixelsPerBeat), "--max-width", String(maxWidth)] : []
    }

    /// --front raster feeds the 8-lane encoder: `mode` must be encode and `lanes` 8 (nil: not asked).
    func check(mode: CodecMode?, lanes: Int?) throws {
        guard raster else { return }
        if mode != .encode { throw ValidationError("--front raster feeds the encoder: give --mode encode") }
        if let lanes, lanes != 8 { throw ValidationError("--front raster feeds the 8-lane core: --lanes must be 8") }
    }
}

/// The raster front end's shape alone: what `compare --core encoder` takes of `FrontOptions`.
struct RasterShapeOptions: ParsableArguments {
    @Option(name: .customLong("pixels-per-beat"), parsing: .unconditional, help: "raster: RGB pixels a beat, 1, 2 or 4.",
            transform: Checked.oneOf([1, 2, 4]))
    var pixelsPerBeat = 1

    @Option(name: .customLong("max-width"), parsing: .unconditional,
            help: "raster: widest frame in pixels, a power of two from 16 to 32768 (the line buffers hold two MCU rows of it).",
            transform: Checked.oneOf((4...15).map { 1 << $0 }))
    var maxWidth = 2048
}
