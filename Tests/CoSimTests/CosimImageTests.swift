import CoSim
import Foundation
import Golden
import HLSGen
import Testing

/// The core under Verilator equals the golden model on every image in ../shared/images (a window of
/// each, or whole images with FXCODEC_FULL_COSIM=1; see `Fixtures.matrixImages`), at
/// qualities 50, 75 and 90, in every mode, at 1 and 8 lanes, without stalls and with stall
/// probability 0.3 on both sides: no mismatch, no beat lost, repeated or extra, tlast/tuser right,
/// AXI4-Stream hold rule kept; without stalls exactly `lanes` values per clock and the stated
/// latency. One Verilator build per configuration and width, every job fed to it in one run. For the
/// libjpeg configuration the Swift cycle model runs the quality-75 jobs too and must agree exactly.
@Suite struct CosimImageTests {
    static let stallSettings = [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2026)]
    /// The clock target the cores are pipelined for: the committed one unless FXCODEC_COSIM_MHZ names
    /// another (the matrix at each target of the closing figures: 100, 150, 200).
    struct BadSetting: Error, CustomStringConvertible { let description: String }
    static func target() throws -> ClockTarget {
        guard let text = ProcessInfo.processInfo.environment["FXCODEC_COSIM_MHZ"] else { return .standard }
        guard let mhz = Double(text) else { throw BadSetting(description: "FXCODEC_COSIM_MHZ=\(text): must be a number of MHz") }
        return try ClockTarget(mhz: mhz)
    }

    @Test(arguments: DatapathConfig.presets)
    func everyImageQualityModeAndWidthEqualsTheGoldenModel(_ config: DatapathConfig) throws {
        let images = Fixtures.matrixImages
        #expect(images.count >= 6, "the images in \(Paths.sharedImages.path)")
        // The core resets to quality 75's tables; 50 and 90 are written through the table port.
        let design = try RTLDesign(config: config, quality: 75, target: try Self.target())
        let codec = try BlockCodec(config)
        var jobs: [CosimJob] = []
        for (name, image) in images {
            let blocks = try ImageBlocks(image: image, name: name, config: config)
            #expect(blocks.blockCount == Fixtures.blockCount(image), "\(name): blocks of its planes")
            for quality in Fixtures.qualities {
                for mode in CodecMode.allCases {
                    var job = blocks.job(mode: mode, codec: codec, tables: QuantTable.ijg(quality: quality),
                                         writeTables: quality != 75, layout: design.layout, runs: Self.stallSettings)
                    job.label = "\(name) q\(quality) \(mode.rawValue)"
                    jobs.append(job)
                }
            }
        }
        for lanes in [1, 8] {
            let build = try VerilatorBuild.build(design: design, lanes: lanes, cacheRoot: Paths.rtlSim)
            let results = try Cosimulation.run(jobs, on: build, scratch: Paths.scratch)
            #expect(results.count == jobs.count * Self.stallSettings.count)
            for r in results {
                let job = jobs[r.job]
                let what = "\(config.name) x\(lanes) \(job.label) stall \(r.stall)"
                var detail = ""
                if r.mismatches > 0 {
                    let (part, block) = job.locate(block: r.mismatchBlock)
                    detail = "; first: component \(part) block \(block) index \(r.mismatchIndex): "
                        + "expected \(r.mismatchExpected), got \(r.mismatchActual)"
                }
                let counts = "beats in \(r.inBeats) out \(r.outBeats) of \(r.expectedBeats), extra \(r.extraBeats), "
                    + "tlast \(r.tlastErrors), tuser \(r.tuserErrors), AXI \(r.axiViolations), framing \(r.framingError), "
                    + "timeout \(r.timeout)"
                #expect(r.passed, "\(what): \(r.mismatches) mismatches\(detail), \(counts)")
                let mode = CodecMode.allCases[r.mode]
                if r.stall == 0 {
                    #expect(String(format: "%.3f", r.samplesPerClock(lanes: lanes)) == String(format: "%.3f", Double(lanes)),
                            "\(what): \(r.samplesPerClock(lanes: lanes)) values per clock")
                    #expect(r.latency == design.latency(mode: mode, lanes: lanes), "\(what): latency \(r.latency)")
                } else {
                    // The stalls did happen: the stream ran slower than one beat per clock.
                    #expect(r.samplesPerClock(lanes: lanes) < Double(lanes) * 0.9, "\(what): stalls had no effect")
                }
            }
            if config == .libjpeg { try swiftModelMatches(verilator: results, jobs: jobs, design: design, lanes: lanes) }
        }
    }

    /// `cosim --simulator swift`: the description the Verilog is printed from, run clock by clock in
    /// Swift on every image at quality 75 in every mode, gives the same figures as Verilator — every
    /// output, check, beat clock and total cycle count.
    func swiftModelMatches(verilator: [CosimRunResult], jobs: [CosimJob], design: RTLDesign, lanes: Int) throws {
        let chosen = jobs.indices.filter { jobs[$0].label.contains(" q75 ") }
        let swift = try SwiftCosimulation.run(chosen.map { jobs[$0] }, module: try design.coreModule(lanes: lanes),
                                              lanes: lanes, laneBits: design.laneBits)
        #expect(swift.count == chosen.count * Self.stallSettings.count)
        var cycles = 0, seconds = 0.0, verilatorCycles = 0, verilatorSeconds = 0.0
        for s in swift {
            let job = chosen[s.job]
            let v = try #require(verilator.first { $0.job == job && $0.run == s.run })
            var (a, b) = (s, v)
            (a.seconds, b.seconds, a.job) = (0, 0, job)
            #expect(a == b, "x\(lanes) \(jobs[job].label) stall \(s.stall): Swift \(s) against Verilator \(v)")
            cycles += s.cycles
            seconds += s.seconds
            verilatorCycles += v.cycles
            verilatorSeconds += v.seconds
        }
        print(String(format: "Swift cycle model x%d: %d runs, %.2f M cycles/s (Verilator %.2f M cycles/s on the same runs)",
                     lanes, swift.count, Double(cycles) / seconds / 1e6, Double(verilatorCycles) / verilatorSeconds / 1e6))
    }
}
