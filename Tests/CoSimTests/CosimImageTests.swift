import CoSim
import Foundation
import Golden
import HLSGen
import Testing

/// The core under Verilator equals the golden model on every image in ../shared/images, at
/// qualities 50, 75 and 90, in every mode, at 1 and 8 lanes, without stalls and with stall
/// probability 0.3 on both sides: no mismatch, no beat lost, repeated or extra, tlast/tuser right,
/// AXI4-Stream hold rule kept; without stalls exactly `lanes` values per clock and the stated
/// latency. One Verilator build per configuration and width, every job fed to it in one run.
@Suite struct CosimImageTests {
    static let stallSettings = [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2026)]

    @Test(arguments: DatapathConfig.presets)
    func everyImageQualityModeAndWidthEqualsTheGoldenModel(_ config: DatapathConfig) throws {
        let images = Fixtures.images
        #expect(images.count >= 6, "the images in \(Paths.sharedImages.path)")
        // The core resets to quality 75's tables; 50 and 90 are written through the table port.
        let design = try RTLDesign(config: config, quality: 75)
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
        }
    }
}
