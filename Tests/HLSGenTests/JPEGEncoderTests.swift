import CoSim
import Foundation
import Golden
import HLSGen
import Testing

/// The whole hardware encoder (`fxc_jpeg_encoder`): RGB beats in, the golden encoder's file out, byte
/// for byte, in the Swift evaluation of its description (Verilator and the C simulation: `EncoderCosimTests`).
@Suite struct JPEGEncoderTests {
    static func jobs(design: RTLDesign) throws -> [EncoderJob] {
        let runs = [StallSetting(stall: 0, seed: 1), StallSetting(stall: 0.3, seed: 2026)]
        // width, height, chroma, restart, noise (1: every pixel), quality (written through the table port; nil: the reset tables).
        let shapes: [(Int, Int, ChromaSubsampling, Int, Int, Int?)] = [(37, 21, .s420, 0, 5, nil), (33, 17, .s422, 2, 5, 10),
                                                                        (9, 20, .s444, 1, 5, 90), (16, 9, .gray, 0, 5, 50),
                                                                        (24, 16, .s420, 3, 1, 100)]
        return try shapes.enumerated().map { n, shape in
            var image = EntropyCoderTests.pattern(shape.0, shape.1, seed: UInt64(n + 1), noise: shape.4)
            if shape.2 == .gray { image = Image(width: image.width, height: image.height, components: 1, samples: stride(from: 0, to: image.samples.count, by: 3).map { image.samples[$0] }) }
            return try EncoderJobs.frame(image, name: "pattern \(n + 1)", chroma: shape.2, restart: shape.3,
                                  tables: shape.5.map { QuantTable.ijg(quality: $0) }, pixels: 1, design: design, runs: runs)
        }
    }

    @Test func swiftEvaluationWritesTheGoldenFiles() throws {
        let design = try RTLDesign(config: .libjpeg, quality: 75)
        let encoder = JPEGEncoderCore(design: design, maxWidth: 1024)
        let jobs = try Self.jobs(design: design)
        let (results, first) = try EncoderCosimulation.swift(jobs, module: try encoder.module(design: design))
        for r in results {
            print("encoder swift job \(r.job) run \(r.run): \(r.outBytes)/\(r.expectedBytes) bytes, \(r.mismatches) mismatches (first at \(r.mismatchIndex): \(r.mismatchExpected) vs \(r.mismatchActual)), \(r.cycles) clocks, refused \(r.refused), timeout \(r.timeout)")
            #expect(r.passed, "\(jobs[r.job].label) run \(r.run)")
        }
        #expect(first == jobs[0].expected)
    }
}
