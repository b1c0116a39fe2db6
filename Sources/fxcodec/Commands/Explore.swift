import ArgumentParser
import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import ImageIO

/// What the Pareto front is drawn against.
enum ResourceAxis: String, ExpressibleByArgument, CaseIterable, Codable {
    /// ECP5 MULT18X18D blocks: post-route with --synth ecp5, else the estimate.
    case mult18
    /// The estimate's datapath bits.
    case bits
    /// ECP5 LUT4 or flip-flops (--synth ecp5).
    case lut4, ff
    /// 7-series LUTs and DSP48E1 (--synth xc7).
    case lut, dsp48

    func label(synth: SynthTarget?) -> String {
        switch self {
        case .mult18: synth == .ecp5 ? "MULT18X18D blocks (ECP5, post-route)" : "MULT18X18D blocks (estimate from the generated design)"
        case .bits: "datapath bits (estimate: Σ kernel node widths × instances)"
        case .lut4: "LUT4 (ECP5, post-route)"
        case .ff: synth == .ecp5 ? "flip-flops (ECP5, post-route)" : "flip-flops (xc7, yosys)"
        case .lut: "LUTs (xc7, yosys synth_xilinx)"
        case .dsp48: "DSP48E1 (xc7, yosys synth_xilinx)"
        }
    }

    /// Which --synth target it needs, if any.
    var needs: [SynthTarget] {
        switch self {
        case .mult18, .bits: []
        case .lut4: [.ecp5]
        case .ff: [.ecp5, .xc7]
        case .lut, .dsp48: [.xc7]
        }
    }
}

/// `fxcodec explore`: a sweep over a grid of configurations, core widths and clock targets; per point
/// the quality drop against the grid's base, overflows and resources; the Pareto front of the two.
struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Design-space exploration: quality drop against resources over a grid of word lengths, constants, lanes and clock targets, with the Pareto front.",
        discussion: """
            The grid (JSON, snake_case keys like a configuration file) names a base configuration (a preset's \
            name or a configuration object), optionally the base core's "lanes" (1 or 8) and "clock_mhz", \
            and "axes": each a configuration key (dct_constant_bits, fdct_pass1_bits, idct_pass1_bits, \
            quantizer_reciprocal_bits, quant_table_bits, color_bits, range_limit, registers.<name>.bits \
            (null: full precision), registers.<name>.overflow) or lanes or clock_mhz, with a list of values. \
            The points are the cartesian product (at most \(ExplorationGrid.maximumPoints)); a point whose \
            configuration does not validate is listed as invalid.

            Quality: every image through the golden model (encode and decode at -q, fancy upsampling) for \
            each distinct configuration, on all threads; PSNR (dB, RGB or grey) and SSIM (luma) are means \
            over the images, the drops are the base's value minus the point's (positive: worse), and \
            overflows count values that saturated or wrapped in the configurable registers (range_index and \
            sample clamp in every configuration and are left out).

            Resources without --synth are an estimate from the generated roundtrip core: MULT18X18D blocks for \
            every multiply a kernel output depends on (operands split into 17/18-bit pieces as the generator \
            does) and datapath bits (the width of every live node), each times the kernel's instances in the \
            core; no pipeline registers, transposes or control. --synth ecp5 adds yosys and nextpnr-ecp5 \
            (post-route Fmax, LUT4, FF, MULT18X18D; cached by design hash, minutes per new point); --synth \
            xc7 adds yosys synth_xilinx counts (about a minute per point). The front is the points not \
            dominated in (PSNR drop, --resource).

            Grid example (docs/explore-grid.json):
              {"base": "libjpeg-islow",
               "axes": {"dct_constant_bits": [5, 6, 7, 8, 13],
                        "registers.fdct_workspace.bits": [12, 13, 16],
                        "registers.idct_workspace.bits": [13, 14, 16, 32]}}

            Examples:
              fxcodec explore coffee.png camera.png --grid grid.json --svg front.svg
              fxcodec explore coffee.png --grid grid.json --resource bits --json
              fxcodec explore coffee.png --grid clocks.json --synth ecp5 --resource lut4
            """)

    @Argument(help: "Input PNG images.")
    var images: [String]

    @Option(help: "The grid file (JSON).")
    var grid: String

    @Option(help: "Also synthesize every valid point: ecp5 (post-route, slow the first time) or xc7 (yosys counts).")
    var synth: SynthTarget?

    @Option(help: "The front's resource axis: mult18 or bits (estimates, or mult18 post-route with --synth ecp5), lut4 or ff (--synth ecp5), lut, ff or dsp48 (--synth xc7). Default: mult18, lut4 with --synth ecp5, lut with --synth xc7.")
    var resource: ResourceAxis?

    @Option(name: [.customShort("q"), .long], parsing: .unconditional, help: "IJG quality 1...100 (default: 75).", transform: Checked.int(1...100))
    var quality: Int = 75

    @Option(help: "Chroma subsampling: 420, 422, 444 or gray.")
    var chroma: ChromaSubsampling = .s420

    @Option(help: "Write the plot here (SVG: PSNR and SSIM drop against the resource axis, the front joined).")
    var svg: String?

    @Option(name: .customLong("plot-max-drop"), parsing: .unconditional,
            help: ArgumentHelp("Leave points whose PSNR drop exceeds this (dB) out of the plot, so the region near the base stays readable; the caption counts them (default: 3).", valueName: "dB"),
            transform: Checked.number(0...1000, excludingLower: true))
    var plotMaxDrop: Double = 3

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var memory: MemoryBudgetOption

    @Flag(help: "Print JSON.")
    var json = false

    var axis: ResourceAxis { resource ?? (synth == .ecp5 ? .lut4 : synth == .xc7 ? .lut : .mult18) }

    func validate() throws {
        if synth == .ice40 { throw ValidationError("--synth: ice40 cannot hold the roundtrip core; use ecp5 or xc7") }
        let needs = axis.needs
        if !needs.isEmpty && !needs.contains(where: { $0 == synth }) {
            throw ValidationError("--resource \(axis.rawValue) needs --synth \(needs.map(\.rawValue).joined(separator: " or "))")
        }
    }

    /// Quality of one configuration over the images.
    struct Quality: Encodable {
        var psnr: Double?
        var ssim: Double?
        var overflows: Int
        var overflowsByRegister: [String: Int]
    }

    struct Synthesis: Encodable {
        var target: String
        var fmaxMHz: Double?
        var lut4: Int?, flipFlops: Int?, mult18: Int?
        var luts: Int?, dsp48e1: Int?
        var cached: Bool?
    }

    struct Point: Encodable {
        var index: Int
        var settings: [String: String]
        var lanes: Int
        var clockMHz: Double
        /// Why the point was not run (configuration invalid, or refused by the model or generator).
        var invalid: String?
        var psnr: Double?, ssim: Double?
        var psnrDrop: Double?, ssimDrop: Double?
        var overflows: Int?
        var overflowsByRegister: [String: Int]?
        var latency: Int?
        var estimate: DesignEstimate?
        var synthesis: Synthesis?
        /// The value on the front's resource axis.
        var resource: Double?
        var onFront: Bool
    }

    struct Report: Encodable {
        var images: [String]
        var quality: Int
        var chroma: String
        var base: String
        var baseQuality: Quality
        var resourceAxis: String
        var resourceLabel: String
        var points: [Point]
        var front: [Int]
    }

    func run() throws {
        let outputs = OutputFiles(inputs: images + [grid])
        if let svg { try outputs.claim(svg, option: "--svg") }
        guard let bytes = FileManager.default.contents(atPath: grid) else { throw CommandError("\(grid): cannot read the grid file") }
        let parsed: ExplorationGrid
        do { parsed = try ExplorationGrid.parse(bytes, source: grid) } catch { throw CommandError("\(error)") }
        let gridPoints = parsed.points
        let pictures = try images.map {
            try readImage($0, budget: memory, bytesPerPixel: Footprint.roundtrip, purpose: "an exploration")
        }

        // Quality depends on the configuration alone: each distinct one runs once per image.
        var configs: [DatapathConfig] = [parsed.base]
        for p in gridPoints where p.problem == nil && !configs.contains(p.config) { configs.append(p.config) }
        let qualities = measureQuality(configs, pictures)
        guard case .success(let baseQuality) = qualities[0] else {
            if case .failure(let e) = qualities[0] { throw CommandError("the base configuration: \(e)") }
            fatalError()
        }

        // Designs and estimates, one per point (generation is quick next to the images).
        let designs = ReportSlots<Result<(RTLDesign, DesignEstimate), CommandError>>(count: gridPoints.count)
        parallelFor(gridPoints.count, threads: threads.threads) { i in
            let p = gridPoints[i]
            guard p.problem == nil else { designs[i] = .failure(CommandError("")); return }
            do {
                let target = try p.clockMHz.map { try ClockTarget(mhz: $0) } ?? .standard
                let design = try RTLDesign(config: p.config, quality: quality, target: target)
                designs[i] = .success((design, try DesignEstimate(design, lanes: p.lanes)))
            } catch {
                designs[i] = .failure(CommandError("\(error)"))
            }
        }

        var points: [Point] = gridPoints.map { p in
            Point(index: p.index, settings: Dictionary(uniqueKeysWithValues: p.settings.map { ($0.key, $0.value.description) }),
                  lanes: p.lanes, clockMHz: p.clockMHz ?? ClockTarget.standard.mhz, onFront: false)
        }
        for (i, p) in gridPoints.enumerated() {
            if let problem = p.problem { points[i].invalid = "\(problem)"; continue }
            switch qualities[configs.firstIndex(of: p.config)!] {
            case .failure(let e): points[i].invalid = "the model refuses it: \(e)"; continue
            case .success(let q):
                points[i].psnr = q.psnr
                points[i].ssim = q.ssim
                points[i].psnrDrop = baseQuality.psnr.flatMap { b in q.psnr.map { b - $0 } }
                points[i].ssimDrop = baseQuality.ssim.flatMap { b in q.ssim.map { b - $0 } }
                points[i].overflows = q.overflows
                points[i].overflowsByRegister = q.overflowsByRegister
            }
            switch designs[i] {
            case .failure(let e): points[i].invalid = "the generator refuses it: \(e)"
            case .success(let (design, estimate)):
                points[i].estimate = estimate
                points[i].latency = design.latency(mode: .roundtrip, lanes: p.lanes)
            }
        }

        if let synth {
            let runnable = points.indices.filter { points[$0].invalid == nil }
            let start = Date()
            for (n, i) in runnable.enumerated() {
                guard case .success(let (design, _)) = designs[i] else { continue }
                let say = { (step: String) in
                    FileHandle.standardError.write(Data(String(format: "explore: [%3.0f s] point %d/%d (#%d): %@…\n",
                                                               Date().timeIntervalSince(start), n + 1, runnable.count, i, step).utf8))
                }
                do {
                    points[i].synthesis = try synthesize(design, lanes: points[i].lanes, target: synth, progress: say)
                } catch {
                    points[i].invalid = "synthesis failed: \(error)"
                }
            }
        }

        let axis = self.axis
        for i in points.indices where points[i].invalid == nil { points[i].resource = resource(points[i], axis) }
        let placed = points.indices.filter { points[$0].psnrDrop != nil && points[$0].resource != nil }
        let members = ParetoFront.members(placed.map { (points[$0].resource!, points[$0].psnrDrop!) })
        for (k, i) in placed.enumerated() { points[i].onFront = members[k] }
        let front = placed.filter { points[$0].onFront }.sorted { (points[$0].resource!, points[$0].psnrDrop!) < (points[$1].resource!, points[$1].psnrDrop!) }

        let result = Report(images: images, quality: quality, chroma: chroma.rawValue, base: parsed.base.name, baseQuality: baseQuality,
                            resourceAxis: axis.rawValue, resourceLabel: axis.label(synth: synth), points: points, front: front)
        if let svg {
            try outputs.stage(Array(ExplorePlot(result: result, axes: parsed.axes.map(\.key), maximumDrop: plotMaxDrop).document().utf8), at: svg)
        }
        try outputs.commit()
        if json { try printJSON(result); return }
        printTable(result, axes: parsed.axes.map(\.key))
        if let svg { print("\nplot: \(svg)") }
    }

    /// Every (configuration, image) pair is one job, on all threads.
    func measureQuality(_ configs: [DatapathConfig], _ pictures: [Image]) -> [Result<Quality, CommandError>] {
        let jobs = configs.indices.flatMap { c in pictures.indices.map { (c, $0) } }
        let slots = ReportSlots<Result<(metrics: QualityMetrics, report: OverflowReport), CommandError>>(count: jobs.count)
        let progress = ProgressBar(total: jobs.count, label: "quality runs (configuration × image)")
        let (quality, chroma) = (self.quality, self.chroma)
        parallelFor(jobs.count, threads: threads.threads) { j in
            let (c, i) = jobs[j]
            do {
                let codec = try ImageCodec(config: configs[c], threads: 1, trackRanges: false)
                let (encoded, encodeReport) = codec.encode(pictures[i], settings: EncodeSettings(quality: quality, chroma: chroma))
                var (decoded, report) = codec.decode(encoded, upsampling: .fancy)
                report.merge(encodeReport)
                let reference = codec.comparisonReference(for: pictures[i], chroma: encoded.chroma)
                slots[j] = .success((QualityMetrics.measure(reference: reference, test: decoded), report))
            } catch {
                slots[j] = .failure(CommandError("\(error)"))
            }
            progress.step()
        }
        let all = slots.values
        func mean(_ xs: [Double?]) -> Double? {
            let v = xs.compactMap { $0 }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        let configurable = Register.configurable
        return configs.indices.map { c in
            var runs: [(metrics: QualityMetrics, report: OverflowReport)] = []
            for j in jobs.indices where jobs[j].0 == c {
                switch all[j] {
                case .failure(let e): return .failure(e)
                case .success(let run): runs.append(run)
                }
            }
            var byRegister: [String: Int] = [:]
            for r in configurable { byRegister[r.description] = runs.reduce(0) { $0 + ($1.report.overflows[r] ?? 0) } }
            return .success(Quality(psnr: mean(runs.map(\.metrics.psnrOverall)), ssim: mean(runs.map(\.metrics.ssimLuma)),
                                    overflows: byRegister.values.reduce(0, +), overflowsByRegister: byRegister))
        }
    }

    func synthesize(_ design: RTLDesign, lanes: Int, target: SynthTarget, progress: (String) -> Void) throws -> Synthesis {
        let top = RTLDesign.topName(mode: .roundtrip, lanes: lanes)
        switch target {
        case .ecp5:
            let e = try ECP5PlaceAndRoute.run(files: try Synth.files(design, mode: .roundtrip, lanes: lanes), top: top,
                                              requestedMHz: design.target.mhz, tools: try Synth.ecp5Tools(),
                                              cache: VerilatorBuild.defaultCacheRoot, progress: progress)
            return Synthesis(target: "ecp5", fmaxMHz: e.fmaxMHz, lut4: e.lut4, flipFlops: e.flipFlops, mult18: e.mult18, cached: e.cached)
        case .xc7, .ice40:
            let x = try YosysSynthesis.run(design: design, mode: .roundtrip, lanes: lanes, ice40: false, progress: progress).xilinx
            return Synthesis(target: "xc7", flipFlops: x.flipFlops, luts: x.luts, dsp48e1: x.dsp48e1)
        }
    }

    func resource(_ p: Point, _ axis: ResourceAxis) -> Double? {
        let s = p.synthesis
        let value: Int? = switch axis {
        case .mult18: synth == .ecp5 ? s?.mult18 : p.estimate?.mult18
        case .bits: p.estimate?.datapathBits
        case .lut4: s?.lut4
        case .ff: s?.flipFlops
        case .lut: s?.luts
        case .dsp48: s?.dsp48e1
        }
        return value.map(Double.init)
    }

    func printTable(_ r: Report, axes: [String]) {
        // "-0.000" is shown as "0.000": a drop too small for the digits has no sign.
        func f(_ x: Double?, _ format: String) -> String {
            x.map { String(format: format, $0).replacingOccurrences(of: #"^[-+](0\.0*)$"#, with: "$1", options: .regularExpression) } ?? "—"
        }
        print("\(r.images.count) image(s), quality \(r.quality), chroma \(r.chroma); base \(r.base): "
              + "PSNR \(f(r.baseQuality.psnr, "%.3f")) dB, SSIM \(f(r.baseQuality.ssim, "%.5f")), \(r.baseQuality.overflows) overflows")
        print("front: lowest PSNR drop for the resources, resource axis: \(r.resourceLabel)\n")
        let short = axes.map(ExplorePlot.shortKey)
        // Lanes and clock have their own columns unless they are axes.
        let fixed = [("lanes", "lanes"), ("clock_mhz", "MHz")].filter { !axes.contains($0.0) }
        var header = ["#", "front"] + short + fixed.map(\.1) + ["PSNR", "ΔPSNR dB", "SSIM", "ΔSSIM", "overflows", "MULT18 est", "bits est", "latency"]
        if synth == .ecp5 { header += ["Fmax", "LUT4", "FF", "MULT18"] }
        if synth == .xc7 { header += ["LUT", "FF", "DSP48E1"] }
        var rows: [[String]] = []
        for p in r.points {
            var row = [String(p.index), p.onFront ? "*" : ""] + axes.map { p.settings[$0] ?? "" }
            row += fixed.map { $0.0 == "lanes" ? String(p.lanes) : String(format: "%g", p.clockMHz) }
            if let invalid = p.invalid { rows.append(row + ["invalid: \(invalid)"]); continue }
            row += [f(p.psnr, "%.3f"), f(p.psnrDrop, "%+.3f"), f(p.ssim, "%.5f"), f(p.ssimDrop, "%+.5f"),
                    p.overflows.map(String.init) ?? "—", p.estimate.map { String($0.mult18) } ?? "—",
                    p.estimate.map { String($0.datapathBits) } ?? "—", p.latency.map(String.init) ?? "—"]
            if let s = p.synthesis {
                row += s.target == "ecp5" ? [f(s.fmaxMHz, "%.1f"), s.lut4.map(String.init) ?? "—", s.flipFlops.map(String.init) ?? "—", s.mult18.map(String.init) ?? "—"]
                    : [s.luts.map(String.init) ?? "—", s.flipFlops.map(String.init) ?? "—", s.dsp48e1.map(String.init) ?? "—"]
            }
            rows.append(row)
        }
        // Columns as wide as their widest cell; an invalid row's message runs on past the table.
        let widths = header.indices.map { c in max(header[c].count, rows.map { $0.count > c && !$0[c].hasPrefix("invalid:") ? $0[c].count : 0 }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, text in c < widths.count && !text.hasPrefix("invalid:") ? text.padding(toLength: widths[c], withPad: " ", startingAt: 0) : text }
                .joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }
}

/// Resources read from the generated design, without synthesis (`explore --help` states what is counted).
struct DesignEstimate: Encodable {
    /// MULT18X18D blocks.
    var mult18: Int
    /// Σ widths of the kernels' live nodes.
    var datapathBits: Int
    /// Kernel instances in the core, by module name.
    var kernelInstances: [String: Int]

    init(_ design: RTLDesign, lanes: Int) throws {
        var instances: [String: Int] = [:]
        func count(_ module: Module, times: Int) {
            for instance in module.instances {
                switch instance.block {
                case .description(let inner): count(inner, times: times)
                case .external(let e): instances[e.moduleName, default: 0] += times
                }
            }
        }
        count(try design.coreModule(lanes: lanes), times: 1)
        (mult18, datapathBits) = (0, 0)
        for (name, graph) in design.graphs.all {
            let n = instances["fxc_\(name)"] ?? 0
            for cost in RTLDesign.nodeCosts(graph) {
                datapathBits += n * cost.width
                mult18 += n * cost.blocks
            }
        }
        kernelInstances = instances
    }
}
