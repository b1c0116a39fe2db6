import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import Testing

/// The streaming core's description printed as HLS C++ (the kernels through their C++ functions)
/// and compiled with g++: clock for clock the outputs of the description's Swift evaluation (the
/// kernels through their Swift models of the traced graphs), at 8 and 1 lanes, for libjpeg's
/// datapath and the narrow one.
@Suite struct CoreHLSTests {
    @Test(arguments: [(DatapathConfig.libjpeg, 8), (.libjpeg, 1), (.narrow, 8), (.narrow, 1)])
    func thePrintedCoreGivesTheSwiftOutputs(config: DatapathConfig, lanes: Int) throws {
        let design = try RTLDesign(config: config, quality: 75)
        // Named by its configuration too, so that the cases' compiled drivers have caches of their own.
        var module = try design.coreModule(lanes: lanes)
        module.name += "_" + config.name.replacingOccurrences(of: "-", with: "_")
        let stimulus = CoreStimulus(module: module, design: design, lanes: lanes, seed: UInt64(lanes) * 7 + 3)
        try #require(stimulus.stuck == nil, "\(stimulus.stuck!)")
        let swift = HardwareSimulators.swift(module, stimulus.rows)

        // The run carries data: every mode's beats come out, and not as zeros.
        let out = try #require(module.outputs.firstIndex { $0.name == "m_axis_tdata" })
        let at = module.outputs[..<out].reduce(0) { $0 + $1.count }
        #expect(stimulus.beatsOut == stimulus.beatsIn && stimulus.beatsIn == 3 * 2 * 64 / lanes, "\(stimulus.counts)")
        #expect(stimulus.nonzeroOut.count == 3 && stimulus.nonzeroOut.values.allSatisfy { $0 > stimulus.beatsIn / 12 },
                "\(stimulus.nonzeroOut)")

        let text = HLSPrinter.text(module)
        #expect(!text.contains("#error"))
        let cpp = try HardwareSimulators.hls(module, stimulus.rows, cache: HardwarePaths.cache, apTypes: try HardwarePaths.apTypes)
        #expect(firstDifference(swift.known, cpp.outputs, ports: module) == nil, "Swift vs C++, \(config.name) x\(lanes)")
        #expect(swift.contains { row in row[at..<(at + module.outputs[out].count)].contains { $0 != 0 } })
        print(String(format: "core x%d %@: %d clocks, printed C++ %d lines, %d bytes%@", lanes, config.name, stimulus.rows.count,
                     text.split(separator: "\n").count, text.utf8.count, cpp.built ? ", compiled now" : " (cached build)"))
    }
}

/// A few hundred clocks of the core's ports: reset, some table words through qt_*, then two blocks in
/// each mode (encode, decode, roundtrip) with random tvalid and tready, tlast on every block's last
/// beat, tuser on its first (start of frame on the mode's first block, a random table). The mode
/// changes only once the core is empty: the description's Swift evaluation runs alongside to tell
/// which beats it took and when the last result left, then 64 idle clocks flush the ranks.
struct CoreStimulus {
    var rows: [[UInt64]] = []
    var beatsIn = 0, beatsOut = 0
    /// Per mode: output beats with a nonzero lane.
    var nonzeroOut: [CodecMode: Int] = [:]
    /// Where the run stopped when the core did not drain.
    var stuck: String?
    /// Per mode: beats in and out.
    var counts: [String] = []

    init(module: Module, design: RTLDesign, lanes: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let simulator = CycleSimulator(module)
        let laneMask: UInt64 = (1 << UInt64(design.laneBits)) - 1
        var inputs: [String: [UInt64]] = Dictionary(uniqueKeysWithValues: module.inputs.map { ($0.name, [UInt64](repeating: 0, count: $0.count)) })
        func clock() -> [String: [UInt64]] {
            rows.append(module.inputs.flatMap { inputs[$0.name]! })
            return simulator.step(inputs)
        }
        func chance(_ p: Double) -> UInt64 { Double(rng.next() % 1000) < p * 1000 ? 1 : 0 }

        for _ in 0..<3 { _ = clock() }
        inputs["aresetn"] = [1]
        // Table words: random entries of both tables, each a whole quantizer entry for a q of 1...60.
        for _ in 0..<12 {
            inputs["qt_we"] = [1]
            inputs["qt_table"] = [rng.next() % 2]
            inputs["qt_addr"] = [rng.next() % 64]
            inputs["qt_data"] = [design.layout.pack(q: Int(rng.next() % 60) + 1)]
            _ = clock()
        }
        inputs["qt_we"] = [0]

        for mode in CodecMode.allCases {
            inputs["mode"] = [UInt64(mode.code)]
            // Two blocks of 64 values in raster order: samples, or small coefficients (the low
            // frequencies of a zigzag-like corner) as two's complement lane words.
            let values: [UInt64] = (0..<128).map { i in
                if mode != .decode { return rng.next() % 256 }
                let (row, column) = (i % 64 / 8, i % 8)
                guard row + column < 4 else { return 0 }
                return UInt64(bitPattern: Int64(Int(rng.next() % 41) - 20)) & laneMask
            }
            let beats = 128 / lanes
            let tables = [rng.next() % 2, rng.next() % 2]
            var next = 0, taken = 0, left = 0
            var idle = 0
            // Empty: the last result has left and every rank has shifted out (more clocks than the
            // deepest section has ranks).
            while left < beats || idle < 64 {
                guard rows.count < 20_000 else {
                    stuck = "\(mode): \(next) of \(beats) beats in, \(left) out after \(rows.count) clocks"
                    return
                }
                let beat = next % (64 / lanes)
                let valid = next < beats ? chance(0.7) : 0
                inputs["s_axis_tvalid"] = [valid]
                inputs["s_axis_tdata"] = (0..<lanes).map { k in next < beats ? values[next * lanes + k] : 0 }
                inputs["s_axis_tlast"] = [beat == 64 / lanes - 1 ? 1 : 0]
                inputs["s_axis_tuser"] = [beat == 0 && next < beats ? tables[next * lanes / 64] << 1 | (next == 0 ? 1 : 0) : 0]
                let ready = chance(0.7)
                inputs["m_axis_tready"] = [ready]
                let seen = clock()
                if valid == 1 && seen["s_axis_tready"]![0] == 1 { next += 1; taken += 1 }
                if seen["m_axis_tvalid"]![0] == 1 && ready == 1 {
                    left += 1
                    if seen["m_axis_tdata"]!.contains(where: { $0 != 0 }) { nonzeroOut[mode, default: 0] += 1 }
                }
                if left >= beats { idle += 1 }
            }
            beatsIn += taken
            beatsOut += left
            counts.append("\(mode) \(taken) in, \(left) out")
        }
    }
}
