import CoSim
import Foundation
import Golden
import HLSGen
import Testing

/// The generated C++ compiled with g++ and run against the golden model, value for value.
@Suite struct CSimTests {
    static let qualities = [50, 75, 90]

    /// Every block of every component of every shared image, at qualities 50, 75 and 90, in all three
    /// modes and both lane counts, through one testbench binary per configuration.
    @Test(arguments: DatapathConfig.presets)
    func cSimulationEqualsTheGoldenModel(_ config: DatapathConfig) throws {
        let images = try Fixtures.sharedImages()
        try #require(images.count >= 6, "expected the shared images in \(Paths.sharedImages.path)")
        let command = HLSProjectSpec.command(out: ".", configArguments: ["--preset", config.name], tableArguments: ["-q", "50"],
                                             top: HLSTop(mode: .roundtrip, lanes: 8), part: HLSProject.defaultPart,
                                             clockNs: HLSProject.defaultClockNs, allTops: true)
        let request = CSimRequest(config: config, tableSets: Self.qualities.map(CSimTableSet.quality), command: command)
        let report = try ImageCSim.run(request, images: images, cache: Paths.csimCache, apTypes: try Fixtures.apTypes())

        let blocks = images.reduce(0) { $0 + Fixtures.blockCount($1.image) } * Self.qualities.count
        #expect(report.blocks == blocks)
        #expect(report.expectedBlockRuns == blocks * 3 * 2)
        #expect(report.blockRuns == report.expectedBlockRuns, "\(report.testbenchErrors)")
        #expect(report.mismatchedValues == 0, "first mismatch: \(String(describing: report.firstMismatch))")
        #expect(report.flagErrors == 0, "first flag error: \(String(describing: report.firstFlagError))")
        #expect(report.standardVectorRuns > 0 && report.standardVectorMismatches == 0)
        #expect(report.compilerWarnings.isEmpty, "g++ reported:\n\(report.compilerWarnings)")
        #expect(report.testbenchErrors.isEmpty)
        #expect(report.passed)

        let csim = report.csimSecondsPerBlock.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", $0.value * 1e6))" }
        let swift = report.swiftSecondsPerBlock.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value * 1e6))" }
        print("csim \(config.name): \(report.blockRuns) block runs, \(report.mismatchedValues) mismatches; compile "
            + String(format: "%.1f s%@", report.compileSeconds, report.compileCached ? " (cached)" : "")
            + "; us/block C sim: \(csim.joined(separator: ", ")); Swift: \(swift.joined(separator: ", "))")
    }

    /// The committed project builds without a warning, passes its own vectors, and its testbench
    /// finds and places a wrong expected value.
    @Test func committedProjectCompilesCleanlyAndItsTestbenchCatchesAMismatch() throws {
        let files = try HLSProject.render(Fixtures.committed)
        let build = try CSimBuild.build(files, cache: Paths.csimCache, apTypes: try Fixtures.apTypes())
        #expect(build.compilerOutput.isEmpty, "g++ reported:\n\(build.compilerOutput)")
        let own = try TestbenchRun.run(build.binary, vectors: build.standardVectors)
        let standardBlocks = StandardStimulus.sampleBlocks().count / 64 * Fixtures.committed.tables.count
        #expect(own.passed && own.blockRuns == standardBlocks, "\(own)")

        let design = try HLSDesign(.libjpeg)
        let codec = try BlockCodec(.libjpeg)
        let table = QuantTable.ijg(quality: 75)[0]
        var section = GoldenVectorFile.Section.golden(codec, mode: .roundtrip, tag: 7, table: table,
                                                      input: Array(StandardStimulus.sampleBlocks().prefix(3 * 64)))
        let truth = section.expected[64 + 42]
        section.expected[64 + 42] = (truth + 1) % 256
        var file = GoldenVectorFile(note: "a wrong expected value at block 1, index 42", design: design)
        file.sections = [section]
        let url = Paths.csimCache.appendingPathComponent("wrong-\(ProcessInfo.processInfo.processIdentifier).bin")
        try Data(file.encoded()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try TestbenchRun.run(build.binary, vectors: url)
        #expect(run.exitStatus == 1)
        #expect(run.mismatchedValues == 1 && run.mismatchedBlocks == 1 && run.blockRuns == 3)
        let m = try #require(run.firstMismatch)
        #expect(m.tag == 7 && m.block == 1 && m.index == 42 && m.top == "fxcodec_roundtrip_x8")
        #expect(m.expected == Int((truth + 1) % 256) && m.actual == Int(truth))
    }
}
