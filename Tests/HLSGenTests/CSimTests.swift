import CoSim
import Foundation
import Golden
import HLSGen
import Testing

/// The printed HLS cores compiled with g++ and driven clock by clock from FXCS stimulus, against the
/// golden model value for value, and against Verilator clock for clock.
@Suite struct CSimTests {
    /// The first is the cores' tables after reset: 75, so that the libjpeg project also serves
    /// `cSimulationAndVerilatorCountTheSameCycles` (one compile, not three).
    static let qualities = [75, 50, 90]

    /// Every block of every component of every shared image (a window of each, or whole images with
    /// FXCODEC_FULL_CSIM=1), at qualities 50, 75 and 90, in all three modes and both lane counts,
    /// through one testbench binary per configuration and core.
    /// Compiling a configuration's printed cores takes g++ about a minute: the suite runs the wide
    /// datapath (libjpeg's) and the saturating narrow one; FXCODEC_FULL_CSIM=1 runs all four presets.
    static let configs = Fixtures.wholeImages ? DatapathConfig.presets : [.libjpeg, .narrow]

    static func request(_ config: DatapathConfig) -> CSimRequest {
        let command = HLSProjectSpec.command(out: ".", configArguments: ["--preset", config.name],
                                             tableArguments: ["-q", "\(qualities[0])"], top: HLSTop(mode: .roundtrip, lanes: 8),
                                             part: HLSProject.defaultPart, clockNs: HLSProject.defaultClockNs, allTops: true)
        return CSimRequest(config: config, tableSets: qualities.map(CSimTableSet.quality), command: command)
    }

    @Test(arguments: configs)
    func cSimulationEqualsTheGoldenModel(_ config: DatapathConfig) throws {
        let images = try Fixtures.csimImages()
        try #require(images.count >= 6, "expected the shared images in \(Paths.sharedImages.path)")
        let request = Self.request(config)
        let report = try ImageCSim.run(request, images: images, cache: Paths.csimCache, apTypes: try Fixtures.apTypes())

        let blocks = images.reduce(0) { $0 + Fixtures.blockCount($1.image) } * Self.qualities.count
        #expect(report.blocks == blocks)
        #expect(report.expectedBlockRuns == blocks * 3 * 2)
        #expect(report.blockRuns == report.expectedBlockRuns, "\(report.testbenchErrors)")
        #expect(report.mismatchedValues == 0, "first mismatch: \(String(describing: report.firstMismatch))")
        #expect(report.flagErrors == 0, "first flag error: \(report.firstFlagError ?? "")")
        #expect(report.standardVectorRuns > 0 && report.standardVectorMismatches == 0)
        #expect(report.compilerWarnings.isEmpty, "g++ reported:\n\(report.compilerWarnings)")
        #expect(report.testbenchErrors.isEmpty)
        #expect(report.passed)

        let csim = report.csimSecondsPerBlock.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", $0.value * 1e6))" }
        let swift = report.swiftSecondsPerBlock.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value * 1e6))" }
        let rate = report.csimCyclesPerSecond.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value / 1e6))" }
        print("csim \(config.name): \(report.blockRuns) block runs, \(report.mismatchedValues) mismatches; compile "
            + String(format: "%.1f s%@", report.compileSeconds, report.compileCached ? " (cached)" : "")
            + "; us/block C sim: \(csim.joined(separator: ", ")); M cycles/s: \(rate.joined(separator: ", ")); golden: \(swift.joined(separator: ", "))")
    }

    /// The committed project builds without a warning, passes its own stimulus, and its testbench
    /// finds and places a wrong expected value.
    @Test func committedProjectCompilesCleanlyAndItsTestbenchCatchesAMismatch() throws {
        let files = try HLSProject.render(Fixtures.committed)
        let build = try CSimBuild.build(files, cache: Paths.csimCache, apTypes: try Fixtures.apTypes())
        #expect(build.compilerOutput.isEmpty, "g++ reported:\n\(build.compilerOutput)")
        let top = Fixtures.committed.synthesisTop.name
        #expect(build.functions == [top, "fxc_core_x8"])
        let rtl = try RTLDesign(config: .libjpeg, quality: 75)
        let own = try runProcess(build.binary(top).path, ["--stimulus", build.standardStimulus.path])
        let results = try CosimRunResult.parse(own.stdout)
        let standard = try StandardStimulus.jobs(rtl: rtl, modes: [.roundtrip])
        #expect(own.status == 0 && results.count == StandardStimulus.runs.count, "\(own.stdout)\(own.stderr)")
        #expect(results.allSatisfy { $0.passed && $0.blocks == standard[0].blockCount }, "\(results)")

        var job = standard[0]
        job.users = Array(job.users.prefix(3))
        job.inputs = Array(job.inputs.prefix(3 * 64))
        job.expected = Array(job.expected.prefix(3 * 64))
        let truth = job.expected[64 + 42]
        job.expected[64 + 42] = (truth + 1) % 256
        job.runs = [StallSetting(stall: 0.3, seed: 5)]
        let run = try #require(try Cosimulation.run([job], binary: build.binary(top), lanes: 8, laneBits: rtl.laneBits,
                                                    scratch: Paths.csimCache).first)
        #expect(!run.passed && run.mismatches == 1 && run.outBeats == 3 * 8 && run.flagErrorsAbsent)
        #expect(run.mismatchBlock == 1 && run.mismatchIndex == 42)
        #expect(run.mismatchExpected == Int((truth + 1) % 256) && run.mismatchActual == Int(truth))
    }

    /// One stimulus, two simulators: the printed C++ of the cores under g++ and their printed Verilog
    /// under Verilator give the same results line for every run (outputs, checks, first and last beat
    /// clocks, total cycles), at 1 and 8 lanes, with and without stalls.
    @Test(arguments: [8, 1])
    func cSimulationAndVerilatorCountTheSameCycles(lanes: Int) throws {
        let rtl = try RTLDesign(config: .libjpeg, quality: Self.qualities[0])
        let jobs = try StandardStimulus.jobs(rtl: rtl, modes: CodecMode.allCases)
        let csim = try CSimBuild.build(try HLSProject.render(ImageCSim.spec(Self.request(.libjpeg))), cache: Paths.csimCache,
                                       apTypes: try Fixtures.apTypes())
        let core = RTLDesign.coreName(lanes: lanes)
        let c = try Cosimulation.run(jobs, binary: csim.binary(core), lanes: lanes, laneBits: rtl.laneBits, scratch: Paths.csimCache)
        let verilator = try VerilatorBuild.build(design: rtl, lanes: lanes, cacheRoot: Paths.repository.appendingPathComponent("rtl-sim"))
        let v = try Cosimulation.run(jobs, on: verilator, scratch: Paths.csimCache)
        #expect(c.count == jobs.count * StandardStimulus.runs.count && c.allSatisfy(\.passed), "\(c)")
        func timeless(_ r: [CosimRunResult]) -> [CosimRunResult] { r.map { var x = $0; x.seconds = 0; return x } }
        #expect(timeless(c) == timeless(v))
        #expect(c.contains { $0.stall > 0 && $0.cycles > $0.expectedBeats * 5 / 4 }, "the stalled runs take longer")
        let cycles = c.reduce(0) { $0 + $1.cycles }, cs = c.reduce(0) { $0 + $1.seconds }, vs = v.reduce(0) { $0 + $1.seconds }
        print(String(format: "x%d: %d runs, %d cycles equal; C sim %.2f M cycles/s, Verilator %.2f", lanes, c.count, cycles,
                     Double(cycles) / cs / 1e6, Double(cycles) / vs / 1e6))
    }
}

extension CosimRunResult {
    /// No check failed but the values.
    var flagErrorsAbsent: Bool {
        tlastErrors == 0 && tuserErrors == 0 && axiViolations == 0 && extraBeats == 0 && !framingError && !timeout
            && inBeats == expectedBeats && outBeats == expectedBeats
    }
}
