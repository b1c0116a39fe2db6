import Golden
import Hardware
import JPEG

/// The whole hardware JPEG encoder, `fxc_jpeg_encoder`: RGB video in (UG934), a baseline JFIF file out,
/// a byte a beat with tlast on the file's last byte (EOI's D9).
///   `fxc_raster_encode_x8`  colour, row buffer, the 8-lane core in encode mode → quantized blocks in MCU order
///   `fxc_entropy_coder`     those blocks → header, Huffman-coded scan with RSTn, EOI
/// The register port (`RasterRegister`) holds the frame's shape and restart interval; a frame takes
/// those held when its first beat is taken: the front end carries its shape with that beat, and a queue
/// of frames (`frameQueueDepth`) carries its numbers to the entropy coder, which writes the header
/// from them. A frame with no size written is refused by the front end and never queued. The
/// quantization tables are written through the core's qt_* port (8-bit steps: baseline), the Huffman
/// tables through ht_* (`EntropyCoderStage.tableWrites`). `reg_rdata` is the register at `reg_addr`
/// a clock before: the registers written, and the status (`EncoderStatus`).
public struct JPEGEncoderCore: Sendable {
    public static let name = "fxc_jpeg_encoder"
    public static let frameQueueDepth = 4

    public let front: RasterFront
    public let coder: EntropyCoderStage

    public init(design: RTLDesign, pixels: Int = 1, maxWidth: Int = 2048) {
        front = RasterFront(colorBits: design.config.colorBits, pixels: pixels, maxWidth: maxWidth)
        coder = EntropyCoderStage(coefficientBits: design.laneBits, tables: design.tables)
    }

    public func module(design: RTLDesign) throws -> Module {
        let b = ModuleBuilder(Self.name, summary: "RGB video in (\(front.pixels) pixel\(front.pixels == 1 ? "" : "s") a beat, UG934), a baseline JFIF file out a byte a beat (tlast on EOI): \(RasterFront.encodeName) into \(EntropyCoderStage.name).")
        let encode = b.instance(try front.encodeModule(design: design), name: "encode")
        let coding = b.instance(try coder.module(), name: "coder")
        let pixels = b.inputs("s_axis_tdata", count: front.pixels, width: 24)
        let valid = b.input("s_axis_tvalid", width: 1), user = b.input("s_axis_tuser", width: 1)
        encode.connect("s_axis_tdata", pixels)
        encode.connect("s_axis_tvalid", valid)
        encode.connect("s_axis_tuser", user)
        encode.connect("s_axis_tlast", b.input("s_axis_tlast", width: 1))
        let ready = encode.output("s_axis_tready")
        b.output("s_axis_tready", ready)
        let (registerInputs, registers) = RasterRegister.port(b, keeping: RasterRegister.allCases)
        for ((port, _), input) in zip(RasterRegister.ports, registerInputs) { encode.connect(port, input) }
        // The core's quantization tables (qt_*: natural order, the packed entry); each write also sets the
        // entropy coder's DQT step, at the entry's zigzag position.
        let layout = design.core.layout
        let tableWrite = b.input("qt_we", width: 1), table = b.input("qt_table", width: 1), address = b.input("qt_addr", width: 6)
        let entry = b.input("qt_data", width: layout.entryBits)
        for (port, value) in [("qt_we", tableWrite), ("qt_table", table), ("qt_addr", address), ("qt_data", entry)] { encode.connect(port, value) }
        let divisor = layout.field("divisor")
        coding.connect("dqt_we", tableWrite)
        coding.connect("dqt_addr", b.concat(table, b.pick(address, from: Zigzag.position.map { b.constant($0, width: 6) })))
        coding.connect("dqt_data", entry[divisor.msb, divisor.lsb].resized(to: 8))

        // The frames' numbers, queued as each frame's first beat is taken.
        let numbers = [registers[.frameWidth]!, registers[.frameHeight]!, registers[.frameChroma]!, registers[.restartInterval]!]
        let n = EntropyCoderStage.numberBits
        let word = b.concat(numbers[0].resized(to: n), numbers[1].resized(to: n), numbers[2], numbers[3])
        let depth = Self.frameQueueDepth, bits = Module.addressBits(depth: depth)
        let queue = b.memory("frame_queue", depth: depth, width: word.width, readLatency: 0)
        let writeAt = b.register("frame_write", width: bits + 1, reset: 0), readAt = b.register("frame_read", width: bits + 1, reset: 0)
        // Whether the width and height are both set, registered with them (from the writes of this clock),
        // so a frame's push waits for no compare.
        let (registerWrite, registerAddress, registerData) = (registerInputs[0], registerInputs[1], registerInputs[2])
        let written = [RasterRegister.frameWidth, .frameHeight].enumerated().map { k, r in
            b.select(registerWrite & registerAddress.eq(r.rawValue), registerData[r.width - 1, 0], numbers[k])
        }
        let shapeSet = b.registered("frame_shape_set", written[0].ne(0) & written[1].ne(0), reset: 0)
        let push = b.name(valid & ready & user & shapeSet, "frame_push")
        // Written a clock after the beat is taken, from registers (the queue sits by the coder, which reads
        // it long after).
        let pushed = b.registered("frame_pushed", push, reset: 0), pushedWord = b.registered("frame_pushed_word", word)
        b.when(pushed) {
            b.write(queue, at: writeAt[bits - 1, 0], pushedWord)
            b.set(writeAt, writeAt + 1)
        }
        let head = b.read(queue, at: readAt[bits - 1, 0])
        coding.connect("frame_valid", writeAt.ne(readAt))
        coding.connect("frame_width", head[word.width - 1, word.width - n])
        coding.connect("frame_height", head[word.width - n - 1, word.width - 2 * n])
        coding.connect("frame_chroma", head[n + 1, n])
        coding.connect("frame_restart", head[n - 1, 0])
        b.when(writeAt.ne(readAt) & coding.output("frame_ready")) { b.set(readAt, readAt + 1) }

        // The blocks through a register slice: the two tops sit apart on the chip, and each handshake
        // then stays on its own side (the encode top's ready is the slice's register).
        // Two slices in a row: one may sit by the encode top, the other by the coder, whose ready only
        // the second one's registers wait for.
        let rows = encode.outputs("m_axis_tdata")
        let nearCoderSkid = b.sliceSkidValid("blocks_near")
        let leaving = b.registerSlice("blocks", valid: encode.output("m_axis_tvalid"),
                                      fields: rows + [encode.output("m_axis_tuser"), encode.output("m_axis_tlast")],
                                      ready: ~nearCoderSkid)
        let blocks = b.registerSlice("blocks_near", valid: leaving.valid, fields: leaving.fields, skidValid: nearCoderSkid,
                                     ready: coding.output("s_axis_tready"))
        coding.connect("s_axis_tdata", Array(blocks.fields.prefix(rows.count)))
        coding.connect("s_axis_tvalid", blocks.valid)
        coding.connect("s_axis_tuser", blocks.fields[rows.count])
        coding.connect("s_axis_tlast", blocks.fields[rows.count + 1])
        encode.connect("m_axis_tready", leaving.upstreamReady)
        let outReady = b.input("m_axis_tready", width: 1)
        coding.connect("m_axis_tready", outReady)
        b.output("m_axis_tvalid", coding.output("m_axis_tvalid"))
        b.output("m_axis_tdata", coding.output("m_axis_tdata"))
        b.output("m_axis_tlast", coding.output("m_axis_tlast"))
        b.output("frame_error", encode.output("frame_error"))
        b.output("framing_error", encode.output("framing_error"))
        for port in ["ht_we", "ht_addr", "ht_data"] {
            coding.connect(port, b.input(port, width: port == "ht_we" ? 1 : port == "ht_addr" ? EntropyCoderStage.tableAddressBits : EntropyCoderStage.tableDataBits))
        }

        // MARK: status
        // Bytes of the file being written, counted as they are taken; at its last (tlast) they become the
        // last file's count, and the files written go up by one. Errors are sticky until reset.
        let sent = b.name(coding.output("m_axis_tvalid") & outReady, "byte_sent")
        let counting = b.register("status_counting", width: 32, reset: 0)
        let fileBytes = b.register("status_file_bytes", width: 32, reset: 0), files = b.register("status_files", width: 32, reset: 0)
        b.when(sent) {
            b.when(coding.output("m_axis_tlast")) {
                b.set(fileBytes, counting + 1); b.set(files, files + 1); b.set(counting, b.constant(0, width: 32))
            } otherwise: { b.set(counting, counting + 1) }
        }
        let errors = b.register("status_errors", width: 3, reset: 0)
        b.set(errors, errors | b.concat(coding.output("code_missing"), encode.output("framing_error"), encode.output("frame_error")))
        // In address order: the description (and so the printed files and their hash) must not depend on a dictionary's order.
        let readable: [(Int, Signal)] = registers.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value) }
            + [(EncoderStatus.fileBytes.rawValue, fileBytes), (EncoderStatus.files.rawValue, files), (EncoderStatus.errors.rawValue, errors)]
        // A balanced tree of selects on the address's low bits (a chain of compares would be as deep as
        // the registers are many), 0 where nothing is.
        let readAddress = registerInputs[1], lowBits = Module.addressBits(depth: (readable.map(\.0).max() ?? 0) + 1)
        var slots = [Signal](repeating: b.constant(0, width: 32), count: 1 << lowBits)
        for (at, value) in readable { slots[at] = value.resized(to: 32) }
        let inRange = readAddress.width > lowBits ? readAddress[readAddress.width - 1, lowBits].eq(0) : b.one
        let read = b.select(inRange, b.pick(readAddress[lowBits - 1, 0], from: slots), b.constant(0, width: 32))
        b.output("reg_rdata", b.registered("reg_read", read, reset: 0))
        return try b.build()
    }
}

/// The encoder's status registers, read through `reg_addr` / `reg_rdata`.
///   address  register      bits
///   8        file bytes    31:0  bytes of the last file written (counted as taken, to its tlast)
///   9        files         31:0  files written since reset
///   10       errors        2:0   sticky until reset: 0 a frame refused (frame_error), 1 a framing error
///                                (framing_error), 2 a symbol with no code in the loaded Huffman tables
public enum EncoderStatus: Int, CaseIterable, Sendable {
    case fileBytes = 8, files = 9, errors = 10

    public enum ErrorBit: Int, Sendable { case frame = 0, framing = 1, codeMissing = 2 }
}

extension JPEGEncoderCore {
    /// The Verilog of `fxc_jpeg_encoder`: the core's files, then one file per block and module of the
    /// rest, each opening with the provenance header; with `harness`, the encoder harness after them.
    public func files(design: RTLDesign, command: String, harness: Bool = false) throws -> [GeneratedFile] {
        let core = try design.coreFiles(command: command)
        let header = try design.banner(command: command) + "// Verilog-2005 (Verilator 5, Icarus Verilog 11, yosys 0.23).\n\n"
        let present = Set(core.map(\.path))
        let top = try module(design: design)
        let own = VerilogPrinter.modules(top).filter { !present.contains(VerilogPrinter.fileName($0)) }
        let blocks = VerilogPrinter.externalModules(top).filter { !present.contains($0.name + ".v") }
        return core + blocks.map { GeneratedFile(path: $0.name + ".v", text: header + $0.text) }
            + own.map { GeneratedFile(path: VerilogPrinter.fileName($0), text: header + VerilogPrinter.text($0)) }
            + (harness ? [GeneratedFile(path: EncoderHarness.verilatorFileName, text: try design.banner(command: command) + "\n" + EncoderHarness.verilator)] : [])
    }

    /// The C-simulation files of `fxc_jpeg_encoder`: its printed step function, the header that
    /// declares it, and the encoder harness's testbench over it, each opening with `banner`.
    public func cSimFiles(design: RTLDesign, banner: String) throws -> [GeneratedFile] {
        let module = try module(design: design), name = module.name
        return [GeneratedFile(path: CSimToolchain.header(name), text: banner + "\n" + HLSProject.header(module)),
                GeneratedFile(path: CSimToolchain.source(name), text: banner + "\n" + HLSPrinter.text(module)),
                GeneratedFile(path: CSimToolchain.testbench(name), text: banner + "\n" + (try EncoderHarness.hls(module, laneBits: design.laneBits)))]
    }
}
