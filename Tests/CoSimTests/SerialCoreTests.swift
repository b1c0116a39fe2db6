import CoSim
import Foundation
import Golden
import HLSGen
import Testing

/// The serial 1-lane core (the 8-lane core folded for a row every 8 clocks): at most 20 MULT18X18D
/// for the roundtrip in every preset and at every clock target of the committed figures, and exactly
/// one value per clock over a whole image with no stall in or out. (Bit-exactness and the stall
/// matrix at 1 lane: `CosimImageTests`.)
@Suite struct SerialCoreTests {
    /// Counted from the printed Verilog: every multiplier cell instance in the folded kernels' modules,
    /// its blocks from its operand widths; the plan's units must be those instances, each sharing
    /// multiplies at distinct stages fewer than the period apart.
    @Test(arguments: DatapathConfig.presets)
    func theSerialRoundtripCorePlacesAtMost20Multipliers(_ config: DatapathConfig) throws {
        for mhz in [100.0, 150, 200] {
            let design = try RTLDesign(config: config, quality: 75, target: try ClockTarget(mhz: mhz))
            let files = try design.files(mode: .roundtrip, lanes: 1, command: "test")
            let folded = files.filter { $0.path.hasSuffix("_f\(design.serialPeriod).v") && !$0.path.hasPrefix("fxc_core") }
            #expect(folded.count == 6, "\(config.name) \(mhz) MHz: folded kernels \(folded.map(\.path))")
            let instances = folded.flatMap { file in
                String(decoding: file.contents, as: UTF8.self).split(separator: "\n").compactMap { line -> MultiplierCell? in
                    guard let m = line.firstMatch(of: #/^\s*fxc_mul_(\d+)x(\d+) u\d+_mul /#) else { return nil }
                    return MultiplierCell(a: Int(m.1)!, b: Int(m.2)!)
                }
            }
            let units = design.serialMultiplierUnits
            let blocks = instances.map(\.blocks).reduce(0, +)
            #expect(instances.sorted { ($0.a, $0.b) < ($1.a, $1.b) } == units.map(\.cell).sorted { ($0.a, $0.b) < ($1.a, $1.b) })
            #expect(instances.allSatisfy { $0.blocks > 0 }, "\(config.name) \(mhz) MHz: a unit in the fabric")
            #expect(blocks <= 20, "\(config.name) \(mhz) MHz: \(blocks) MULT18X18D")
            for u in units {
                #expect(Set(u.operandStages).count == u.operandStages.count
                        && u.operandStages.max()! - u.operandStages.min()! < design.serialPeriod, "\(u.kernel): \(u.operandStages)")
            }
            print("serial core \(config.name) \(mhz) MHz: \(units.count) units, \(blocks) MULT18X18D, roundtrip latency \(design.latency(mode: .roundtrip, lanes: 1))")
        }
    }

    /// A whole image (camera, 4096 blocks) in every mode through the description's Swift evaluation
    /// with no stalls: every input beat taken on consecutive clocks, every output beat on consecutive
    /// clocks, nothing different from the golden model, the latency the design states.
    @Test func theSerialCoreTakesAndGivesOneValueEveryClock() throws {
        let config = DatapathConfig.libjpeg
        let design = try RTLDesign(config: config, quality: 75)
        let (name, image) = try #require(Fixtures.images.first { $0.name.hasPrefix("camera") })
        let blocks = try ImageBlocks(image: image, name: name, config: config)
        let codec = try BlockCodec(config)
        let jobs = CodecMode.allCases.map { mode in
            blocks.job(mode: mode, codec: codec, tables: QuantTable.ijg(quality: 75), writeTables: false,
                       layout: design.layout, runs: [StallSetting(stall: 0, seed: 1)])
        }
        let results = try SwiftCosimulation.run(jobs, module: try design.coreModule(lanes: 1), lanes: 1, laneBits: design.laneBits)
        #expect(results.count == 3)
        for r in results {
            let mode = CodecMode.allCases[r.mode]
            let values = blocks.blockCount * 64
            #expect(r.passed, "\(mode): \(r.mismatches) mismatches")
            #expect(r.inBeats == values && r.lastIn - r.firstIn + 1 == values, "\(mode): input stalled")
            #expect(r.outBeats == values && r.lastOut - r.firstOut + 1 == values, "\(mode): output had gaps")
            #expect(r.latency == design.latency(mode: mode, lanes: 1), "\(mode): latency \(String(describing: r.latency))")
        }
    }
}
