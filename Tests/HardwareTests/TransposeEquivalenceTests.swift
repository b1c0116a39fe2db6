import CoSim
import Foundation
import Golden
import Hardware
import HLSGen
import Testing

/// The 8×8 ping-pong transpose as a description against the hand-written `fxc_transpose`: one seeded
/// random stimulus (wr_en at random when can_write, rd_en at random when rd_valid, random data and
/// tags, resets at the start and in the middle) through the Swift evaluation, the printed Verilog
/// under Verilator and Icarus, the printed HLS C++ under g++, and the hand-written module under
/// Verilator: the same outputs in every clock. The core's transposes are this description printed.
@Suite struct TransposeEquivalenceTests {
    static let clocks = 6000
    static let described = try! Blocks.transpose(name: "fxh_transpose")

    /// The stimulus, made by a testbench that watches the Swift evaluation's can_write and rd_valid
    /// before it decides wr_en and rd_en; the write and read rates change every 400 clocks so both
    /// buffers run full and empty.
    static func stimulus(seed: UInt64) -> [[UInt64]] {
        let module = described
        var rng = SplitMix64(seed: seed)
        let simulator = CycleSimulator(module)
        let inputNames = module.inputs.flatMap { p in Array(repeating: p.name, count: p.count) }
        let outputNames = module.outputs.flatMap { p in Array(repeating: p.name, count: p.count) }
        let aresetn = inputNames.firstIndex(of: "aresetn")!, wrEn = inputNames.firstIndex(of: "wr_en")!
        let rdEn = inputNames.firstIndex(of: "rd_en")!
        let canWrite = outputNames.firstIndex(of: "can_write")!, rdValid = outputNames.firstIndex(of: "rd_valid")!
        let rates: [(write: UInt64, read: UInt64)] = [(90, 30), (30, 90), (70, 70), (100, 100), (100, 20), (15, 100)]
        var rows: [[UInt64]] = []
        for clock in 0..<clocks {
            var row = (0..<inputNames.count).map { _ in rng.next() }
            row[wrEn] = 0
            row[rdEn] = 0
            row[aresetn] = clock < 3 || (3000..<3002).contains(clock) ? 0 : 1
            let seen = simulator.evaluate(row)
            let rate = rates[(clock / 400) % rates.count]
            row[wrEn] = seen[canWrite] == 1 && rng.next() % 100 < rate.write ? 1 : 0
            row[rdEn] = seen[rdValid] == 1 && rng.next() % 100 < rate.read ? 1 : 0
            _ = simulator.step(row)
            rows.append(row)
        }
        return rows
    }

    /// The hand-written module (its default widths are the description's).
    static func handWritten() throws -> HardwareSimulators.VerilogDesign {
        let file = GeneratedFile(path: "\(HandWrittenTranspose.name).v", text: HandWrittenTranspose.text())
        return HardwareSimulators.VerilogDesign(top: HandWrittenTranspose.name, ports: described, files: [file])
    }

    @Test func everySimulatorShowsTheSameOutputsEveryClock() throws {
        let module = Self.described
        let stimulus = Self.stimulus(seed: 0x7A45_0001)
        let swift = HardwareSimulators.swift(module, stimulus).known

        // The stimulus does what it should: blocks go through, both buffers fill, reads stall.
        let outputNames = module.outputs.flatMap { p in Array(repeating: p.name, count: p.count) }
        let inputNames = module.inputs.flatMap { p in Array(repeating: p.name, count: p.count) }
        let rdValid = outputNames.firstIndex(of: "rd_valid")!, canWrite = outputNames.firstIndex(of: "can_write")!
        let rdEn = inputNames.firstIndex(of: "rd_en")!
        let reads = stimulus.filter { $0[rdEn] == 1 }.count
        #expect(reads > 8 * 300, "cross-lines read: \(reads)")
        #expect(swift.filter { $0[canWrite] == 0 }.count > 500, "clocks with both buffers full")
        #expect(zip(swift, stimulus).filter { $0[rdValid] == 1 && $1[rdEn] == 0 }.count > 200, "reads held back")

        let design = HardwareSimulators.VerilogDesign(module)
        let verilator = try HardwareSimulators.verilator(design, stimulus, cache: HardwarePaths.cache)
        #expect(firstDifference(swift, verilator.outputs, ports: module) == nil, "Swift vs printed Verilog (Verilator)")
        let reference = try HardwareSimulators.verilator(try Self.handWritten(), stimulus, cache: HardwarePaths.cache)
        #expect(firstDifference(swift, reference.outputs, ports: module) == nil, "Swift vs hand-written fxc_transpose (Verilator)")
        let icarus = try HardwareSimulators.icarus(design, stimulus, scratch: HardwarePaths.scratch)
        #expect(firstDifference(swift, icarus.outputs, ports: module) == nil, "Swift vs printed Verilog (Icarus)")
        let hls = try HardwareSimulators.hls(module, stimulus, cache: HardwarePaths.cache, apTypes: try HardwarePaths.apTypes)
        #expect(firstDifference(swift, hls.outputs, ports: module) == nil, "Swift vs printed HLS C++ (g++)")
    }

    /// The registered read and the registered `can_write` the core uses: on the same stimulus every
    /// output is the plain module's in every clock (each copy of `can_write` its `can_write`), except
    /// `rd_data`, which in the clock after each read shows the cross-line the plain module showed when
    /// it was read; Verilator and g++ run its printed renderings alike.
    @Test func aRegisteredReadShowsTheCrossLineOneClockLater() throws {
        let registered = try Blocks.transpose(name: "fxh_transpose_registered", registeredRead: true, readyCopies: 3)
        let stimulus = Self.stimulus(seed: 0x7A45_0003)
        let plain = HardwareSimulators.swift(Self.described, stimulus).known
        let swift = HardwareSimulators.swift(registered, stimulus).known
        let names = registered.outputs.flatMap { p in Array(repeating: p.name, count: p.count) }
        let plainNames = Self.described.outputs.flatMap { p in Array(repeating: p.name, count: p.count) }
        // Output k of the registered module against the plain module's output of the same name and element.
        let counterpart = names.indices.map { k -> Int in
            let name = names[k] == "can_write_copies" ? "can_write" : names[k]
            let element = names[..<k].filter { $0 == names[k] }.count
            return plainNames.indices.filter { plainNames[$0] == name }[names[k] == "can_write_copies" ? 0 : element]
        }
        let data = names.indices.filter { names[$0] == "rd_data" }
        let rdEn = registered.inputs.flatMap { p in Array(repeating: p.name, count: p.count) }.firstIndex(of: "rd_en")!
        #expect(data.count == 8 && names.filter { $0 == "can_write_copies" }.count == 3)
        var differences: [String] = [], reads = 0
        for clock in 0..<(stimulus.count - 1) {
            for k in names.indices where !data.contains(k) && swift[clock][k] != plain[clock][counterpart[k]] {
                differences.append("clock \(clock), \(names[k]): \(swift[clock][k]) against \(plain[clock][counterpart[k]])")
            }
            guard stimulus[clock][rdEn] == 1 else { continue }
            reads += 1
            for k in data where swift[clock + 1][k] != plain[clock][counterpart[k]] {
                differences.append("read at clock \(clock), rd_data lane \(k - data[0]): \(swift[clock + 1][k]) against \(plain[clock][counterpart[k]])")
            }
        }
        #expect(reads > 8 * 300, "cross-lines read: \(reads)")
        #expect(differences.isEmpty, "\(differences.count) differences, the first: \(differences.first ?? "")")
        let verilator = try HardwareSimulators.verilator(HardwareSimulators.VerilogDesign(registered), stimulus, cache: HardwarePaths.cache)
        #expect(firstDifference(swift, verilator.outputs, ports: registered) == nil, "Swift vs printed Verilog (Verilator)")
        let hls = try HardwareSimulators.hls(registered, stimulus, cache: HardwarePaths.cache, apTypes: try HardwarePaths.apTypes)
        #expect(firstDifference(swift, hls.outputs, ports: registered) == nil, "Swift vs printed HLS C++ (g++)")
    }

    /// The staged write the core uses: lines land in the banks a clock after they are taken, and the
    /// first cross-line read in the clock the last line lands takes it from the stage. On a stimulus
    /// where reads follow fills at once (read rate 100 % in some phases), every output equals the
    /// registered-read module's in every clock where it is used; the reads that needed the stage are counted, and its
    /// printed Verilog (Verilator) and C++ (g++) equal its Swift evaluation.
    @Test func aStagedWriteChangesNoOutput() throws {
        let registered = try Blocks.transpose(name: "fxh_transpose_registered", registeredRead: true, readyCopies: 2)
        let staged = try Blocks.transpose(name: "fxh_transpose_staged", registeredRead: true, readyCopies: 2, stagedWrite: true)
        let stimulus = Self.stimulus(seed: 0x7A45_0004)
        let expected = HardwareSimulators.swift(registered, stimulus).known
        let swift = HardwareSimulators.swift(staged, stimulus).known
        #expect(registered.outputs.map(\.name) == staged.outputs.map(\.name))
        let names = staged.outputs.flatMap { p in Array(repeating: p.name, count: p.count) }
        let inputs = staged.inputs.flatMap { p in Array(repeating: p.name, count: p.count) }
        let (wrEn, rdEn) = (inputs.firstIndex(of: "wr_en")!, inputs.firstIndex(of: "rd_en")!)
        let (rdValid, rdIndex) = (names.firstIndex(of: "rd_valid")!, names.firstIndex(of: "rd_index")!)
        var differences: [String] = []
        // rd_tag counts while rd_valid and rd_data in the clock after a read, where a reader uses them
        // (a tag lands with its first line, so before the buffer is full it may show the old one).
        func used(_ k: Int, _ clock: Int) -> Bool {
            switch names[k] {
            case "rd_tag": expected[clock][rdValid] == 1
            case "rd_data": clock > 0 && stimulus[clock - 1][rdEn] == 1
            default: true
            }
        }
        for (clock, (want, got)) in zip(expected, swift).enumerated() {
            for k in names.indices where want[k] != got[k] && used(k, clock) {
                differences.append("clock \(clock), \(names[k]): \(got[k]) against \(want[k])")
            }
        }
        // A first cross-line read in the first clock its buffer is full, the clock after its last line
        // was taken: that line is still in the stage.
        let metTheStage = (1..<stimulus.count).filter { c in
            stimulus[c][rdEn] == 1 && expected[c][rdIndex] == 0 && expected[c - 1][rdValid] == 0 && stimulus[c - 1][wrEn] == 1
        }.count
        #expect(metTheStage > 20, "reads that met a staged line: \(metTheStage)")
        #expect(differences.isEmpty, "\(differences.count) differences, the first: \(differences.first ?? "")")
        let verilator = try HardwareSimulators.verilator(HardwareSimulators.VerilogDesign(staged), stimulus, cache: HardwarePaths.cache)
        #expect(firstDifference(swift, verilator.outputs, ports: staged) == nil, "Swift vs printed Verilog (Verilator)")
        let hls = try HardwareSimulators.hls(staged, stimulus, cache: HardwarePaths.cache, apTypes: try HardwarePaths.apTypes)
        #expect(firstDifference(swift, hls.outputs, ports: staged) == nil, "Swift vs printed HLS C++ (g++)")
    }

    /// The hand-written module under Icarus starts with unknown memories and tags (no power-on
    /// values); wherever it shows known bits, and always while rd_valid is 1, they are the Swift ones.
    @Test func handWrittenUnderIcarusAgreesWhereItKnows() throws {
        let module = Self.described
        let stimulus = Array(Self.stimulus(seed: 0x7A45_0002).prefix(2500))
        let swift = HardwareSimulators.swift(module, stimulus)
        let icarus = try HardwareSimulators.icarus(try Self.handWritten(), stimulus, scratch: HardwarePaths.scratch)
        let rdValid = module.outputs.flatMap { p in Array(repeating: p.name, count: p.count) }.firstIndex(of: "rd_valid")!
        var unknown = 0, differences: [String] = []
        for (clock, (expected, shown)) in zip(swift, icarus.outputs).enumerated() {
            for (k, value) in shown.enumerated() {
                if value == nil { unknown += 1 }
                if let value, value != expected[k] { differences.append("clock \(clock), output \(k): \(value) against \(expected[k])") }
                if value == nil && expected[rdValid] == 1 { differences.append("clock \(clock), output \(k): x while rd_valid") }
            }
        }
        #expect(differences.isEmpty, "\(differences.count) differences, the first: \(differences.first ?? "")")
        #expect(unknown > 0, "the hand-written module shows x before its buffers are written")
    }

    /// The Verilog core's transposes are this description printed: each instance names a module
    /// `fxc_transpose_w<W>` whose file is the printed description with that word width, and W is the
    /// width of the cross-lines the core reads from the instance.
    @Test(arguments: DatapathConfig.presets)
    func theCoreInstantiatesThePrintedDescription(_ config: DatapathConfig) throws {
        let files = try RTLDesign(config: config, quality: 75).coreFiles(command: "HardwareTests")
        let core = try #require(files.first { $0.path == "fxc_core_x8.v" }).text
        let instances = core.split(separator: "\n").compactMap { $0.firstMatch(of: /^    fxc_transpose_w(\d+) (t\d) \($/) }
        #expect(instances.map { String($0.2) } == ["t1", "t2"], "\(config.name): transpose instances")
        for instance in instances {
            let width = try #require(Int(instance.1)), name = "fxc_transpose_w\(width)"
            #expect(core.contains("wire [\(width - 1):0] \(instance.2)_rd_data_0;"), "\(config.name): \(instance.2) reads \(width)-bit words")
            let file = try #require(files.first { $0.path == "\(name).v" }, "\(config.name): no file for \(name)")
            let printed = VerilogPrinter.text(try Blocks.transpose(name: name, width: width, tagWidth: 2, registeredRead: true,
                                                                   readyCopies: TransposeModule.readyCopies, stagedWrite: true))
            #expect(file.text.hasSuffix(printed), "\(config.name): \(name).v is not the printed description")
        }
        #expect(!files.contains { $0.path == "\(HandWrittenTranspose.name).v" }, "\(config.name): the hand-written module is still emitted")
    }
}
