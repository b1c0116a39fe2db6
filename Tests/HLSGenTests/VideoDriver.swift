import Golden
import Hardware
import HLSGen

/// Drives a raster front end's description in Swift as a video source and a block sink would: the
/// source offers its beats in order (tuser, tlast and the frame's shape with each, or written to the
/// registers before a frame where the module has a register port), each held until
/// taken; valid is dropped and ready withheld with probability `stall`. Records every clock's inputs
/// (for the other simulators), the beats given, and how the input was taken.
struct VideoDriver {
    struct SourceBeat {
        var data: [UInt64]
        var user: UInt64, last: UInt64
        var width: Int, height: Int, chroma: ChromaSubsampling
    }

    struct Beat: Equatable { var data: [UInt64]; var user: UInt64; var last: UInt64 }

    struct Run {
        var rows: [[UInt64]]
        var given: [Beat]
        var clocks: Int { rows.count }
        /// Beats taken; clocks a beat was offered and not taken; clocks from the first beat taken to the last.
        var taken: Int, refused: Int, span: Int
        /// The first clock an output named `*error` showed 1, if any.
        var errorClock: Int?
    }

    /// Frames of `pixels`-pixel beats: `pixel(frame, index)` gives a pixel's 24 bits.
    static func beats(frames count: Int, shape: (Int) -> (width: Int, height: Int, chroma: ChromaSubsampling), pixels: Int,
                      pixel: (Int, Int) -> UInt64) -> [SourceBeat] {
        var source: [SourceBeat] = []
        for f in 0..<count {
            let (w, h, chroma) = shape(f)
            for y in 0..<h {
                for x in stride(from: 0, to: w, by: pixels) {
                    source.append(SourceBeat(data: (0..<pixels).map { pixel(f, y * w + x + $0) }, user: x == 0 && y == 0 ? 1 : 0,
                                             last: x + pixels == w ? 1 : 0, width: w, height: h, chroma: chroma))
                }
            }
        }
        return source
    }

    /// When a module with a register port gets a frame's shape written.
    enum ShapeWrites {
        /// Just before the frame's first beat is offered (it waits for them, valid low).
        case beforeTheFrame
        /// As soon as the frame before has started (its first beat taken): the registers then differ
        /// from the shape of the frame still going in.
        case duringTheFrameBefore
        /// Never.
        case never
    }

    /// Runs until `expecting` beats have come out and the source is spent (or nothing comes for `idle` clocks).
    static func run(_ module: Module, source: [SourceBeat], stall: Double, seed: UInt64, expecting: Int, idle limit: Int = 2000,
                    shapeWrites: ShapeWrites = .beforeTheFrame) -> Run {
        let simulator = CycleSimulator(module)
        var random = SplitMix64(seed: seed)
        func chance() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        let errors = module.outputs.map(\.name).filter { $0.hasSuffix("error") }
        let pixels = source.first?.data.count ?? 1
        var rows: [[UInt64]] = [], given: [Beat] = []
        var next = 0, offering = false, idle = 0, refused = 0, first = -1, last = -1
        var errorClock: Int?
        // A module with a register port takes a frame's shape from its registers (`shapeWrites`).
        let registerPort = module.inputs.contains { $0.name == "reg_we" } && shapeWrites != .never
        var writes: [(address: Int, value: UInt64)] = [], writtenFor = -1
        var nextStart = [Int](repeating: source.count, count: source.count + 1)
        for i in source.indices.reversed() { nextStart[i] = source[i].user == 1 ? i : nextStart[i + 1] }
        while idle < limit && (given.count < expecting || next < source.count) {
            // The frame whose shape is due: the next beat's, or during a frame the next frame's.
            let due = next >= source.count || shapeWrites != .duringTheFrameBefore ? next : nextStart[next]
            if registerPort && rows.count >= 2 && due < source.count && source[due].user == 1 && writtenFor < due {
                let s = source[due]
                writes = RasterRegister.shapeWrites(width: s.width, height: s.height, chroma: s.chroma)
                writtenFor = due
            }
            let write = writes.isEmpty ? nil : writes.removeFirst()
            if !offering && next < source.count && chance() >= stall { offering = true }
            let beat = next < source.count ? source[next]
                : SourceBeat(data: [UInt64](repeating: 0, count: pixels), user: 0, last: 0, width: 0, height: 0, chroma: .s444)
            let named: [String: [UInt64]] = [
                "aresetn": [rows.count < 2 ? 0 : 1], "m_axis_tready": [chance() >= stall ? 1 : 0],
                "s_axis_tvalid": [offering && rows.count >= 2 && write == nil ? 1 : 0], "s_axis_tdata": beat.data,
                "s_axis_tuser": [beat.user], "s_axis_tlast": [beat.last],
                "frame_width": [UInt64(beat.width)], "frame_height": [UInt64(beat.height)],
                "frame_chroma": [UInt64(MCURowBuffer.code(beat.chroma))],
                "reg_we": [write == nil ? 0 : 1], "reg_addr": [UInt64(write?.address ?? 0)], "reg_wdata": [write?.value ?? 0]]
            rows.append(module.inputs.flatMap { p in named[p.name] ?? Array(repeating: 0, count: p.count) })
            let out = simulator.step(named)
            if named["s_axis_tvalid"]![0] == 1 {
                if out["s_axis_tready"]![0] == 1 {
                    next += 1; offering = false
                    if first < 0 { first = rows.count }
                    last = rows.count
                } else {
                    refused += 1
                }
            }
            if errorClock == nil && errors.contains(where: { out[$0]![0] == 1 }) { errorClock = rows.count - 1 }
            if out["m_axis_tvalid"]![0] == 1 && named["m_axis_tready"]![0] == 1 {
                given.append(Beat(data: out["m_axis_tdata"]!, user: out["m_axis_tuser"]![0], last: out["m_axis_tlast"]![0]))
                idle = 0
            } else if next == source.count { idle += 1 }
        }
        return Run(rows: rows, given: given, taken: next, refused: refused, span: last - first + 1, errorClock: errorClock)
    }
}
