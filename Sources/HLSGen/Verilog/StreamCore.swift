import Golden
import Hardware

/// The streaming core around the traced kernels: three pipeline sections joined by two ping-pong
/// transposes, the quantization tables, and the serial (1 value per beat) wrapper.
///
///   A (rows)    input row → FDCT row pass, or the row as it is when decoding         → T1
///   B (columns) T1 column → FDCT column pass → quantize ─┬──────────────────────────── → T2  (encode)
///                                                        └→ dequantize → IDCT column  → T2  (roundtrip)
///               T1 column (coefficients) → dequantize → IDCT column                   → T2  (decode)
///   C (rows)    T2 row → IDCT row pass + range limit, or the row as it is when encoding → output
///
/// A section is a chain of registers that advances every clock and never holds: it ends in a buffer
/// (`SectionBuffer`, LUT memories) and takes a beat in only while that buffer has room for every beat
/// on its way, so backpressure (a transpose full, the output not ready) stops beats at a section's
/// entrance and no enable has to reach the whole section in one clock.
/// The mode picks where each section's result is tapped, so in a top with the mode tied the unused
/// kernels disappear and each mode has its own, shortest, latency.
///
/// The control is one hardware description per block (`StreamCoreDescription.swift`): the 8-lane
/// core, the 1-lane wrapper and the mode tops, printed by `VerilogPrinter` and run clock by clock by
/// `CycleSimulator`; the kernels are placed in them as external blocks (`KernelBlock.swift`).
struct StreamCore {
    /// The traced kernels, in stream order (`HLSDesign.kernelPlans`), as pipelined modules; the
    /// description places each by its name (`kernel(_:)`).
    let kernels: [KernelModule]
    let layout: QuantTableLayout
    /// Bits of one lane of the streams: samples in the low 8, coefficients two's complement.
    let laneBits: Int
    /// Words of T1 (FDCT workspace, or coefficients when decoding) and of T2 (quantized coefficients,
    /// or the IDCT workspace).
    let t1Bits, t2Bits: Int
    /// The word widths a transpose module is printed for (T1's, and T2's when it differs).
    var transposeBits: [Int] { t1Bits == t2Bits ? [t1Bits] : [t1Bits, t2Bits] }
    /// The tables the core holds after reset: luminance (table 0) and chrominance (table 1), packed.
    let resetTables: [[UInt64]]
    let tableDescription: String

    static let core8 = "fxc_core_x8", core1 = "fxc_core_x1"

    /// Clocks between beats the sections' kernels can take at most: 1, or (the serial core's 8-lane
    /// sections, fed one row every 8 clocks) the period the kernels are folded for, the transposes'
    /// readers throttled to one cross-line per `fold` clocks.
    let fold: Int
    /// The 8-lane core's module: `fxc_core_x8`, or folded `fxc_core_x8_f<fold>`.
    var core8Name: String { fold == 1 ? Self.core8 : "\(Self.core8)_f\(fold)" }

    /// The quantized coefficient's bits (what encode emits and decode accepts).
    var coefficientBits: Int { kernel("dequantize").inputs[0].port.width }

    /// The kernel named `name` in the datapath ("fdct_row", …).
    func kernel(_ name: String) -> KernelModule { Self.kernel(name, in: kernels) }

    static func kernel(_ name: String, in kernels: [KernelModule]) -> KernelModule {
        guard let k = kernels.first(where: { $0.kernel == name }) else { preconditionFailure("the core has no kernel \(name)") }
        return k
    }

    /// The core with its kernels folded for beats `period` clocks apart (quantize and dequantize as
    /// one module of 8 lanes each), so that the kernels share multipliers: the serial core's inside.
    func folded(period: Int, target: ClockTarget) -> StreamCore {
        let kernels = kernels.map { k in
            KernelModule(folding: k, period: period, copies: k.outputs.count == 1 ? 8 : 1, target: target)
        }
        return StreamCore(kernels: kernels, layout: layout, resetTables: resetTables, tableDescription: tableDescription,
                          fold: period)
    }

    init(kernels: [KernelModule], layout: QuantTableLayout, resetTables: [[UInt64]], tableDescription: String,
         fold: Int = 1) {
        self.fold = fold
        self.kernels = kernels
        self.layout = layout
        self.resetTables = resetTables
        self.tableDescription = tableDescription
        func kernel(_ name: String) -> KernelModule { Self.kernel(name, in: kernels) }
        let quantizer = kernel("quantize").outputs[0].width, dequantizer = kernel("dequantize").inputs[0].port.width
        laneBits = max(16, (max(quantizer, dequantizer) + 7) / 8 * 8)
        t1Bits = max(kernel("fdct_column").inputs.map(\.port.width).max()!, dequantizer)
        t2Bits = max(quantizer, kernel("idct_row").inputs.map(\.port.width).max()!)
    }

    // Taps: rank (clocks after the section's first register) where each mode's result is.
    var quantizedRank: Int { kernel("fdct_column").latency + kernel("quantize").latency }
    /// Ranks a coefficient from T1 waits before the dequantizers when decoding, while its table entry is read.
    static let decodeDelay = 2
    var decodeRank: Int { Self.decodeDelay + kernel("dequantize").latency + kernel("idct_column").latency }
    var roundtripRank: Int { quantizedRank + kernel("dequantize").latency + kernel("idct_column").latency }

    /// The 8-lane core, printed from its description (`core8Module`).
    func core8Text() throws -> String { VerilogPrinter.text(try core8Module()) }

    /// Clocks from the first input beat's acceptance to the first output beat's, per mode, no stalls.
    /// 8 lanes: the input register (1), section A's kernel (a), rows 1…7 (7), A's buffer (its memory
    /// and head, 2), the T1 write (1); T1's registered read (1), B's first register (1), its kernels
    /// (b), columns 1…7 (7), B's buffer (2), the T2 write (1); T2's registered read (1), C's first
    /// register (1), its kernel (c), C's buffer (2). Folded,
    /// B's columns are taken `fold` clocks apart (7·fold). 1 lane: the core's last row of the block
    /// enters 57 clocks later than at 8 lanes (64 values gathered instead of 8 rows), and the
    /// spreader's register adds 1.
    func latency(_ mode: CodecMode, lanes: Int) -> Int {
        let a = mode == .decode ? 0 : kernel("fdct_row").latency
        let b = mode == .encode ? quantizedRank : mode == .decode ? decodeRank : roundtripRank
        let c = mode == .encode ? 0 : kernel("idct_row").latency
        let eightLane = (1 + a + 7 + 2 + 1) + (1 + 1 + b + 7 * fold + 2 + 1) + (1 + 1 + c + 2)
        return lanes == 8 ? eightLane : eightLane + 57 + 1
    }

    func latencyText(lanes: Int) -> String {
        CodecMode.allCases.map { "\($0.rawValue) \(latency($0, lanes: lanes))" }.joined(separator: ", ")
    }

    /// The cores and tops, printed from their descriptions.
    func core1Text() throws -> String { VerilogPrinter.text(try core1Module(core8: try core8Module())) }

    func topText(mode: CodecMode, lanes: Int) throws -> String {
        let core8 = try core8Module()
        return VerilogPrinter.text(try topModule(mode: mode, lanes: lanes, core: lanes == 8 ? core8 : try core1Module(core8: core8)))
    }

    static func topName(mode: CodecMode, lanes: Int) -> String { "fxc_\(mode.rawValue)_x\(lanes)" }
}
