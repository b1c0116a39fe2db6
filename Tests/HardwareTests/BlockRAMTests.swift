import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import Testing

/// `BlockRAM`: its Swift model, its portable Verilog (Verilator, Icarus) and its C++ agree clock for
/// clock under random reads, writes and enables; on ECP5 it is DP16KD blocks with their output
/// registers, and a word read from it reaches a register through one LUT level at well over 150 MHz.
@Suite struct BlockRAMTests {
    /// A probe: the block RAM's ports as the module's, and the word read plus one into a register
    /// (the arithmetic a block RAM's word meets first in the row buffer).
    static func probe(_ ram: BlockRAM) throws -> Module {
        let b = ModuleBuilder("fxh_bram_probe_d\(ram.depth)_w\(ram.width)", summary: "A block RAM and a register after it.")
        let instance = b.instance(ram.block, name: "ram")
        for (port, width) in [("we", 1), ("wa", ram.addressBits), ("wd", ram.width), ("re", 1), ("ra", ram.addressBits)] {
            instance.connect(port, b.input(port, width: width))
        }
        let word = instance.output("rd")
        let next = b.register("plus_one", width: ram.width, reset: 0)
        b.set(next, word + 1)
        b.output("rd", word)
        b.output("plus_one_q", next)
        return try b.build()
    }

    static func stimulus(_ ram: BlockRAM, clocks: Int, seed: UInt64, module: Module) -> [[UInt64]] {
        var random = SplitMix64(seed: seed)
        let mask = UInt64(ram.depth - 1), data = (UInt64(1) << UInt64(ram.width)) - 1
        return (0..<clocks).map { clock in
            // Addresses from a small window now and then, so words are read back soon after they are written.
            let window = clock % 64 < 32 ? UInt64(15) : mask
            let named: [String: UInt64] = ["aresetn": clock < 2 ? 0 : 1, "we": random.next() & 1, "wa": random.next() & window,
                                           "wd": random.next() & data, "re": random.next() % 4 == 0 ? 0 : 1, "ra": random.next() & window]
            return module.inputs.map { named[$0.name] ?? 0 }
        }
    }

    @Test(arguments: [BlockRAM(depth: 4096, width: 9), BlockRAM(depth: 256, width: 16), BlockRAM(depth: 8192, width: 8)])
    func renderingsAgreeClockForClock(_ ram: BlockRAM) throws {
        let module = try Self.probe(ram)
        let stimulus = Self.stimulus(ram, clocks: 3000, seed: UInt64(ram.depth + ram.width), module: module)
        let swift = HardwareSimulators.swift(module, stimulus).map { $0.map { Optional($0) } }
        // Reads of written words come back (the probe is not reading zeros throughout).
        #expect(Set(swift.map { $0[0] }).count > 100)
        let files = [GeneratedFile(path: VerilogPrinter.fileName(module), text: VerilogPrinter.text(module)),
                     GeneratedFile(path: ram.name + ".v", text: ram.verilog)]
        let design = HardwareSimulators.VerilogDesign(top: module.name, ports: module, files: files)
        #expect(try HardwareSimulators.verilator(design, stimulus, cache: HardwarePaths.cache).outputs == swift)
        #expect(try HardwareSimulators.icarus(design, stimulus, scratch: HardwarePaths.scratch).outputs == swift)
        #expect(try HardwareSimulators.hls(module, stimulus, cache: HardwarePaths.cache, apTypes: HardwarePaths.apTypes).outputs == swift)
    }

    /// 8192 × 8 on ECP5: four DP16KD with REGMODE OUTREG, their words chosen after the output
    /// registers, and the probe's add after that, placed and routed at over 170 MHz (208.1 at seed 1 when written).
    @Test func onECP5ItIsDP16KDWithOutputRegisters() throws {
        let ram = BlockRAM(depth: 8192, width: 8)
        let module = try Self.probe(ram)
        let files = [GeneratedFile(path: VerilogPrinter.fileName(module), text: VerilogPrinter.text(module)),
                     GeneratedFile(path: ram.name + ".v", text: ram.verilog)]
        #expect(ram.blocks == 4 && ram.verilog.components(separatedBy: ".REGMODE_A(\"OUTREG\")").count == 5)
        let tools = try ECP5PlaceAndRoute.tools(searchFrom: [HardwarePaths.repository])
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("fxc-ecp5-bram-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: cache) }
        let report = try ECP5PlaceAndRoute.run(files: files, top: module.name, requestedMHz: 200, tools: tools, cache: cache)
        #expect(report.dp16kd == 4, "\(report.dp16kd) DP16KD")
        #expect(report.fmaxMHz > 170, "post-route Fmax \(report.fmaxMHz) MHz")
        print(String(format: "block RAM 8192x8 with output registers on ECP5: %.1f MHz, %d DP16KD, %d LUT4, %d FF", report.fmaxMHz,
                     report.dp16kd, report.lut4, report.flipFlops))
    }
}
