import Golden
import Hardware

/// The golden model's block datapath rendered as synthesizable Verilog-2005, one module per file
/// (`<module>.v`): the six traced kernels as pipelined modules (`fxc_fdct_row` …), the transposes
/// (`fxc_transpose_w<W>`, printed from the `Blocks.transpose` hardware description, one per word width),
/// the 8-lane core with the mode at run time (`fxc_core_x8`), its 1-lane wrapper (`fxc_core_x1`), and
/// one top with the mode tied (`fxc_<mode>_x<lanes>`). Every width, constant and narrowing comes from
/// `KernelGraphs(config)`; nothing about the arithmetic is restated here.
public struct RTLDesign: Sendable {
    public let config: DatapathConfig
    public let graphs: KernelGraphs
    public let layout: QuantTableLayout
    /// Luminance and chrominance tables the core holds after reset.
    public let tables: [QuantTable]
    public let tableDescription: String
    /// The clock the kernels are pipelined for.
    public let target: ClockTarget
    let core: StreamCore
    /// The 8-lane core inside the 1-lane core: the same description with its kernels folded for a row
    /// every 8 clocks, so they share multipliers.
    let serial: StreamCore

    /// The cores with the mode as an input (what co-simulation builds).
    public static func coreName(lanes: Int) -> String { lanes == 8 ? StreamCore.core8 : StreamCore.core1 }
    public static func topName(mode: CodecMode, lanes: Int) -> String { StreamCore.topName(mode: mode, lanes: lanes) }

    /// - Parameter tables: one table (both components) or luminance and chrominance.
    public init(config: DatapathConfig, tables: [QuantTable], tableDescription: String,
                target: ClockTarget = .standard) throws {
        self.config = config
        self.target = target
        graphs = try KernelGraphs(config)
        let layout = QuantTableLayout(graphs)
        self.layout = layout
        let both = tables.count == 1 ? [tables[0], tables[0]] : Array(tables.prefix(2))
        self.tables = both
        self.tableDescription = tableDescription
        let hls = try HLSDesign(config)
        let shared = try hls.kernelDeclarations()
        let kernels = try hls.kernelPlans().map { plan in
            let function = try KernelFunction(KernelPlan(name: "fxc_\(plan.name)", graph: plan.graph, maths: plan.maths,
                                                         inputs: plan.inputs),
                                              design: hls, shared: shared)
            return KernelModule(kernel: plan.name, graph: plan.graph, maths: plan.maths, function: function, target: target)
        }
        core = StreamCore(kernels: kernels, layout: layout, resetTables: both.map { layout.pack($0) },
                          tableDescription: tableDescription)
        serial = core.folded(period: 8, target: target)
    }

    /// The IJG tables of a quality.
    public init(config: DatapathConfig, quality: Int, target: ClockTarget = .standard) throws {
        try self.init(config: config, tables: QuantTable.ijg(quality: quality), tableDescription: "IJG quality \(quality)",
                      target: target)
    }

    /// The core with the mode at run time as a hardware description (what `cosim --simulator swift`
    /// runs clock by clock); the same description prints `fxc_core_x<lanes>.v`.
    public func coreModule(lanes: Int) throws -> Module {
        lanes == 8 ? try core.core8Module() : try serial.core1Module(core8: try serial.core8Module())
    }

    /// The top for one mode and stream width: the core with the mode tied, lanes at their real widths.
    public func topModule(mode: CodecMode, lanes: Int) throws -> Module {
        try core.topModule(mode: mode, lanes: lanes, core: try coreModule(lanes: lanes))
    }

    /// Bits of one stream lane (samples use the low 8).
    public var laneBits: Int { core.laneBits }

    /// The 128 qt_data words that load `tables` (luma, chroma; one serves both) through the table port.
    public func tableWords(_ tables: [QuantTable]) -> [UInt64] {
        let both = tables.count == 1 ? [tables[0], tables[0]] : Array(tables.prefix(2))
        return both.flatMap { core.layout.pack($0) }
    }
    /// Bits of a quantized coefficient inside its lane.
    public var coefficientBits: Int { core.coefficientBits }

    /// Clocks from the first input beat to the first output beat with no stalls.
    public func latency(mode: CodecMode, lanes: Int) -> Int { (lanes == 8 ? core : serial).latency(mode, lanes: lanes) }

    /// The multiplier cells the kernels place, each kind once (what `fxc_multipliers.v` holds).
    public var multiplierCells: [MultiplierCell] {
        Set((kernels + serial.kernels).flatMap(\.cells)).sorted { ($0.a, $0.b) < ($1.a, $1.b) }
    }

    var kernels: [KernelModule] { core.kernels }

    /// The 1-lane core's shared multipliers: per folded kernel, each unit's cell and the stages where
    /// its multiplies' operands are registered (distinct, and fewer than the fold's period apart).
    public var serialMultiplierUnits: [(kernel: String, cell: MultiplierCell, operandStages: [Int])] {
        serial.kernels.flatMap { k in (k.fold?.units ?? []).map { (k.name, $0.cell, $0.stages) } }
    }
    /// Clocks apart the serial core's kernels take beats at the closest.
    public var serialPeriod: Int { serial.fold }

    /// Kernel latencies in clocks, by kernel name.
    public var kernelLatencies: [(name: String, clocks: Int)] {
        kernels.map { ($0.name, $0.latency) }
    }

    /// The header every generated file opens with (`//` comments): generator, configuration name and
    /// sha256 of its JSON, tables, and the command that regenerates the file.
    public func banner(command: String) throws -> String {
        let json = try HLSProject.configJSON(config)
        return Provenance(command: command, configName: config.name, configHash: SHA256.hex(json),
                          tables: tableDescription).comment("//")
    }

    /// Every module's file, each opening with the provenance header, the top for `mode` and `lanes`
    /// last; the same inputs give the same bytes.
    public func files(mode: CodecMode, lanes: Int, command: String) throws -> [GeneratedFile] {
        precondition(lanes == 1 || lanes == 8, "a core streams 1 or 8 values per beat")
        let header = try banner(command: command) + "// Verilog-2005 (Verilator 5, Icarus Verilog 11, yosys 0.23).\n\n"
        let transposes = try core.transposeBits.map { (TransposeModule.name(bits: $0), try TransposeModule.text(bits: $0)) }
        // Every multiplier cell the kernels place, in one file.
        let cells = multiplierCells
        let cellFile = cells.isEmpty ? [] : [(MultiplierCell.fileName, "/* verilator lint_off DECLFILENAME */  // one file, many modules\n\n"
                                                + cells.map { $0.text() }.joined(separator: "\n"))]
        let modules = (kernels + serial.kernels).map { ($0.name, $0.text()) } + cellFile + transposes + [
            (StreamCore.core8, try core.core8Text()),
            (serial.core8Name, try serial.core8Text()),
            (StreamCore.core1, try serial.core1Text()),
            (Self.topName(mode: mode, lanes: lanes), try (lanes == 8 ? core : serial).topText(mode: mode, lanes: lanes)),
        ]
        return modules.map { GeneratedFile(path: "\($0.0).v", text: header + $0.1) }
    }

    /// The files co-simulation compiles: everything but the mode tops.
    public func coreFiles(command: String) throws -> [GeneratedFile] {
        Array(try files(mode: .roundtrip, lanes: 8, command: command).dropLast())
    }
}

extension GeneratedFile {
    /// A text file (UTF-8).
    public init(path: String, text: String) {
        self.init(path: path, contents: Array(text.utf8))
    }
}
