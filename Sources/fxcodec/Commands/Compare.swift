import ArgumentParser
import CoSim
import Foundation
import Golden
import HLSGen
import ImageIO
import LibJPEGReference

/// `fxcodec compare`: one run, one table — the golden model on the CPU (one thread and all cores),
/// the HLS C simulation, libjpeg-turbo's islow kernels in process, and the RTL core at 1 and 8 lanes,
/// whose time is cycles (counted by co-simulation) divided by its post-route Fmax on an ECP5 (the
/// result `fxcodec synth --target ecp5` cached), or by a clock the user states, labelled as stated.
/// `--core encoder` compares whole JPEG encoders instead (CompareEncoder.swift).
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare CPU timing (golden model, C simulation, libjpeg-turbo) with the RTL core's cycle counts.",
        discussion: """
            Every row processes the same 8×8 blocks (all components of the image, roundtrip: FDCT, quantize, \
            dequantize, IDCT). CPU rows are measured wall time on this machine; RTL rows are co-simulated \
            cycles divided by the core's post-route Fmax on an LFE5U-85F-6, from the result `fxcodec synth \
            --target ecp5 --lanes N` left in the cache (run it first; it takes minutes once); --clock-mhz \
            states a clock instead, and the rows say it is stated. \
            libjpeg-turbo's row times its exported C kernels fdct + idct only (no quantization).

            --core encoder compares whole encoders, the PNG's pixels to a .jpg file at the same quality and \
            chroma: the golden encoder (one thread, all cores), libjpeg-turbo's compress (one thread, and as \
            many images at once as there are cores), and the hardware encoder fxc_jpeg_encoder, whose pixels \
            per clock Verilator co-simulation measures with no stalls (its file checked byte for byte) and \
            whose clock is the Fmax `fxcodec synth --core encoder` left in the cache, or --clock-mhz.

            Examples:
              fxcodec compare photo.png
              fxcodec compare photo.png --clock-mhz 150 --skip-csim --json
              fxcodec compare photo.png --core encoder -q 90 --chroma 422 --clock-mhz 150
              fxcodec compare photo.png --core encoder --design-mhz 150   # at the Fmax of synth --core encoder --clock-mhz 150
            """)

    @Argument(help: "Input PNG.")
    var input: String

    @OptionGroup var datapath: DatapathOptions
    @OptionGroup var memory: MemoryBudgetOption

    @Option(name: .customLong("core"), help: "datapath (the streaming core's roundtrip, the default) or encoder (whole JPEG encoders: golden, libjpeg-turbo, fxc_jpeg_encoder).")
    var whole: EncoderCoreOptions.Core = .datapath

    var encoder: Bool { whole == .encoder }

    @OptionGroup var shape: RasterShapeOptions

    @Option(parsing: .unconditional, help: "State the RTL core's (--core encoder: the hardware encoder's) clock in MHz, (0, 2000], instead of its measured ECP5 Fmax.",
            transform: Checked.number(0...2000, excludingLower: true))
    var clockMhz: Double?

    @Option(name: .customLong("design-mhz"), parsing: .unconditional,
            help: "The clock target the RTL designs are pipelined for (`fxcodec synth --clock-mhz`); their cached place-and-route result is looked up for it.")
    var designMHz: Double = ClockTarget.standard.mhz

    func designTarget() throws -> ClockTarget {
        do { return try ClockTarget(mhz: designMHz) } catch let e as HLSGenError { throw ValidationError(e.description) }
    }

    @Option(help: "Chroma subsampling of colour images: 420, 422, 444 or gray.")
    var chroma: ChromaSubsampling = .s420

    @Flag(name: .customLong("skip-csim"), help: "Leave out the HLS C simulation (it compiles on first use; the datapath comparison's row).")
    var skipCSim = false

    @Option(parsing: .unconditional, help: "Repetitions of the CPU timings, 1...1000; the best is reported.", transform: Checked.int(1...1000))
    var repeats: Int = 5

    @Flag(help: "Print JSON.")
    var json = false

    struct Row: Encodable {
        var implementation: String
        var blocks: Int
        var samples: Int
        var nsPerBlock: Double
        var megasamplesPerSecond: Double
        /// How many times faster the 8-lane core is than this row (at the stated clock).
        var coreSpeedup: Double?
        var basis: String
        enum CodingKeys: String, CodingKey {
            case implementation, blocks, samples, basis
            case nsPerBlock = "ns_per_block", megasamplesPerSecond = "msamples_per_second", coreSpeedup = "core8_speedup"
        }
    }

    struct Table: Encodable {
        var image: String, config: String, quality: Int, chroma: String, cores: Int
        /// Per stream width, the clock its RTL row uses and where it comes from.
        var clocks: [Clock]
        var rows: [Row]
        enum CodingKeys: String, CodingKey { case image, config, quality, chroma, rows, cores, clocks }
    }

    struct Clock: Encodable {
        var lanes: Int
        var mhz: Double
        /// "stated", or "post-route ECP5 LFE5U-85F-6 CABGA756 (cached synth result)".
        var source: String
    }

    func run() throws {
        if encoder { return try runEncoder() }
        let config = try datapath.datapath()
        let image = try readImage(input, budget: memory, bytesPerPixel: Footprint.blocks, purpose: "the comparison")
        let name = URL(fileURLWithPath: input).lastPathComponent
        let tables = try datapath.tables() ?? QuantTable.ijg(quality: datapath.quality)
        let codec = try BlockCodec(config)
        let (_, planes) = try ImageCodec(config: config, threads: processorCount).componentPlanes(image, chroma: chroma)
        let components = planes.enumerated().map { (samples: $1.blocks(), table: tables[min($0 == 0 ? 0 : 1, tables.count - 1)]) }
        let blocks = components.reduce(0) { $0 + $1.samples.count / 64 }
        var rows: [Row] = []
        func row(_ what: String, ns: Double, basis: String) {
            rows.append(Row(implementation: what, blocks: blocks, samples: blocks * 64, nsPerBlock: ns,
                            megasamplesPerSecond: 64 / ns * 1e3, coreSpeedup: nil, basis: basis))
        }
        func note(_ s: String) { if !json { FileHandle.standardError.write(Data("compare: \(s)\n".utf8)) } }

        // The golden model, roundtrip of every block, one thread and all cores, into buffers allocated
        // once (as `fxcodec bench` does), so that the figure is the datapath's, not the allocator's.
        var coefficients = components.map { [Int32](repeating: 0, count: $0.samples.count) }
        var decoded = components.map { [UInt8](repeating: 0, count: $0.samples.count) }
        for threads in [1, processorCount] {
            let seconds = Bench.best(repeats) {
                for (i, c) in components.enumerated() {
                    c.samples.withUnsafeBufferPointer { s in
                    coefficients[i].withUnsafeMutableBufferPointer { q in
                    decoded[i].withUnsafeMutableBufferPointer { d in
                        _ = codec.encode(samples: s, into: q, table: c.table, trackRanges: false, threads: threads)
                        _ = codec.decode(coefficients: UnsafeBufferPointer(q), into: d, table: c.table,
                                         trackRanges: false, threads: threads)
                    }}}
                }
            }
            row("golden model (Swift), \(threads) thread\(threads == 1 ? "" : "s")", ns: seconds / Double(blocks) * 1e9,
                basis: "measured")
        }

        // libjpeg-turbo's exported C kernels on as many blocks.
        let reference = LibJPEG.timeKernels(blocks: max(blocks, 10_000), repeats: repeats)
        row("libjpeg-turbo islow C kernels (fdct+idct)", ns: reference.fdctNs + reference.idctNs, basis: "measured, 1 thread")

        // The HLS C simulation: the printed 8-lane core clock by clock, roundtrip jobs.
        if !skipCSim {
            note("HLS C simulation (compiles once, then cached)…")
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            do {
                let apTypes = try locateAPTypes(searchFrom: [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable])
                let request = CSimRequest(config: config, tableSets: [CSimTableSet(label: "compare", tables: tables)],
                                          modes: [.roundtrip], lanes: [8], chroma: chroma, command: "fxcodec compare")
                let report = try ImageCSim.run(request, images: [CSimImage(name: name, image: image)],
                                               cache: FileManager.default.temporaryDirectory.appendingPathComponent("fxcodec-csim"),
                                               apTypes: apTypes)
                guard report.passed else { throw CommandError("C simulation disagrees with the golden model: run fxcodec csim") }
                if let perBlock = report.csimSecondsPerBlock.values.first {
                    row("HLS C simulation (8-lane core clock by clock, g++ -O1, ap_int)", ns: perBlock * 1e9, basis: "measured, 1 thread")
                }
            } catch let e as CSimError { note("C simulation left out: \(e.description)") }
        }

        // The RTL core: cycles from co-simulation with no stalls, at the stated clock.
        // The core resets to quality 75's tables (one cached build per configuration); other tables are
        // written through the table port before streaming, as `fxcodec cosim` does.
        let design = try RTLDesign(config: config, quality: 75)
        let writeTables = tables != QuantTable.ijg(quality: 75)
        var core8: Double?
        var clocks: [Clock] = []
        let (resetTables, resetDescription) = try datapath.resetTables(for: config)
        let synthesised = try RTLDesign(config: config, tables: resetTables, tableDescription: resetDescription, target: try designTarget())
        for lanes in [1, 8] {
            let clock: Clock
            if let clockMhz {
                clock = Clock(lanes: lanes, mhz: clockMhz, source: "stated")
            } else {
                let top = RTLDesign.topName(mode: .roundtrip, lanes: lanes)
                let measured = try ECP5PlaceAndRoute.cachedReport(files: try Synth.files(synthesised, mode: .roundtrip, lanes: lanes),
                                                                 top: top, requestedMHz: synthesised.target.mhz, tools: try Synth.ecp5Tools(),
                                                                 cache: VerilatorBuild.defaultCacheRoot)
                guard let measured else {
                    note("RTL core at \(lanes) lane(s) left out: no measured clock for \(top) in this configuration; "
                         + "run `fxcodec synth --lanes \(lanes) --target ecp5` with the same options once, or state one with --clock-mhz")
                    continue
                }
                clock = Clock(lanes: lanes, mhz: measured.fmaxMHz, source: "post-route ECP5 \(measured.device) (cached synth result)")
            }
            clocks.append(clock)
            note("Verilator co-simulation at \(lanes) lane(s) (built once, then cached)…")
            let build = try VerilatorBuild.build(design: design, lanes: lanes, cacheRoot: VerilatorBuild.defaultCacheRoot)
            let source = try ImageBlocks(image: image, name: name, config: config, chroma: chroma)
            let job = source.job(mode: .roundtrip, codec: codec, tables: tables, writeTables: writeTables,
                                 layout: design.layout, runs: [StallSetting(stall: 0, seed: 1)])
            let result = try Cosimulation.run([job], on: build, progress: false)[0]
            guard result.passed else { throw CommandError("co-simulation at \(lanes) lane(s) disagrees with the golden model: run fxcodec cosim") }
            let ns = Double(result.cycles) / Double(job.blockCount) / clock.mhz * 1e3
            if lanes == 8 { core8 = ns }
            row(String(format: "RTL core, %d lane%@ @ %.1f MHz", lanes, lanes == 1 ? "" : "s", clock.mhz), ns: ns,
                basis: String(format: "%d cycles co-simulated (%.2f per block), clock %@", result.cycles,
                              Double(result.cycles) / Double(job.blockCount), clock.source))
        }
        if let core8 { for i in rows.indices { rows[i].coreSpeedup = rows[i].nsPerBlock / core8 } }

        let table = Table(image: name, config: config.name, quality: datapath.quality, chroma: chroma.rawValue,
                          cores: processorCount, clocks: clocks, rows: rows)
        if json { try printJSON(table); return }
        print("\(name): \(blocks) blocks (\(blocks * 64) samples), roundtrip, configuration \(config.name), quality \(datapath.quality)")
        print("CPU rows measured on this machine (\(processorCount) cores); RTL rows = co-simulated cycles ÷ "
              + (clocks.isEmpty ? "a clock (none measured or stated: no RTL rows)"
                 : clocks.map { String(format: "%.1f MHz (%d lane%@, %@)", $0.mhz, $0.lanes, $0.lanes == 1 ? "" : "s", $0.source) }.joined(separator: "; ")) + ".")
        let header = ["implementation", "ns/block", "Msamples/s", "8-lane core is", "basis"]
        let widths = [44, 10, 11, 15, 0]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $1 == 0 ? $0 : $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " ")
        }
        print(line(header))
        for r in rows {
            print(line([r.implementation, String(format: "%.1f", r.nsPerBlock), String(format: "%.1f", r.megasamplesPerSecond),
                        r.coreSpeedup.map { String(format: "%.1f× faster", $0) } ?? "", r.basis]))
        }
    }
}
