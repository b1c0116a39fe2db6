import CoSim
import Foundation
import Golden
import HLSGen
import Testing

/// The Verilog is the subset Verilator 5.006 (lint -Wall clean), Icarus Verilog 11 and yosys 0.23 all
/// accept, and it means the same to Icarus as to Verilator.
@Suite struct ToolAcceptanceTests {
    /// Writes every module of `config` (every mode top at both lane counts) into a fresh folder.
    static func writeAllTops(_ config: DatapathConfig) throws -> (URL, [String]) {
        let design = try RTLDesign(config: config, quality: 75)
        let folder = Paths.scratch.appendingPathComponent("fxcodec-rtl-\(config.name)-\(UInt32.random(in: 0...UInt32.max))")
        var tops: [String] = []
        for mode in CodecMode.allCases {
            for lanes in [1, 8] {
                try HLSProject.write(try design.files(mode: mode, lanes: lanes, command: "test"), to: folder)
                tops.append(RTLDesign.topName(mode: mode, lanes: lanes))
            }
        }
        return (folder, tops + [RTLDesign.coreName(lanes: 1), RTLDesign.coreName(lanes: 8)])
    }

    @Test(arguments: DatapathConfig.presets)
    func verilatorLintWallReportsNothing(_ config: DatapathConfig) throws {
        let (folder, tops) = try Self.writeAllTops(config)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sources = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".v") }.sorted()
        let transposes = sources.filter { $0.hasPrefix("fxc_transpose_w") }.count
        #expect((1...2).contains(transposes) && sources.contains("\(MultiplierCell.fileName).v") && sources.count == 12 + transposes + 1 + 3 + 6,
                "6 kernels and their folded forms, a transpose per word width, the multiplier cells, 3 cores and 6 tops: \(sources)")
        let outcomes = try runProcesses(tops.map { top in
            ("verilator", ["--lint-only", "-Wall", "--top-module", top] + sources)
        }, in: folder)
        for (top, outcome) in zip(tops, outcomes) {
            #expect(outcome.succeeded && outcome.stdout.isEmpty && outcome.stderr.isEmpty,
                    "\(config.name) \(top): \(outcome.stderr)\(outcome.stdout)")
        }
    }

    @Test func yosysReadsAndElaboratesEveryTop() throws {
        let (folder, tops) = try Self.writeAllTops(.libjpeg)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sources = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".v") }.sorted()
        for top in tops {
            let script = "read_verilog \(sources.joined(separator: " ")); hierarchy -check -top \(top)"
            let outcome = try runProcess("yosys", ["-q", "-p", script], in: folder)
            #expect(outcome.succeeded && !outcome.stderr.contains("ERROR"), "\(top): \(outcome.stderr)\(outcome.stdout)")
        }
    }

    /// A few blocks (a real image's, and extreme ones), every mode, both widths, with stalls: Icarus
    /// and Verilator give the same outputs, and both are the golden model's.
    @Test func icarusAgreesWithVerilatorAndTheGoldenModel() throws {
        let config = DatapathConfig.libjpeg
        let design = try RTLDesign(config: config, quality: 75)
        let codec = try BlockCodec(config)
        let camera = try #require(Fixtures.images.first { $0.name == "camera.png" }, "camera.png in ../shared/images")
        let planes = try ImageBlocks(image: camera.image, name: camera.name, config: config)
        var samples: [UInt8] = Array(planes.components[0].samples[(64 * 300)..<(64 * 303)])
        samples += [UInt8](repeating: 255, count: 64)
        samples += [UInt8](repeating: 0, count: 64)
        let pattern: [UInt8] = (0..<64).map { (i: Int) -> UInt8 in UInt8((i * 37 + (i / 8) * 101) & 255) }
        samples += pattern
        let blocks = ImageBlocks(name: "mixed", samples: samples)
        for lanes in [1, 8] {
            let build = try VerilatorBuild.build(design: design, lanes: lanes, cacheRoot: Paths.rtlSim)
            for mode in CodecMode.allCases {
                var job = blocks.job(mode: mode, codec: codec, tables: QuantTable.ijg(quality: 75), writeTables: false,
                                     layout: design.layout, runs: [StallSetting(stall: 0.25, seed: 7)])
                // Alternate the tables block by block, and start a frame at block 3.
                for b in 0..<job.blockCount { job.users[b] = UInt8((b % 2) << 1 | (b == 0 || b == 3 ? 1 : 0)) }
                let golden = blocks.job(mode: mode, codec: codec, tables: [QuantTable.ijg(quality: 75)[1]], writeTables: false,
                                        layout: design.layout, runs: [])
                for b in stride(from: 1, to: job.blockCount, by: 2) {
                    let block = (b * 64)..<(b * 64 + 64)
                    job.inputs.replaceSubrange(block, with: golden.inputs[block])
                    job.expected.replaceSubrange(block, with: golden.expected[block])
                }
                let dump = Paths.scratch.appendingPathComponent("fxcodec-dump-\(UInt32.random(in: 0...UInt32.max))")
                defer { try? FileManager.default.removeItem(at: dump) }
                let result = try Cosimulation.run([job], on: build, scratch: Paths.scratch, dump: dump)[0]
                #expect(result.passed, "Verilator \(mode) x\(lanes): \(result)")
                let verilator = try Data(contentsOf: dump).withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
                let (icarus, framing) = try IcarusSimulation.run(design: design, lanes: lanes, mode: mode, users: job.users,
                                                                 inputs: job.inputs, stallPercent: 30, seed: 11,
                                                                 scratch: Paths.scratch)
                #expect(!framing, "Icarus: framing error on a well-framed stream, \(mode) x\(lanes)")
                #expect(icarus.count == job.expected.count, "Icarus \(mode) x\(lanes) gave \(icarus.count) values")
                #expect(icarus == verilator, "Icarus and Verilator differ, \(mode) x\(lanes)")
                #expect(icarus == job.expected, "Icarus differs from the golden model, \(mode) x\(lanes)")
            }
            // A tlast on the wrong beat is flagged, and the core still counts blocks by itself.
            let job = blocks.job(mode: .roundtrip, codec: codec, tables: QuantTable.ijg(quality: 75), writeTables: false,
                                 layout: design.layout, runs: [])
            let (values, framing) = try IcarusSimulation.run(design: design, lanes: lanes, mode: .roundtrip, users: job.users,
                                                             inputs: job.inputs, stallPercent: 0, seed: 1, misplacedLast: 2,
                                                             scratch: Paths.scratch)
            #expect(framing, "a misplaced tlast was not flagged at \(lanes) lanes")
            #expect(values == job.expected, "misplaced tlast changed the data at \(lanes) lanes")
        }
    }
}
