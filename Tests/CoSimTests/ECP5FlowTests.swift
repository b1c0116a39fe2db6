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
        #expect(!first.cached)
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
}
