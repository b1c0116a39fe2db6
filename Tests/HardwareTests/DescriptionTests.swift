import Hardware
import Testing

/// The description language and its Swift evaluation on small cases worked out by hand.
@Suite struct DescriptionTests {
    /// The example block: counts, offers, holds the input back while an offer waits, resets.
    @Test func upDownCounterSteps() throws {
        let counter = CycleSimulator(try Blocks.upDownCounter())
        func clock(_ valid: UInt64, down: UInt64 = 0, ready: UInt64 = 0, reset: UInt64 = 1) -> [String: [UInt64]] {
            counter.step(["aresetn": [reset], "s_valid": [valid], "s_down": [down], "m_ready": [ready]])
        }
        var seen = clock(1)                           // taken: count 0 → 1, offer pending
        #expect(seen["s_ready"] == [1] && seen["m_valid"] == [0])
        seen = clock(1)                               // not taken: the offer waits
        #expect(seen["s_ready"] == [0] && seen["m_valid"] == [1] && seen["m_count"] == [1])
        seen = clock(0, ready: 1)                     // the offer goes
        #expect(seen["m_valid"] == [1] && seen["m_count"] == [1])
        seen = clock(1, down: 1)                      // 1 → 0
        seen = clock(0, ready: 1)
        #expect(seen["m_count"] == [0])
        _ = clock(1, down: 1)                         // 0 → 255: wraps at 8 bits
        seen = clock(0, ready: 0)
        #expect(seen["m_count"] == [255] && seen["m_valid"] == [1])
        _ = clock(1, reset: 0)                        // reset wins over the step
        seen = clock(0)
        #expect(seen["m_count"] == [0] && seen["m_valid"] == [0] && seen["s_ready"] == [1])
    }

    /// Copies of a register take every update the register takes, set before or after they were made,
    /// and the printed Verilog asks synthesis to keep them apart.
    @Test func copiesOfARegisterHoldWhatItHolds() throws {
        let b = ModuleBuilder("fxh_copies")
        let step = b.input("step", width: 1), load = b.input("load", width: 1), value = b.input("value", width: 8)
        let count = b.register("count", width: 8, reset: 5)
        b.when(step) { b.set(count, count + 1) }
        let copies = b.copies(of: count, count: 3)
        b.when(load) { b.set(count, value) }
        for (k, r) in ([count] + copies).enumerated() { b.output("out\(k)", r) }
        let module = try b.build()
        let simulator = CycleSimulator(module)
        var expected: UInt64 = 5
        _ = simulator.step(["aresetn": [0], "step": [0], "load": [0], "value": [0]])
        for clock in 0..<40 {
            let step = UInt64(clock % 3 == 0 ? 0 : 1), load = UInt64(clock % 7 == 3 ? 1 : 0), value = UInt64(clock * 11 % 256)
            let out = simulator.step(["aresetn": [1], "step": [step], "load": [load], "value": [value]])
            for k in 0..<4 { #expect(out["out\(k)"] == [expected], "clock \(clock), copy \(k)") }
            expected = load == 1 ? value : (expected + step) % 256
        }
        let text = VerilogPrinter.text(module)
        #expect(text.contains("(* keep *)\n    always @(posedge aclk) begin\n        if (!aresetn) begin\n            count_copy0 <= 8'h5;"))
        #expect(module.registers.filter(\.isCopy).map(\.name) == ["count_copy0", "count_copy1", "count_copy2"])
    }

    /// Each operation on values where width and sign matter.
    @Test func operationsMeanWhatTheySay() throws {
        let b = ModuleBuilder("ops")
        let a = b.input("a", width: 8), c = b.input("c", width: 8), k = b.input("k", width: 4)
        let outputs: [(String, Signal)] = [
            ("sum", a + c), ("difference", a - c), ("product", a * c),
            ("wide_product", b.arithmetic(.mul, a, c, width: 16, signed: true)),
            ("lt_unsigned", a.lt(c)), ("lt_signed", a.lt(c, signed: true)), ("ge_signed", a.ge(c, signed: true)),
            ("shr", a >> 3), ("sar", a.shifted(.arithmeticRight, by: 3)), ("shl_var", a << k),
            ("sar_var", a.shifted(.arithmeticRight, by: k)), ("slice", a[6, 2]), ("cat", b.concat(a[3, 0], c[7, 4])),
            ("sext", a.signExtended(to: 12)), ("zext", a.zeroExtended(to: 12)), ("length", a.bitLength),
            ("any", a.anySet), ("all", a.allSet), ("pick", b.pick(k[1, 0], from: [a, c, a + 1, c + 1])),
            ("selected_bit", a.bit(k)),
        ]
        for (name, value) in outputs { b.output(name, value) }
        let simulator = CycleSimulator(try b.build())
        // a = 0xF0 (-16 signed, 240 unsigned), c = 0x11 (17), k = 9
        let out = simulator.step(["a": [0xF0], "c": [0x11], "k": [9]]).mapValues { $0[0] }
        #expect(out["sum"] == 0x01 && out["difference"] == 0xDF && out["product"] == 0xF0)
        #expect(out["wide_product"] == UInt64(bitPattern: Int64(-16 * 17)) & 0xFFFF)
        #expect(out["lt_unsigned"] == 0 && out["lt_signed"] == 1 && out["ge_signed"] == 0)
        #expect(out["shr"] == 0x1E && out["sar"] == 0xFE)
        #expect(out["shl_var"] == 0, "a shift by 9 of an 8-bit value leaves nothing")
        #expect(out["sar_var"] == 0xFF, "an arithmetic shift by 9 leaves the sign")
        #expect(out["slice"] == 0b11100 && out["cat"] == 0x01)
        #expect(out["sext"] == 0xFF0 && out["zext"] == 0x0F0 && out["length"] == 8)
        #expect(out["any"] == 1 && out["all"] == 0)
        #expect(out["pick"] == 0x11, "k[1:0] = 1 picks c")
        #expect(out["selected_bit"] == 0, "bit 9 of an 8-bit value")
        let zero = simulator.step(["a": [0], "c": [0], "k": [3]]).mapValues { $0[0] }
        #expect(zero["length"] == 0 && zero["any"] == 0 && zero["selected_bit"] == 0)
        let ones = simulator.step(["a": [0xFF], "c": [0], "k": [7]]).mapValues { $0[0] }
        #expect(ones["all"] == 1 && ones["selected_bit"] == 1 && ones["sar_var"] == 0xFF)
    }

    /// Registered reads see the word before the same edge's write; asynchronous reads see it now;
    /// a ROM holds its contents; addresses past the depth read 0 and write nothing.
    @Test func memoriesReadAndWriteAsDeclared() throws {
        let b = ModuleBuilder("memories")
        let address = b.input("address", width: 3), data = b.input("data", width: 8), write = b.input("write", width: 1)
        let lut = b.memory("lut", depth: 6, width: 8, readLatency: 0)
        let block = b.memory("block", depth: 6, width: 8, readLatency: 1)
        let rom = b.memory("rom", depth: 5, width: 8, readLatency: 1, contents: [10, 11, 12, 13, 14])
        b.when(write) {
            b.write(lut, at: address, data)
            b.write(block, at: address, data)
        }
        b.output("lut_word", b.read(lut, at: address))
        b.output("block_word", b.read(block, at: address))
        b.output("rom_word", b.read(rom, at: address))
        let simulator = CycleSimulator(try b.build())
        var out = simulator.step(["address": [2], "data": [77], "write": [1]]).mapValues { $0[0] }
        #expect(out["lut_word"] == 0 && out["block_word"] == 0 && out["rom_word"] == 0)
        out = simulator.step(["address": [2], "data": [88], "write": [1]]).mapValues { $0[0] }
        #expect(out["lut_word"] == 77, "the asynchronous read shows the last write")
        #expect(out["block_word"] == 0, "the registered read loaded before the first write landed")
        #expect(out["rom_word"] == 12)
        out = simulator.step(["address": [7], "data": [99], "write": [1]]).mapValues { $0[0] }
        #expect(out["lut_word"] == 0 && out["block_word"] == 77, "past the depth reads 0; the read one clock late")
        out = simulator.step(["address": [2]]).mapValues { $0[0] }
        #expect(out["block_word"] == 0 && out["lut_word"] == 88, "the last read was of address 7")
        #expect((0..<6).compactMap { simulator.word("lut", at: $0) } == [0, 0, 88, 0, 0, 0], "address 7 wrote nothing")
    }

    /// Nested `when`s with `otherwise`, a later `set` winning, and `set(bit:)` composing with it.
    @Test func whenLowersToSelects() throws {
        let b = ModuleBuilder("updates")
        let c1 = b.input("c1", width: 1), c2 = b.input("c2", width: 1)
        let r = b.register("r", width: 4, reset: 5)
        b.when(c1) {
            b.set(r, r + 1)
            b.when(c2) { b.set(r, b.constant(9, width: 4)) }
        } otherwise: {
            b.when(c2) { b.set(r, bit: b.constant(1, width: 2), to: b.one) }
        }
        b.output("value", r)
        let simulator = CycleSimulator(try b.build())
        func clock(_ a: UInt64, _ c: UInt64) -> UInt64 { simulator.step(["c1": [a], "c2": [c]])["value"]![0] }
        #expect(clock(1, 0) == 5)
        #expect(clock(0, 0) == 6, "c1: +1")
        #expect(clock(1, 1) == 6)
        #expect(clock(0, 1) == 9, "c1 and c2: the later set wins")
        #expect(clock(0, 0) == 9 | 2, "not c1, c2: bit 1 set")
        #expect(simulator.step(["aresetn": [0]])["value"] == [11])
        #expect(clock(0, 0) == 5, "reset")
    }

    /// Mistakes are reported together, each with what is wrong.
    @Test func mistakesAreReportedByBuild() {
        let b = ModuleBuilder("broken")
        let a = b.input("a", width: 8), c = b.input("c", width: 4)
        _ = b.input("wide", width: 65)
        _ = a + c
        _ = a[9, 2]
        _ = b.register("a", width: 3, reset: 9)
        _ = b.memory("table", depth: 4, width: 8, readLatency: 2)
        _ = b.constant(300, width: 8)
        do {
            _ = try b.build()
            Issue.record("a broken description was built")
        } catch let error as DescriptionError {
            let text = error.description
            for phrase in ["width 65 is outside 1…64", "+: operands of 8 and 4 bits", "slice [9:2] of a 8-bit value",
                           "register a: reset value 9 does not fit 3 bits", "a: the name is used twice",
                           "read latency 2 is not 0 or 1", "table: not usable as a Verilog and C++ name",
                           "memory table has neither a write port nor contents", "constant 300 does not fit 8 bits"] {
                #expect(text.contains(phrase), "missing \"\(phrase)\" in: \(text)")
            }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
