import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import Testing

/// The raster front end's colour stage: the description gives libjpeg's integer RGB→YCbCr for every
/// pixel taken, in order, with tuser and tlast on their beats, under stalls on both sides; without
/// stalls it takes a beat every clock. Its printed Verilog (Verilator, Icarus) and C++ (g++) agree
/// with it clock for clock on the same stimulus.
@Suite struct ColourStageTests {
    /// Every corner and a grid of each channel, then seeded random pixels.
    static func testPixels(count: Int, seed: UInt64) -> [(r: Int, g: Int, b: Int)] {
        let levels = [0, 1, 2, 64, 127, 128, 129, 200, 254, 255]
        var pixels = levels.flatMap { r in levels.flatMap { g in levels.map { b in (r, g, b) } } }
        var random = SplitMix64(seed: seed)
        while pixels.count < count {
            pixels.append((Int(random.next() & 255), Int(random.next() & 255), Int(random.next() & 255)))
        }
        return pixels
    }

    /// A beat: one 24-bit word per pixel.
    struct Beat: Equatable { var data: [UInt64]; var user: UInt64; var last: UInt64 }

    /// Drives the Swift evaluation as an AXI4-Stream source and sink would (a beat offered is held
    /// until taken; valid dropped and ready withheld with probability `stall`), and returns every
    /// clock's inputs in port order (for the other simulators), the beats taken and the beats given.
    static func drive(_ module: Module, beats: [Beat], stall: Double, seed: UInt64) -> (rows: [[UInt64]], taken: [Beat], given: [Beat]) {
        let simulator = CycleSimulator(module)
        var random = SplitMix64(seed: seed)
        func chance() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        var rows: [[UInt64]] = [], taken: [Beat] = [], given: [Beat] = []
        var next = 0, offering = false, idle = 0
        while given.count < beats.count && idle < 100 {
            if !offering && next < beats.count && chance() >= stall { offering = true }
            let beat = next < beats.count ? beats[next] : Beat(data: beats[0].data.map { _ in 0 }, user: 0, last: 0)
            let named: [String: [UInt64]] = [
                "aresetn": [rows.count < 2 ? 0 : 1], "m_axis_tready": [chance() >= stall ? 1 : 0],
                "s_axis_tvalid": [offering && rows.count >= 2 ? 1 : 0], "s_axis_tdata": beat.data,
                "s_axis_tuser": [beat.user], "s_axis_tlast": [beat.last]]
            rows.append(module.inputs.flatMap { p in named[p.name] ?? Array(repeating: 0, count: p.count) })
            let out = simulator.step(named)
            if named["s_axis_tvalid"]![0] == 1 && out["s_axis_tready"]![0] == 1 {
                taken.append(beat); next += 1; offering = false
            }
            if out["m_axis_tvalid"]![0] == 1 && named["m_axis_tready"]![0] == 1 {
                given.append(Beat(data: out["m_axis_tdata"]!, user: out["m_axis_tuser"]![0], last: out["m_axis_tlast"]![0]))
                idle = 0
            } else if next == beats.count { idle += 1 }
        }
        return (rows, taken, given)
    }

    /// Beats of `pixels` pixels each (UG934: G, B, R from the low byte, the first pixel lowest), a line
    /// of `line` beats ending in tlast, tuser on the very first.
    static func beats(_ rgb: [(r: Int, g: Int, b: Int)], pixels: Int, line: Int) -> [Beat] {
        stride(from: 0, to: rgb.count - pixels + 1, by: pixels).enumerated().map { k, start in
            let data = rgb[start..<start + pixels].map { x in UInt64(x.g) | UInt64(x.b) << 8 | UInt64(x.r) << 16 }
            return Beat(data: data, user: k == 0 ? 1 : 0, last: k % line == line - 1 ? 1 : 0)
        }
    }

    /// What the stage must give for a beat: libjpeg's conversion of each pixel, {Cr, Cb, Y} with Y lowest.
    static func expected(_ beat: Beat, colour: ColourConversion) -> Beat {
        let data = beat.data.map { x in
            let (y, cb, cr) = colour.forward(Int(x >> 16 & 255), Int(x & 255), Int(x >> 8 & 255))
            return UInt64(y) | UInt64(cb) << 8 | UInt64(cr) << 16
        }
        return Beat(data: data, user: beat.user, last: beat.last)
    }

    @Test(arguments: [1, 2, 4])
    func everyPixelIsLibjpegsConversionUnderStalls(pixels: Int) throws {
        let stage = ColourStage(colorBits: 16, pixels: pixels)
        let module = try stage.module()
        let beats = Self.beats(Self.testPixels(count: 3000, seed: 7), pixels: pixels, line: 37)
        let run = Self.drive(module, beats: beats, stall: 0.3, seed: 2026)
        #expect(run.taken == beats, "every beat taken once, in order")
        #expect(run.given.count == beats.count)
        for (k, (given, beat)) in zip(run.given, beats).enumerated() {
            let want = Self.expected(beat, colour: stage.colour)
            if given != want {
                func hex(_ b: Beat) -> String { "\(b.data.map { String($0, radix: 16) }) user \(b.user) last \(b.last)" }
                Issue.record(Comment(rawValue: "beat \(k): expected \(hex(want)), got \(hex(given))"))
                break
            }
        }
        #expect(run.rows.count > beats.count * 5 / 4, "the stalls slowed the stream")
    }

    /// All 2^24 RGB values, four a beat, through the Swift evaluation without stalls: each result is
    /// libjpeg's. (Y's rounding offset off by one changes 274 of them, which seeded pixels miss.)
    @Test func everyRGBValueIsLibjpegs() throws {
        let stage = ColourStage(colorBits: 16, pixels: 4)
        let module = try stage.module()
        let simulator = CycleSimulator(module)
        func index(_ name: String, _ ports: [ModulePort]) -> Int {
            var k = 0
            for p in ports { if p.name == name { return k }; k += p.count }
            return -1
        }
        let data = index("s_axis_tdata", module.inputs), valid = index("s_axis_tvalid", module.inputs)
        let out = index("m_axis_tdata", module.outputs), outValid = index("m_axis_tvalid", module.outputs)
        var inputs = [UInt64](repeating: 0, count: module.inputs.reduce(0) { $0 + $1.count })
        var outputs = [UInt64](repeating: 0, count: module.outputs.reduce(0) { $0 + $1.count })
        inputs[index("m_axis_tready", module.inputs)] = 1
        var wrong = 0, checked = 0, first = ""
        let beats = (1 << 24) / 4
        for clock in 0..<(beats + 1 + ColourStage.latency) {
            inputs[0] = clock == 0 ? 0 : 1
            inputs[valid] = clock >= 1 && clock <= beats ? 1 : 0
            for p in 0..<4 { inputs[data + p] = UInt64(((clock - 1) * 4 + p) & 0xFF_FFFF) }
            inputs.withUnsafeBufferPointer { i in outputs.withUnsafeMutableBufferPointer { o in simulator.step(i, into: o) } }
            guard outputs[outValid] == 1 else { continue }
            for p in 0..<4 {
                let x = checked, g = x & 255, b = x >> 8 & 255, r = x >> 16
                let (y, cb, cr) = stage.colour.forward(r, g, b)
                let want = UInt64(y) | UInt64(cb) << 8 | UInt64(cr) << 16
                if outputs[out + p] != want {
                    if wrong == 0 { first = "R \(r) G \(g) B \(b): expected \(String(want, radix: 16)), got \(String(outputs[out + p], radix: 16))" }
                    wrong += 1
                }
                checked += 1
            }
        }
        #expect(checked == 1 << 24)
        #expect(wrong == 0, "\(wrong) wrong; first \(first)")
    }

    @Test func withoutStallsABeatGoesThroughEveryClock() throws {
        let module = try ColourStage(colorBits: 16).module()
        let beats = Self.beats(Self.testPixels(count: 1000, seed: 3), pixels: 1, line: 1000)
        let run = Self.drive(module, beats: beats, stall: 0, seed: 1)
        // Two clocks of reset, the stage's latency, then one beat a clock.
        #expect(run.given.count == beats.count && run.rows.count == 2 + ColourStage.latency + beats.count)
    }

    @Test func verilatorIcarusAndCppAgreeWithTheDescription() throws {
        let module = try ColourStage(colorBits: 16, pixels: 2).module()
        let beats = Self.beats(Self.testPixels(count: 4000, seed: 11), pixels: 2, line: 50)
        let rows = Self.drive(module, beats: beats, stall: 0.3, seed: 5).rows
        let swift = HardwareSimulators.swift(module, rows).known
        let verilator = try HardwareSimulators.verilator(.init(module), rows, cache: HardwarePaths.cache)
        #expect(firstDifference(swift, verilator.outputs, ports: module) == nil, "Swift vs Verilator")
        let cpp = try HardwareSimulators.hls(module, rows, cache: HardwarePaths.cache, apTypes: try HardwarePaths.apTypes)
        #expect(firstDifference(swift, cpp.outputs, ports: module) == nil, "Swift vs C++")
        let short = Array(rows.prefix(600))
        let icarus = try HardwareSimulators.icarus(.init(module), short, scratch: HardwarePaths.scratch)
        #expect(firstDifference(Array(swift.prefix(600)), icarus.outputs, ports: module) == nil, "Swift vs Icarus")
    }
}
