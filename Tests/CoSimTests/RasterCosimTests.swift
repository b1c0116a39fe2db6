import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import Testing

/// The raster encode top (front end + 8-lane encoder) under the raster harness: the printed Verilog
/// in Verilator, the printed HLS C++ in C simulation, the description in Swift, and Icarus on a
/// replay, against the golden model's quantized coefficients in MCU order.
@Suite(.serialized) struct RasterCosimTests {
    static let config = DatapathConfig.libjpeg
    static let stalls = [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2026)]

    struct Setup {
        let design: RTLDesign
        let front: RasterFront
        let codec: ImageCodec
        let blocks: BlockCodec

        init(pixels: Int = 1, maxWidth: Int = 2048) throws {
            design = try RTLDesign(config: RasterCosimTests.config, quality: 75)
            front = RasterFront(colorBits: RasterCosimTests.config.colorBits, pixels: pixels, maxWidth: maxWidth)
            codec = try ImageCodec(config: RasterCosimTests.config, threads: processorCount, trackRanges: false)
            blocks = try BlockCodec(RasterCosimTests.config)
        }

        func job(_ image: Image, _ name: String, _ chroma: ChromaSubsampling, runs: [StallSetting] = RasterCosimTests.stalls) -> RasterJob {
            RasterJobs.frame(image, name: name, chroma: chroma, pixels: front.pixels, codec: codec, blockCodec: blocks,
                             tables: design.tables, runs: runs)
        }
    }

    static var coffee: Image {
        get throws { try #require(Fixtures.images.first { $0.name.hasPrefix("coffee") }).image }
    }

    /// The sizes the issue names, from a photograph, in every chroma mode.
    static func sizeJobs(_ s: Setup) throws -> [RasterJob] {
        let coffee = try coffee
        return ChromaSubsampling.allCases.flatMap { chroma in
            [(1, 1), (17, 9), (33, 17), (250, 131)].map { w, h in
                s.job(coffee.window(x: 5, y: 3, width: w, height: h), "coffee[\(w)x\(h)]", chroma)
            }
        }
    }

    /// Each fault before a good frame, in 4:2:0 and 4:2:2.
    static func faultJobs(_ s: Setup) throws -> [RasterJob] {
        let window = try coffee.window(x: 40, y: 30, width: 33, height: 17)
        return [ChromaSubsampling.s420, .s422].flatMap { chroma in
            RasterJobs.Fault.allCases.map { RasterJobs.malformed($0, then: s.job(window, "coffee[33x17]", chroma)) }
        }
    }

    static func failures(_ results: [RasterRunResult], _ jobs: [RasterJob]) -> [String] {
        var index = 0, lines: [String] = []
        for job in jobs {
            for _ in job.runs {
                let r = results[index]
                index += 1
                guard !r.passed else { continue }
                var line = "\(job.label) stall \(r.stall): in \(r.inBeats)/\(r.expectedInBeats), out \(r.outBeats)/\(r.expectedOutBeats), "
                    + "\(r.mismatches) mismatches, tlast \(r.tlastErrors), tuser \(r.tuserErrors), axi \(r.axiViolations), "
                    + "extra \(r.extraBeats), frame_error \(r.frameError) (expected \(r.expectedFrameError)), timeout \(r.timeout)"
                if r.mismatches > 0 {
                    line += "; first: \(job.places[r.mismatchBlock]) index \(r.mismatchIndex): expected \(r.mismatchExpected), got \(r.mismatchActual)"
                }
                lines.append(line)
            }
        }
        return lines
    }

    /// The committed hls/raster project compiled (cached by a hash of its sources): its testbench binary.
    static func committedProjectBuild() throws -> (binary: URL, build: CSimBuild) {
        let build = try CSimBuild.build(try HLSProject.render(.committedRaster), cache: Paths.repository.appendingPathComponent(".build/csim-raster"),
                                        apTypes: try locateAPTypes(searchFrom: [Paths.repository]))
        return (build.binary(RasterFront.encodeName), build)
    }

    /// The committed project passes its own stimulus (every fault among it), and its testbench finds
    /// and places a wrong expected coefficient.
    @Test func committedProjectPassesItsStimulusAndCatchesAMismatch() throws {
        let (binary, build) = try Self.committedProjectBuild()
        let own = try runProcess(binary.path, ["--stimulus", build.folder.appendingPathComponent(CSimToolchain.rasterStimulus).path])
        let results = try RasterRunResult.parse(own.stdout)
        let design = try RTLDesign(config: Self.config, quality: 75)
        let standard = try RasterJobs.standard(design: design, pixels: 1)
        #expect(own.status == 0 && results.count == 2 * standard.count && results.allSatisfy(\.passed), "\(own.stdout)\(own.stderr)")
        #expect(results.filter(\.expectedFrameError).count == 2 * RasterJobs.Fault.allCases.count)

        var job = standard[1]
        let (block, index) = (try #require(job.expected.indices.last { job.expected[$0] != nil }), 42)
        let truth = job.expected[block]![index]
        job.expected[block]![index] = truth + 1
        job.runs = [StallSetting(stall: 0.3, seed: 5)]
        let run = try #require(try RasterCosimulation.run([job], binary: binary, laneBits: design.laneBits).first)
        #expect(!run.passed && run.mismatches == 1 && run.outBeats == run.expectedOutBeats)
        #expect(run.mismatchBlock == block && run.mismatchIndex == index && run.mismatchExpected == Int(truth) + 1
                && run.mismatchActual == Int(truth))
    }

    /// The four renderings agree, run for run and clock for clock, on small frames and broken ones;
    /// and every run passes its checks.
    @Test func swiftVerilatorCSimAndIcarusAgree() throws {
        let s = try Setup()
        let coffee = try Self.coffee
        let jobs = [(17, 9, ChromaSubsampling.s420), (33, 17, .s422), (16, 9, .gray), (9, 20, .s444)].map { w, h, chroma in
            s.job(coffee.window(x: 30, y: 20, width: w, height: h), "coffee[\(w)x\(h)]", chroma)
        } + (try Self.faultJobs(s))
        let module = try s.front.encodeModule(design: s.design)
        let recording = ClockRecording()
        let swift = try RasterCosimulation.swift(jobs, module: module, laneBits: s.design.laneBits, recording: recording)
        #expect(Self.failures(swift, jobs).isEmpty, "\(Self.failures(swift, jobs))")
        #expect(swift.filter(\.expectedFrameError).count == 12 && swift.allSatisfy { $0.frameError == $0.expectedFrameError })

        let verilator = try RasterCosimulation.verilatorBuild(design: s.design, front: s.front,
                                                              cacheRoot: Paths.rtlSim)
        let compiled = try RasterCosimulation.run(jobs, binary: verilator.binary, laneBits: s.design.laneBits)
        #expect(compiled.map(\.clockForClock) == swift.map(\.clockForClock))

        let csim = try Self.committedProjectBuild()
        #expect(csim.build.compilerOutput.isEmpty, "g++ warned: \(csim.build.compilerOutput.prefix(2000))")
        let cResults = try RasterCosimulation.run(jobs, binary: csim.binary, laneBits: s.design.laneBits)
        #expect(cResults.map(\.clockForClock) == swift.map(\.clockForClock))

        // Icarus: the first two jobs' clocks (about 4,000) replayed, every output compared.
        let clocks = 4000
        let files = try s.front.encodeFiles(design: s.design, command: "fxcodec test")
        let icarus = try HardwareSimulators.icarus(.init(top: module.name, ports: module, files: files),
                                                   Array(recording.inputs.prefix(clocks)), scratch: Paths.scratch)
        let names = module.outputs.flatMap { p in (0..<p.count).map { _ in p.name } }
        let valid = try #require(names.firstIndex(of: "m_axis_tvalid"))
        var differing = 0
        for (theirs, ours) in zip(icarus.outputs, recording.outputs.prefix(clocks)) {
            // The payload of a beat that is not valid may show x in Icarus (pipeline registers without reset).
            let compared = names.indices.filter { ours[valid] == 1 || !(names[$0].hasPrefix("m_axis_t") && $0 != valid) }
            if compared.contains(where: { theirs[$0] != ours[$0] }) { differing += 1 }
        }
        #expect(differing == 0 && icarus.outputs.count == clocks)
    }

    /// Issue 14's matrix on the default front end (frames up to 2048 wide, 1 pixel a beat): every shared
    /// image whole and the four sizes, in 4:2:0, 4:2:2, 4:4:4 and grey, at stalls 0 and 0.3, and the
    /// three faults, in Verilator: every run passes, and a whole image at stall 0 is taken at one pixel
    /// a clock. C simulation (about 40 k clocks/s) runs the same matrix on a 97×83 window of each image
    /// (FXCODEC_FULL_COSIM=1: whole images) and agrees with Verilator clock for clock.
    @Test func everyImageAndSizeInVerilatorAndCSim() throws {
        let s = try Setup()
        let extra = try Self.sizeJobs(s) + Self.faultJobs(s)
        let whole = Fixtures.images.flatMap { entry in ChromaSubsampling.allCases.map { s.job(entry.image, entry.name, $0) } }
        let windows = Fixtures.wholeImages ? whole : Fixtures.images.flatMap { entry in
            ChromaSubsampling.allCases.map { s.job(entry.image.window(x: 61, y: 47, width: 97, height: 83), entry.name + "[97x83]", $0) }
        }
        let started = Date()
        let verilator = try RasterCosimulation.verilatorBuild(design: s.design, front: s.front,
                                                              cacheRoot: Paths.rtlSim)
        let results = try RasterCosimulation.run(whole + extra, binary: verilator.binary, laneBits: s.design.laneBits)
        #expect(Self.failures(results, whole + extra).isEmpty, "\(Self.failures(results, whole + extra).prefix(5))")
        let verilatorSeconds = Date().timeIntervalSince(started)

        let csim = try Self.committedProjectBuild()
        let cResults = try RasterCosimulation.run(windows + extra, binary: csim.binary, laneBits: s.design.laneBits)
        let reference = Fixtures.wholeImages ? results
            : try RasterCosimulation.run(windows + extra, binary: verilator.binary, laneBits: s.design.laneBits)
        #expect(Self.failures(cResults, windows + extra).isEmpty, "\(Self.failures(cResults, windows + extra).prefix(5))")
        #expect(cResults.map(\.clockForClock) == reference.map(\.clockForClock))

        let images = results.prefix(whole.count * Self.stalls.count).filter { $0.stall == 0 }
        let pixels = images.reduce(0) { $0 + $1.inBeats }, span = images.reduce(0) { $0 + $1.lastIn - $1.firstIn + 1 }
        #expect(pixels == span && images.allSatisfy { $0.refused == 0 }, "\(pixels) pixels in \(span) clocks")
        print(String(format: "raster cosim: Verilator %d runs, %d blocks out, %d clocks, %.1f s; whole images at stall 0: %d pixels "
                     + "in %d clocks (%.4f a clock); C simulation %d runs, %d clocks, %.1f s (compile %.1f s%@)", results.count,
                     results.reduce(0) { $0 + $1.blocks }, results.reduce(0) { $0 + $1.cycles }, verilatorSeconds, pixels, span,
                     Double(pixels) / Double(span), cResults.count, cResults.reduce(0) { $0 + $1.cycles },
                     cResults.reduce(0) { $0 + $1.seconds }, csim.build.compileSeconds, csim.build.cached ? ", cached" : ""))
    }
}
