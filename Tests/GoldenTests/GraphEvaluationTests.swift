import Golden
import Testing

/// The graph evaluator on its own: register narrowing as the format defines it, inputs by name, and
/// the block driver on the presets (the random configurations are in ConfigurationFuzzTests).
@Suite struct GraphEvaluationTests {
    /// One register node, traced over −100...100 into a 4-bit register (−8...7).
    static func registerGraph(_ spec: RegisterSpec) -> DataflowGraph {
        var config = DatapathConfig.libjpeg
        config.registers[.quantized] = spec
        var t = DataflowTracer(config: config)
        let x = t.input("x", -100...100)
        t.output("y", t.register(x, .quantized))
        return t.graph
    }

    @Test func wrapKeepsTheValueModuloTheFormat() {
        let g = EvaluableGraph(Self.registerGraph(.wrap(4)))
        var seen = RegisterObservations()
        let cases = [(7, 7), (8, -8), (-8, -8), (-9, 7), (100, 4), (-100, -4), (0, 0)]
        for (x, y) in cases { #expect(g.evaluate([x], observing: &seen) == [y], "wrap4(\(x))") }
        var report = OverflowReport()
        seen.accumulate(into: &report)
        #expect(report.overflows[.quantized] == 4)
        #expect(report.minimum[.quantized] == -100 && report.maximum[.quantized] == 100)
        #expect(report.minimum[.dequantized] == nil, "a register the graph lacks is not reached")
    }

    @Test func saturateClampsToTheFormat() {
        let g = EvaluableGraph(Self.registerGraph(.saturate(4)))
        var seen = RegisterObservations()
        for (x, y) in [(7, 7), (8, 7), (-8, -8), (-9, -8), (100, 7), (-100, -8)] {
            #expect(g.evaluate([x], observing: &seen) == [y], "saturate4(\(x))")
        }
        var report = OverflowReport()
        seen.accumulate(into: &report)
        #expect(report.overflows[.quantized] == 4)
    }

    /// By name, the FDCT row graph and the quantizer graph give what their kernels give in the scalar model.
    @Test func namedInputsMatchTheKernels() throws {
        let config = DatapathConfig.narrow
        let graphs = try KernelGraphs(config)
        let stages = BlockStages(config)
        var rng = SplitMix64(seed: 0x6EA9)
        for _ in 0..<200 {
            let row = (0..<8).map { _ in Int.random(in: 0...255, using: &rng) }
            var a = ScalarArithmetic<TrackRanges>(config: config, mayOverflow: Set(Register.all))
            let expected = stages.forwardRow(Octet { row[$0] }, &a).array
            let named = Dictionary(uniqueKeysWithValues: row.enumerated().map { ("s\($0.offset)", $0.element) })
            #expect(graphs.forwardRow.evaluate(named) == expected, "row \(row)")

            let x = Int.random(in: -4000...4000, using: &rng), q = Int.random(in: 1...255, using: &rng)
            let e = QuantizerEntry(q: q, reciprocalBits: config.quantizerReciprocalBits)
            let quantized = stages.quantize(x, reciprocal: e.reciprocal, correction: e.correction, shift: e.shift, &a)
            #expect(graphs.quantize.evaluate(["x": x, "reciprocal": e.reciprocal, "correction": e.correction,
                                              "shift": e.shift]) == [quantized], "quantize \(x) by \(q)")
        }
    }

    @Test(arguments: DatapathConfig.presets.map(\.name))
    func blockDriverMatchesTheScalarModel(preset: String) throws {
        let config = try #require(DatapathConfig.preset(named: preset))
        var scalar = try BlockCodec(config)
        scalar.usesLanes = false
        let graph = try GraphBlockCodec(config)
        let samples = LaneEvaluatorTests.sampleBlocks(67)
        let table = QuantTable.ijg(quality: 95)[0]
        let e1 = scalar.encode(samples: samples, table: table), e2 = graph.encode(samples: samples, table: table)
        #expect(e1.coefficients.map(Int.init) == e2.values)
        #expect(e2.outsideTracedRange == 0)
        LaneEvaluatorTests.expectSameReports(e2.report, e1.report, "\(preset) encode")
        // Held to what the decode graphs accept (the dequantizer's input range).
        let accepted = graph.decodableCoefficients
        let coefficients = LaneEvaluatorTests.coefficientBlocks([])
            .map { Int32(min(max(Int($0), accepted.lowerBound), accepted.upperBound)) }
        let d1 = scalar.decode(coefficients: e1.coefficients + coefficients, table: table)
        let d2 = graph.decode(coefficients: (e1.coefficients + coefficients).map(Int.init), table: table)
        #expect(d1.samples.map(Int.init) == d2.values)
        #expect(d2.outsideTracedRange == 0)
        LaneEvaluatorTests.expectSameReports(d2.report, d1.report, "\(preset) decode")
        #expect(d1.report.totalOverflows > 0 || preset != DatapathConfig.narrow.name, "the narrow preset overflows here")
    }
}
