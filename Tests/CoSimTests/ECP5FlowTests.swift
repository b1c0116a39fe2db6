import CoSim
import Foundation
import Hardware
import HLSGen
import Testing

/// The ECP5 flow end to end on a small design (place and route of the cores belongs to benchmarks
/// and closing notes): the block framer, printed from its description, is synthesised, placed and
/// routed on the LFE5U-85F-6; the report names a post-route Fmax and the cells it used, and a second
/// run of the same design comes from the cache with the same figures.
@Suite struct ECP5FlowTests {
    @Test func aSmallDesignIsPlacedRoutedAndCached() throws {
        let tools = try ECP5PlaceAndRoute.tools(searchFrom: [Paths.repository])
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("fxc-ecp5-test-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: cache) }
        let framer = try Blocks.blockFramer(name: "fxh_block_framer", beats: 8, width: 16)
        let files = [GeneratedFile(path: VerilogPrinter.fileName(framer), text: VerilogPrinter.text(framer))]
        let first = try ECP5PlaceAndRoute.run(files: files, top: framer.name, requestedMHz: 200, tools: tools, cache: cache)
        #expect(!first.cached && first.seed == ECP5PlaceAndRoute.standardSeed)
        #expect(first.fmaxMHz > 100 && first.fmaxMHz < 1000, "post-route Fmax \(first.fmaxMHz) MHz")
        // 16 data + 2 user + 1 last bits held, a 3-bit beat counter, valid and error flags.
        #expect(first.flipFlops >= 24 && first.flipFlops < 60, "\(first.flipFlops) flip-flops")
        #expect(first.lut4 > 0 && first.mult18 == 0, "\(first.lut4) LUT4, \(first.mult18) MULT18X18D")
        #expect(first.ioPins == 1 + 1 + 16 + 2 + 1 + 1 + 1 + 16 + 2 + 1 + 1 + 1 + 1, "\(first.ioPins) I/O pins")
        let second = try ECP5PlaceAndRoute.run(files: files, top: framer.name, requestedMHz: 200, tools: tools, cache: cache)
        #expect(second.cached)
        var again = second
        again.cached = false
        #expect(again == first, "the cached report is the one made")
    }

    /// With a folder to keep, the run happens although the design is cached, and the folder holds
    /// what an engineer reads next: yosys's netlist, nextpnr's log with its critical path, and the
    /// report with per-net timing. A folder that is not empty is refused before anything runs.
    @Test func aKeptRunLeavesItsNetlistLogAndNetTiming() throws {
        let tools = try ECP5PlaceAndRoute.tools(searchFrom: [Paths.repository])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fxc-ecp5-keep-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cache = scratch.appendingPathComponent("cache"), kept = scratch.appendingPathComponent("kept")
        let framer = try Blocks.blockFramer(name: "fxh_block_framer", beats: 8, width: 16)
        let files = [GeneratedFile(path: VerilogPrinter.fileName(framer), text: VerilogPrinter.text(framer))]
        let made = try ECP5PlaceAndRoute.run(files: files, top: framer.name, requestedMHz: 200, tools: tools, cache: cache)
        let again = try ECP5PlaceAndRoute.run(files: files, top: framer.name, requestedMHz: 200, tools: tools, cache: cache, keep: kept)
        #expect(!again.cached, "a kept run is run")
        #expect(again.fmaxMHz == made.fmaxMHz && again.lut4 == made.lut4, "the same flow gives the same figures")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: kept.path))
        #expect(names.isSuperset(of: ["\(framer.name).json", "\(framer.name).v", "ecp5.ys", "yosys.log", "nextpnr.log", "report.json"]), "\(names.sorted())")
        let log = try String(contentsOf: kept.appendingPathComponent("nextpnr.log"), encoding: .utf8)
        #expect(log.contains("Critical path report") && log.contains("Max frequency"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: kept.appendingPathComponent("report.json"))) as? [String: Any]
        #expect(((report?["detailed_net_timings"] as? [Any])?.count ?? 0) > 0, "per-net timing in the report")
        #expect(throws: Error.self) {
            try ECP5PlaceAndRoute.run(files: files, top: framer.name, requestedMHz: 200, tools: tools, cache: cache, keep: kept)
        }
    }

    /// Copies of a register (`ModuleBuilder.copies(of:count:)`) stay apart through yosys, which merges
    /// equal flip-flops unless told to keep them: three 8-bit copies (the register itself, kept by
    /// nothing, may be merged into one of them), not one register.
    @Test func copiesOfARegisterAreKeptApart() throws {
        let tools = try ECP5PlaceAndRoute.tools(searchFrom: [Paths.repository])
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("fxc-ecp5-copies-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: cache) }
        let b = ModuleBuilder("fxh_copies")
        let count = b.register("count", width: 8, reset: 0)
        b.when(b.input("step", width: 1)) { b.set(count, count + 1) }
        for (k, r) in ([count] + b.copies(of: count, count: 3)).enumerated() { b.output("out\(k)", r) }
        let module = try b.build()
        let report = try ECP5PlaceAndRoute.run(files: [GeneratedFile(path: "fxh_copies.v", text: VerilogPrinter.text(module))],
                                               top: module.name, requestedMHz: 200, tools: tools, cache: cache)
        #expect(report.flipFlops >= 24, "\(report.flipFlops) flip-flops")
    }

    /// A multiplier cell as the kernels place it: on ECP5 its product comes from MULT18X18D blocks
    /// (two for a 24-bit operand), with the registers inside them, its parts registered beside them
    /// and summed, and the flow says so.
    @Test func aMultiplierCellTakesItsBlocksWithTheirRegisters() throws {
        let tools = try ECP5PlaceAndRoute.tools(searchFrom: [Paths.repository])
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("fxc-ecp5-cell-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: cache) }
        let cell = MultiplierCell(a: 24, b: 14)
        let report = try ECP5PlaceAndRoute.run(files: [GeneratedFile(path: "\(cell.name).v", text: cell.text())], top: cell.name,
                                               requestedMHz: 250, tools: tools, cache: cache)
        #expect(report.mult18 == cell.blocks && cell.blocks == 2, "\(report.mult18) MULT18X18D")
        // 24 + 14 bits in, 38 out. In the fabric: each part of the product registered beside its block
        // (the shifted one's low 17 bits are zeros) and their sum; the operands and the products are
        // registered inside the blocks (in the fabric they would add 38 more).
        #expect(report.flipFlops >= 2 * 38 && report.flipFlops < 3 * 38, "\(report.flipFlops) flip-flops")
        #expect(report.fmaxMHz > 150, "post-route Fmax \(report.fmaxMHz) MHz, critical path \(String(describing: report.criticalPath))")
        print("multiplier cell \(cell.name) on ECP5: \(report.mult18) MULT18X18D, \(report.flipFlops) FF, \(report.lut4) LUT4, "
              + String(format: "%.1f MHz", report.fmaxMHz))
    }
}
