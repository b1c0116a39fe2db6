import Golden
import Hardware

/// The raster front end and the encoder it feeds, as descriptions built from the stages of this folder:
///   `fxc_front_raster`      RGB video (UG934) → `ColourStage` → `MCURowBuffer` → 8×8 sample blocks in MCU order
///   `fxc_raster_encode_x8`  that front end → the 8-lane core in encode mode → quantized coefficients in MCU order
/// The core's tuser carries a block's start of frame and table; a dummy block's flag waits beside the
/// core in a queue of one bit a block (the core keeps blocks in order) and comes out as tuser[2] with
/// the block's first coefficient row. The queue holds `dummyQueueDepth` blocks (two fewer in use);
/// when it is full, the front end waits (the core never holds that many).
public struct RasterFront: Sendable {
    public let colour: ColourStage
    public let rows: MCURowBuffer
    public static let frontName = "fxc_front_raster"
    public static let encodeName = "fxc_raster_encode_x8"
    public static let dummyQueueDepth = 32

    public init(colorBits: Int, pixels: Int = 1, maxWidth: Int = 2048) {
        colour = ColourStage(colorBits: colorBits, pixels: pixels, userBits: 1 + 2 * MCURowBuffer.coordinateBits + 2)
        rows = MCURowBuffer(maxWidth: maxWidth, pixels: pixels)
    }

    public var pixels: Int { rows.pixels }

    /// RGB pixels in, sample blocks out: the colour stage into the row buffer. Ports: the colour
    /// stage's s_axis, the register port (`RasterRegister`), the row buffer's m_axis and frame_error.
    /// The frame's shape is taken from the registers with its start of frame here and travels with
    /// that beat (in the colour stage's tuser) to the row buffer, so the shape of the next frame may be
    /// written as soon as this one has started.
    public func frontModule() throws -> Module {
        let b = ModuleBuilder(Self.frontName, summary: "Raster RGB in (\(pixels) pixel\(pixels == 1 ? "" : "s") a beat, UG934), 8x8 YCbCr sample blocks out in JPEG MCU order, a row a beat; frames up to \(rows.maxWidth) wide.")
        let colourStage = b.instance(try colour.module(), name: "colour")
        let buffer = b.instance(try rows.module(), name: "rows")
        let cw = MCURowBuffer.coordinateBits
        colourStage.connect("s_axis_tdata", b.inputs("s_axis_tdata", count: pixels, width: 24))
        for port in ["s_axis_tvalid", "s_axis_tlast"] { colourStage.connect(port, b.input(port, width: 1)) }
        let registers = RasterRegister.port(b).registers
        let shape = [registers[.frameChroma]!, registers[.frameHeight]!, registers[.frameWidth]!]
        colourStage.connect("s_axis_tuser", b.concat(shape + [b.input("s_axis_tuser", width: 1)]))
        b.output("s_axis_tready", colourStage.output("s_axis_tready"))
        buffer.connect("s_axis_tdata", colourStage.outputs("m_axis_tdata"))
        buffer.connect("s_axis_tvalid", colourStage.output("m_axis_tvalid"))
        let user = colourStage.output("m_axis_tuser")
        buffer.connect("s_axis_tuser", user[0])
        buffer.connect("frame_width", user[cw, 1])
        buffer.connect("frame_height", user[2 * cw, cw + 1])
        buffer.connect("frame_chroma", user[2 * cw + 2, 2 * cw + 1])
        buffer.connect("s_axis_tlast", colourStage.output("m_axis_tlast"))
        colourStage.connect("m_axis_tready", buffer.output("s_axis_tready"))
        buffer.connect("m_axis_tready", b.input("m_axis_tready", width: 1))
        b.output("m_axis_tvalid", buffer.output("m_axis_tvalid"))
        b.output("m_axis_tdata", buffer.outputs("m_axis_tdata"))
        b.output("m_axis_tuser", buffer.output("m_axis_tuser"))
        b.output("m_axis_tlast", buffer.output("m_axis_tlast"))
        b.output("frame_error", buffer.output("frame_error"))
        return try b.build()
    }

    /// The front end into the 8-lane core in encode mode: RGB in, quantized coefficients out (a row of
    /// 8 a beat, `design.laneBits` each), tuser {dummy, table, start of frame} on a block's first beat.
    public func encodeModule(design: RTLDesign) throws -> Module {
        let b = ModuleBuilder(Self.encodeName, summary: "Raster RGB in, quantized coefficients out in JPEG MCU order: \(Self.frontName) into \(RTLDesign.coreName(lanes: 8)) in encode mode; tuser {dummy, table, start of frame}.")
        let cw = design.laneBits
        let front = b.instance(try frontModule(), name: "front")
        let core = b.instance(try design.coreModule(lanes: 8), name: "core")
        front.connect("s_axis_tdata", b.inputs("s_axis_tdata", count: pixels, width: 24))
        for port in ["s_axis_tvalid", "s_axis_tuser", "s_axis_tlast"] { front.connect(port, b.input(port, width: 1)) }
        b.output("s_axis_tready", front.output("s_axis_tready"))
        for (port, width) in RasterRegister.ports {
            front.connect(port, b.input(port, width: width))
        }
        core.connect("mode", b.constant(Int(CodecMode.encode.code), width: 2))
        design.core.tablePort(b, into: core)

        // The dummy flags' queue: one bit pushed with each block's first row into the core, popped
        // with each block's first row out of it. The two ends sit at the core's two ends, far apart,
        // so each keeps its own pointer: the input end sees the output end's a clock late, through a
        // register, and works out the blocks held and the room in two more clocks (blocks go in 8
        // clocks apart at the fastest, so one more can go in while that is stale; room means two
        // places free).
        let depth = Self.dummyQueueDepth, pointerBits = Module.addressBits(depth: depth)
        let flags = b.register("dummy_flags", width: depth, reset: 0)
        let writeAt = b.register("dummy_write", width: pointerBits + 1, reset: 0), readAt = b.register("dummy_read", width: pointerBits + 1, reset: 0)
        let readSeen = b.register("dummy_read_seen", width: pointerBits + 1, reset: 0)
        let used = b.register("dummy_used", width: pointerBits + 1, reset: 0), room = b.register("dummy_room", width: 1, reset: 1)
        b.set(readSeen, readAt)
        b.set(used, writeAt - readSeen)
        b.set(room, used.lt(b.constant(depth - 2, width: pointerBits + 1)))
        let inRow = b.register("in_row", width: 3, reset: 0), outRow = b.register("out_row", width: 3, reset: 0)
        // A register slice between the front end and the core: the core's ready reaches it alone.
        let coreReady = core.output("s_axis_tready")
        let slice = b.registerSlice("to_core", valid: front.output("m_axis_tvalid"),
                                    fields: front.outputs("m_axis_tdata") + [front.output("m_axis_tuser"), front.output("m_axis_tlast")], ready: coreReady & room)
        front.connect("m_axis_tready", slice.upstreamReady)
        let frontValid = slice.valid, rowData = Array(slice.fields[0..<8]), rowUser = slice.fields[8], rowLast = slice.fields[9]
        core.connect("s_axis_tdata", rowData.map { $0.zeroExtended(to: cw) })
        core.connect("s_axis_tvalid", frontValid & room)
        core.connect("s_axis_tuser", rowUser[1, 0])
        core.connect("s_axis_tlast", rowLast)
        let rowIn = b.name(frontValid & room & coreReady, "row_in")
        let push = b.name(rowIn & inRow.eq(0), "dummy_push")
        let outReady = b.input("m_axis_tready", width: 1)
        core.connect("m_axis_tready", outReady)
        let coreValid = core.output("m_axis_tvalid")
        let pop = b.name(coreValid & outReady & outRow.eq(0), "dummy_pop")
        b.when(rowIn) { b.set(inRow, inRow + 1) }
        b.when(coreValid & outReady) { b.set(outRow, outRow + 1) }
        // A flag is written a clock after its push, from registers (it is read when its block leaves the
        // core, many clocks later).
        let pushed = b.register("dummy_pushed", width: 1, reset: 0), pushedAt = b.register("dummy_pushed_at", width: pointerBits, reset: nil)
        let pushedFlag = b.register("dummy_pushed_flag", width: 1, reset: nil)
        b.set(pushed, push); b.set(pushedAt, writeAt[pointerBits - 1, 0]); b.set(pushedFlag, rowUser[2])
        b.when(pushed) { b.set(flags, bit: pushedAt, to: pushedFlag) }
        b.when(push) { b.set(writeAt, writeAt + 1) }
        b.when(pop) { b.set(readAt, readAt + 1) }

        b.output("m_axis_tvalid", coreValid)
        b.output("m_axis_tdata", core.outputs("m_axis_tdata").map { $0.truncated(to: cw) })
        let dummy = outRow.eq(0) & flags.bit(readAt[pointerBits - 1, 0])
        b.output("m_axis_tuser", b.concat(dummy, core.output("m_axis_tuser")))
        b.output("m_axis_tlast", core.output("m_axis_tlast"))
        b.output("frame_error", front.output("frame_error"))
        b.output("framing_error", core.output("framing_error"))
        return try b.build()
    }
}

extension RasterFront {
    /// The Verilog of `fxc_raster_encode_x8`: the core's files (kernels, multiplier cells, transposes,
    /// cores) and one file per module of the front end, each opening with the provenance header; the
    /// top last; with `harness`, the raster harness (`raster_harness.cpp`) after them.
    public func encodeFiles(design: RTLDesign, command: String, harness: Bool = false) throws -> [GeneratedFile] {
        let core = try design.coreFiles(command: command)
        let header = try design.banner(command: command) + "// Verilog-2005 (Verilator 5, Icarus Verilog 11, yosys 0.23).\n\n"
        let present = Set(core.map(\.path))
        let top = try encodeModule(design: design)
        let own = VerilogPrinter.modules(top).filter { !present.contains(VerilogPrinter.fileName($0)) }
        let blocks = VerilogPrinter.externalModules(top).filter { !present.contains($0.name + ".v") }
        return core + blocks.map { GeneratedFile(path: $0.name + ".v", text: header + $0.text) }
            + own.map { GeneratedFile(path: VerilogPrinter.fileName($0), text: header + VerilogPrinter.text($0)) }
            + (harness ? [GeneratedFile(path: RasterHarness.verilatorFileName, text: try design.banner(command: command) + "\n" + RasterHarness.verilator)] : [])
    }
}

extension RasterFront {
    /// The C-simulation files of `fxc_raster_encode_x8`: its printed step function, the header that
    /// declares it, and the raster harness's testbench over it, each opening with `banner`.
    public func cSimFiles(design: RTLDesign, banner: String) throws -> [GeneratedFile] {
        let module = try encodeModule(design: design), name = module.name
        return [GeneratedFile(path: CSimToolchain.header(name), text: banner + "\n" + HLSProject.header(module)),
                GeneratedFile(path: CSimToolchain.source(name), text: banner + "\n" + HLSPrinter.text(module)),
                GeneratedFile(path: CSimToolchain.testbench(name), text: banner + "\n" + (try RasterHarness.hls(module, laneBits: design.laneBits)))]
    }
}
