import Foundation
import Golden
import HLSGen

/// An image to simulate, with the name reports use.
public struct CSimImage: Sendable {
    public var name: String
    public var image: Image
    public init(name: String, image: Image) {
        self.name = name
        self.image = image
    }
}

/// A pair of tables (luminance, chrominance; one serves both) and the label reports use.
public struct CSimTableSet: Sendable {
    public var label: String
    public var tables: [QuantTable]
    public init(label: String, tables: [QuantTable]) {
        self.label = label
        self.tables = tables
    }
    public static func quality(_ q: Int) -> CSimTableSet { CSimTableSet(label: "quality \(q)", tables: QuantTable.ijg(quality: q)) }

    func table(forComponent c: Int) -> QuantTable { tables[min(c == 0 ? 0 : 1, tables.count - 1)] }
}

/// What to simulate: one configuration, every block of every component of the images, through each
/// table set, mode and lane count.
public struct CSimRequest: Sendable {
    public var config: DatapathConfig
    public var tableSets: [CSimTableSet]
    public var modes: [CodecMode]
    public var lanes: [Int]
    public var chroma: ChromaSubsampling
    /// The command printed in the headers of the compiled project (it has every top).
    public var command: String
    public var part = HLSProject.defaultPart
    public var clockNs = HLSProject.defaultClockNs

    public init(config: DatapathConfig, tableSets: [CSimTableSet], modes: [CodecMode] = CodecMode.allCases,
                lanes: [Int] = [1, 8], chroma: ChromaSubsampling = .s420, command: String) {
        self.config = config
        self.tableSets = tableSets
        self.modes = modes
        self.lanes = lanes
        self.chroma = chroma
        self.command = command
    }
}

/// The outcome of a C simulation on images, with timings beside the Swift model's.
public struct CSimReport: Codable, Sendable {
    /// Where a mismatch was, in the terms of the request.
    public struct Place: Codable, Sendable {
        public var image: String, component: String, tables: String, mode: String, top: String
        public var block: Int, index: Int, row: Int, column: Int
        public var expected: Int, actual: Int
    }

    public var configuration: String
    public var configurationSHA256: String
    public var images: [String]
    public var tables: [String]
    public var modes: [String]
    public var lanes: [Int]
    /// Blocks of the images (all components, all table sets), counted once.
    public var blocks: Int
    /// Block simulations: blocks × modes × lane counts.
    public var blockRuns: Int
    public var expectedBlockRuns: Int
    public var mismatchedValues: Int
    public var mismatchedBlocks: Int
    public var flagErrors: Int
    public var firstMismatch: Place?
    public var firstFlagError: TestbenchRun.FlagError?
    /// The project's own vectors (patterns, noise, random coefficients over the quantized format).
    public var standardVectorRuns: Int
    public var standardVectorMismatches: Int
    public var compileSeconds: Double
    public var compileCached: Bool
    /// g++'s stderr for the compile (empty when nothing was reported).
    public var compilerWarnings: String
    public var csimSeconds: Double
    /// C simulation, seconds per block, by top function.
    public var csimSecondsPerBlock: [String: Double]
    /// The Swift golden model (one thread), seconds per block, by mode.
    public var swiftSecondsPerBlock: [String: Double]
    public var testbenchErrors: String
    public var passed: Bool
}

public enum ImageCSim {
    struct Label {
        var image: String, component: String, tables: String, mode: CodecMode
    }

    /// Renders the configuration with every top, compiles it (cached under `cache`), writes golden
    /// vectors for every block of the images, and runs the testbench.
    public static func run(_ request: CSimRequest, images: [CSimImage], cache: URL, apTypes: URL) throws -> CSimReport {
        let config = request.config
        let first = request.tableSets.first ?? .quality(75)
        let spec = HLSProjectSpec(config: config, tables: first.tables, tableDescription: first.label, tops: HLSTop.all,
                                  synthesisTop: HLSTop(mode: .roundtrip, lanes: 8), part: request.part,
                                  clockNs: request.clockNs, command: request.command)
        let build = try CSimBuild.build(try HLSProject.render(spec), cache: cache, apTypes: apTypes)
        let design = try HLSDesign(config)
        let codec = try BlockCodec(config)
        let planesOf = try ImageCodec(config: config)

        let runs = build.folder.appendingPathComponent("runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        let vectors = runs.appendingPathComponent("vectors-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max)).bin")
        defer { try? FileManager.default.removeItem(at: vectors) }
        let writer = try GoldenVectorFile.Writer(url: vectors, note: "fxcodec csim: \(images.map(\.name).joined(separator: ", "))",
                                                 design: design)
        var labels: [Label] = []
        var blocks = 0
        var encodeSeconds = 0.0, decodeSeconds = 0.0
        for item in images {
            let (_, planes) = planesOf.componentPlanes(item.image, chroma: request.chroma)
            let names = planes.count == 1 ? ["Y"] : ["Y", "Cb", "Cr"]
            for set in request.tableSets {
                for (c, plane) in planes.enumerated() {
                    let table = set.table(forComponent: c)
                    let samples = plane.blocks()
                    let t0 = Date()
                    let coefficients = codec.encode(samples: samples, table: table).coefficients
                    let t1 = Date()
                    let decoded = codec.decode(coefficients: coefficients, table: table).samples
                    encodeSeconds += t1.timeIntervalSince(t0)
                    decodeSeconds += Date().timeIntervalSince(t1)
                    blocks += plane.blockCount
                    let sampleValues = samples.map { Int32($0) }, decodedValues = decoded.map { Int32($0) }
                    for mode in request.modes {
                        let (input, expected): ([Int32], [Int32])
                        switch mode {
                        case .encode: (input, expected) = (sampleValues, coefficients)
                        case .decode: (input, expected) = (coefficients, decodedValues)
                        case .roundtrip: (input, expected) = (sampleValues, decodedValues)
                        }
                        try writer.append(.init(mode: mode, tag: UInt32(labels.count), table: table, input: input, expected: expected))
                        labels.append(Label(image: item.name, component: names[c], tables: set.label, mode: mode))
                    }
                }
            }
        }
        try writer.close()

        let run = try TestbenchRun.run(build.binary, vectors: vectors, lanes: request.lanes)
        let standard = try TestbenchRun.run(build.binary, vectors: build.standardVectors, lanes: request.lanes)

        let place = run.firstMismatch.map { m -> CSimReport.Place in
            let label = labels.indices.contains(m.tag) ? labels[m.tag] : Label(image: "?", component: "?", tables: "?", mode: .roundtrip)
            return .init(image: label.image, component: label.component, tables: label.tables, mode: m.mode, top: m.top,
                         block: m.block, index: m.index, row: m.index / 8, column: m.index % 8,
                         expected: m.expected, actual: m.actual)
        }
        var csimPerBlock: [String: Double] = [:]
        for t in run.times { csimPerBlock[t.top] = t.secondsPerBlock }
        let perBlock = { (s: Double) in blocks > 0 ? s / Double(blocks) : 0 }
        var swiftPerBlock: [String: Double] = [:]
        for mode in request.modes {
            switch mode {
            case .encode: swiftPerBlock[mode.rawValue] = perBlock(encodeSeconds)
            case .decode: swiftPerBlock[mode.rawValue] = perBlock(decodeSeconds)
            case .roundtrip: swiftPerBlock[mode.rawValue] = perBlock(encodeSeconds + decodeSeconds)
            }
        }
        let expectedRuns = blocks * request.modes.count * request.lanes.count
        return CSimReport(
            configuration: config.name, configurationSHA256: SHA256.hex(try HLSProject.configJSON(config)),
            images: images.map(\.name), tables: request.tableSets.map(\.label), modes: request.modes.map(\.rawValue),
            lanes: request.lanes, blocks: blocks, blockRuns: run.blockRuns, expectedBlockRuns: expectedRuns,
            mismatchedValues: run.mismatchedValues, mismatchedBlocks: run.mismatchedBlocks, flagErrors: run.flagErrors,
            firstMismatch: place, firstFlagError: run.firstFlagError,
            standardVectorRuns: standard.blockRuns, standardVectorMismatches: standard.mismatchedValues + standard.flagErrors,
            compileSeconds: build.compileSeconds, compileCached: build.cached, compilerWarnings: build.compilerOutput,
            csimSeconds: run.seconds, csimSecondsPerBlock: csimPerBlock, swiftSecondsPerBlock: swiftPerBlock,
            testbenchErrors: run.errors + standard.errors,
            passed: run.passed && standard.passed && run.blockRuns == expectedRuns && standard.blockRuns > 0)
    }
}
