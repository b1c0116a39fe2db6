import CoSim
import Foundation
import Golden
import HLSGen
import JPEG
import Testing

/// Issue 15's matrix on the hardware JPEG encoder (`fxc_jpeg_encoder`, one build: the tables of each
/// quality are written through the table port before the frame): every shared image at q 10, 50, 75,
/// 90, 100 × 4:2:0, 4:2:2, 4:4:4 (grey images: grey), without and with a restart interval, at stalls
/// 0 and 0.3. Every byte equals the golden encoder's file and djpeg decodes that file without a
/// warning. Verilator runs a 97×83 window of each image at every setting and whole images at q75,
/// stall 0 (FXCODEC_FULL_COSIM=1: whole images at every setting); the Swift evaluation and C simulation
/// run small windows and agree with Verilator clock for clock. Each window is also run with its own
/// Huffman tables (cjpeg -optimize) loaded through the Huffman table port, and every run reads the
/// status registers (the file's bytes, one file, no error) after its last byte.
@Suite(.serialized) struct EncoderCosimTests {
    static let config = DatapathConfig.libjpeg
    static let qualities = [10, 50, 75, 90, 100]
    static let stalls = [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2026)]
    /// MCUs between RSTn markers when restarts are on: not a divisor of any MCU row here, and small
    /// enough that RST0…RST7 wrap many times.
    static let restart = 7

    static func jobs(_ images: [(name: String, image: Image)], qualities: [Int], design: RTLDesign) throws -> [EncoderJob] {
        var jobs: [EncoderJob] = []
        for (name, image) in images {
            for q in qualities {
                for chroma in image.components == 1 ? [ChromaSubsampling.gray] : [.s420, .s422, .s444] {
                    for restart in [0, Self.restart] {
                        jobs.append(try EncoderJobs.frame(image, name: "\(name) q\(q)", chroma: chroma, restart: restart,
                                                          tables: QuantTable.ijg(quality: q), pixels: 1, design: design, runs: stalls))
                    }
                }
            }
        }
        return jobs
    }

    /// Each image at q75 in each chroma, restart 7, with its own Huffman tables loaded through the port.
    static func optimizedJobs(_ images: [(name: String, image: Image)], design: RTLDesign) throws -> [EncoderJob] {
        try images.flatMap { name, image in
            try (image.components == 1 ? [ChromaSubsampling.gray] : [.s420, .s422, .s444]).map { chroma in
                try EncoderJobs.frame(image, name: "\(name) q75", chroma: chroma, restart: Self.restart, tables: QuantTable.ijg(quality: 75),
                                      optimizeHuffman: true, pixels: 1, design: design, runs: stalls)
            }
        }
    }

    /// Seeded RGB noise: every coefficient non-zero at q100, the encoder's worst case.
    static func noise(_ w: Int, _ h: Int) -> Image {
        var random = SplitMix64(seed: 15)
        return Image(width: w, height: h, components: 3, samples: (0..<(3 * w * h)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
    }

    static func failures(_ results: [EncoderRunResult], _ jobs: [EncoderJob]) -> [String] {
        results.filter { !$0.passed }.map { r in
            "\(jobs[r.job].label) stall \(r.stall): \(r.outBytes)/\(r.expectedBytes) bytes, \(r.mismatches) differ (first at \(r.mismatchIndex): "
                + "expected \(r.mismatchExpected), got \(r.mismatchActual)), tlast \(r.tlastErrors), hold \(r.axiViolations), extra \(r.extraBytes), "
                + "timeout \(r.timeout), status \(r.statusBytes) bytes, \(r.statusFiles) files, errors \(r.statusErrors)"
        }
    }

    /// djpeg's complaints about a file (it writes its warnings to stderr), or nil when it decodes cleanly.
    static func djpegComplaint(_ bytes: [UInt8]) throws -> String? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fxcodec-encoder-\(UUID().uuidString).jpg")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try runProcess("djpeg", ["-outfile", "/dev/null", file.path])
        return run.succeeded && run.stderr.isEmpty ? nil : "exit \(run.status): \(run.stderr)"
    }

    @Test func everyImageQualityAndChromaInVerilator() throws {
        let design = try RTLDesign(config: Self.config, quality: 75)
        let encoder = JPEGEncoderCore(design: design)
        let windows = Fixtures.images.map { ("\($0.name)[97x83]", $0.image.window(x: 61, y: 47, width: 97, height: 83)) }
        // Whole images: every setting with FXCODEC_FULL_COSIM=1, else q75 at stall 0 without restarts (the rate).
        let whole = Fixtures.wholeImages ? try Self.jobs(Fixtures.images, qualities: Self.qualities, design: design)
            : try Fixtures.images.flatMap { name, image in
                try (image.components == 1 ? [ChromaSubsampling.gray] : [.s420, .s422, .s444]).map { chroma in
                    try EncoderJobs.frame(image, name: "\(name) q75", chroma: chroma, restart: 0, tables: QuantTable.ijg(quality: 75),
                                          pixels: 1, design: design, runs: [Self.stalls[0]])
                }
            }
        let small = Fixtures.wholeImages ? [] : try Self.jobs(windows, qualities: Self.qualities, design: design)
        let noise = try [ChromaSubsampling.s420, .s444].map { chroma in
            try EncoderJobs.frame(Self.noise(256, 256), name: "noise q100", chroma: chroma, restart: 0, tables: QuantTable.ijg(quality: 100),
                                  pixels: 1, design: design, runs: Self.stalls)
        }
        // Last: the loaded Huffman tables stay loaded through aresetn (block RAM contents are power-on only).
        let optimized = try Self.optimizedJobs(windows, design: design)
        let jobs = whole + small + noise + optimized
        var complaints: [String] = []
        for job in jobs { if let c = try Self.djpegComplaint(job.expected) { complaints.append("\(job.label): \(c)") } }
        #expect(complaints.isEmpty, "\(complaints.prefix(3))")

        let started = Date()
        let verilator = try EncoderCosimulation.verilatorBuild(design: design, encoder: encoder, cacheRoot: Paths.rtlSim)
        let (results, first) = try EncoderCosimulation.run(jobs, binary: verilator.binary)
        let seconds = Date().timeIntervalSince(started)
        #expect(Self.failures(results, jobs).isEmpty, "\(Self.failures(results, jobs).prefix(5))")
        #expect(first == jobs[0].expected)

        // Pixels a clock, from the first beat taken to the last, at stall 0.
        for (j, job) in jobs.enumerated() where j < whole.count || (whole.count + small.count..<jobs.count - optimized.count).contains(j) {
            let r = results.first { $0.job == j && $0.stall == 0 }!
            let rate = Double(job.width * job.height) / Double(r.lastIn - r.firstIn + 1)
            print(String(format: "encoder: %@: %d bytes, %.4f pixels a clock taken, %.4f end to end, %d beats refused",
                         job.label, r.outBytes, rate, Double(job.width * job.height) / Double(r.cycles), r.refused))
        }
        let photos = results.filter { $0.job < whole.count && $0.stall == 0 && $0.chroma == 2 }
        let taken = photos.reduce(0) { $0 + $1.inBeats }, span = photos.reduce(0) { $0 + $1.lastIn - $1.firstIn + 1 }
        #expect(taken == span, "4:2:0 photographs: \(taken) pixels in \(span) clocks")
        print(String(format: "encoder cosim: Verilator %d runs, %d bytes, %d clocks, %.1f s; 4:2:0 photographs at stall 0: %d pixels in %d clocks",
                     results.count, results.reduce(0) { $0 + $1.outBytes }, results.reduce(0) { $0 + $1.cycles }, seconds, taken, span))
    }

    /// The Swift evaluation of the description, Verilator and the C simulation of the printed HLS top give
    /// the same results clock for clock on small windows of each image.
    @Test func swiftVerilatorAndCSimAgree() throws {
        let design = try RTLDesign(config: Self.config, quality: 75)
        let encoder = JPEGEncoderCore(design: design)
        let images = Fixtures.images.filter { ["coffee.png", "camera.png"].contains($0.name) }
            .map { ("\($0.name)[45x29]", $0.image.window(x: 100, y: 90, width: 45, height: 29)) }
        let jobs = try Self.jobs(images, qualities: [100], design: design) + (try Self.optimizedJobs(images, design: design))
        let (swift, _) = try EncoderCosimulation.swift(jobs, module: try encoder.module(design: design))
        #expect(Self.failures(swift, jobs).isEmpty, "\(Self.failures(swift, jobs).prefix(5))")
        let verilator = try EncoderCosimulation.verilatorBuild(design: design, encoder: encoder, cacheRoot: Paths.rtlSim)
        let (compiled, _) = try EncoderCosimulation.run(jobs, binary: verilator.binary)
        #expect(compiled.map(\.clockForClock) == swift.map(\.clockForClock))
        let csim = try EncoderCosimulation.cSimBuild(design: design, encoder: encoder,
                                                     cache: Paths.repository.appendingPathComponent(".build/csim-encoder"),
                                                     apTypes: try locateAPTypes(searchFrom: [Paths.repository]))
        #expect(csim.build.compilerOutput.isEmpty, "g++ warned: \(csim.build.compilerOutput.prefix(2000))")
        let (c, _) = try EncoderCosimulation.run(jobs, binary: csim.binary)
        #expect(c.map(\.clockForClock) == swift.map(\.clockForClock))
        print("encoder: Swift, Verilator and C simulation agree on \(jobs.count * Self.stalls.count) runs, \(c.reduce(0) { $0 + $1.cycles }) clocks")
    }

    /// Tables that lack a symbol the frame needs: the file is wrong, and the status registers say why
    /// (error bit 2, a symbol with no code), while its byte count is still the bytes sent.
    @Test func aSymbolWithoutACodeIsAStatusError() throws {
        let design = try RTLDesign(config: Self.config, quality: 75)
        let encoder = JPEGEncoderCore(design: design)
        let photo = Fixtures.images.first { $0.name == "coffee.png" }!.image.window(x: 100, y: 90, width: 45, height: 29)
        // A flat grey frame's own tables: DC size 0 and EOB only, so the photograph's other symbols have no code.
        let flat = Image(width: 16, height: 16, components: 3, samples: [UInt8](repeating: 128, count: 3 * 16 * 16))
        let codec = try ImageCodec(config: Self.config, threads: 1, trackRanges: false)
        let (encoded, _) = codec.encode(flat, settings: EncodeSettings(chroma: .s420, tables: design.tables))
        let specs = try JPEGWriter.huffmanSpecs(encoded, options: JPEGWriteOptions(optimizeHuffman: true))
        var job = try EncoderJobs.frame(photo, name: "coffee.png[45x29] with a flat frame's tables", chroma: .s420, restart: 0,
                                        pixels: 1, design: design, runs: [Self.stalls[0]])
        job.huffmanWrites = try EntropyCoderStage.tableWrites(dc: specs.dc, ac: specs.ac)
        let (results, bytes) = try EncoderCosimulation.swift([job], module: try encoder.module(design: design))
        let r = try #require(results.first)
        #expect(!r.passed)
        #expect(r.statusErrors == 1 << EncoderStatus.ErrorBit.codeMissing.rawValue, "errors \(r.statusErrors)")
        #expect(r.statusFiles == 1 && r.statusBytes == bytes.count && bytes.last == 0xD9, "\(r.statusFiles) files, \(r.statusBytes) of \(bytes.count) bytes")
        // The same frame at the power-on tables after a reset: no error.
        job.huffmanWrites = []
        let (clean, _) = try EncoderCosimulation.swift([job], module: try encoder.module(design: design))
        #expect(clean.first?.passed == true && clean.first?.statusErrors == 0)
    }
}
