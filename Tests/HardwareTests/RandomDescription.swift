import Golden
import Hardware

/// Seeded random descriptions that use every operation at random widths (1…64, with narrow widths
/// frequent), signed and unsigned, with registers under nested `when`s, bit sets, RAMs of both read
/// latencies with merged writes, a ROM, and outputs of one and of several elements: what catches a
/// width or sign mistake in a printer.
struct RandomDescription {
    var rng: SplitMix64
    let b: ModuleBuilder
    var pool: [Signal] = []

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
        b = ModuleBuilder("random_\(String(seed, radix: 16))", summary: "A random description (seed \(seed)).")
    }

    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
    mutating func number(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func width() -> Int {
        switch rng.next() % 10 {
        case 0...4: number(1...8)
        case 5...7: number(9...32)
        default: number(33...64)
        }
    }

    /// A value from the pool, recent ones more often (so chains grow deep).
    mutating func any() -> Signal {
        let recent = chance(60) ? max(0, pool.count - 24) : 0
        return pool[number(recent...(pool.count - 1))]
    }

    /// A value from the pool brought to `width` (extended either way, or truncated).
    mutating func any(width: Int) -> Signal {
        let signed = chance(50)
        return any().resized(to: width, signed: signed)
    }

    /// Bits with the edges (0, all ones, the sign bit alone) more frequent than chance would make them.
    mutating func bits(_ width: Int) -> UInt64 {
        switch rng.next() % 8 {
        case 0: 0
        case 1: Signal.mask(width)
        case 2: 1 << UInt64(width - 1)
        case 3: UInt64(number(0...3)) & Signal.mask(width)
        default: rng.next() & Signal.mask(width)
        }
    }

    mutating func operation() -> Signal {
        let a = any()
        switch rng.next() % 17 {
        case 0: return b.constant(bits: bits(a.width), width: a.width)
        case 1:
            let op = Arithmetic.allCases[number(0...2)]
            return b.arithmetic(op, a, any(), width: width(), signed: chance(50))
        case 2: return [a + any(width: a.width), a - any(width: a.width), a * any(width: a.width)][number(0...2)]
        case 3: return [a & any(width: a.width), a | any(width: a.width), a ^ any(width: a.width), ~a][number(0...3)]
        case 4: return a.compare(Comparison.allCases[number(0...5)], any(width: a.width), signed: chance(50))
        case 5: return b.select(any(width: 1), a, any(width: a.width))
        case 6: return a.shifted(Shift.allCases[number(0...2)], by: number(0...(a.width - 1)))
        case 7:
            // Amounts of a few bits, so they fall both below and above the width.
            let amount = any(width: number(1...7))
            return a.shifted(Shift.allCases[number(0...2)], by: amount)
        case 8:
            let low = number(0...(a.width - 1))
            return a[number(low...(a.width - 1)), low]
        case 9:
            var parts = [a]
            while parts.reduce(0, { $0 + $1.width }) < 64 && chance(60) {
                let next = any()
                if parts.reduce(0, { $0 + $1.width }) + next.width > 64 { break }
                parts.append(next)
            }
            return b.concat(parts)
        case 10: return a.resized(to: number(a.width...64), signed: chance(50))
        case 11: return a.bitLength
        case 12: return chance(50) ? a.anySet : a.allSet
        case 13: return a.bit(any(width: number(1...7)))
        case 14: return b.pick(any(width: number(1...3)), from: (0..<number(2...8)).map { _ in any(width: a.width) })
        case 15: return a.resized(to: number(1...a.width), signed: false)
        default: return a.shifted(.arithmeticRight, by: any(width: number(1...7)))
        }
    }

    /// The description: `steps` random operations over inputs, registers and memory reads.
    static func make(seed: UInt64, steps: Int) throws -> Module {
        var r = RandomDescription(seed: seed)
        let b = r.b
        for k in 0..<6 { r.pool.append(b.input("in\(k)", width: r.width())) }
        r.pool += b.inputs("lanes", count: 3, width: r.width())
        let registers = (0..<8).map { k in
            let w = r.width()
            return b.register("r\(k)", width: w, reset: r.chance(70) ? r.bits(w) : nil)
        }
        r.pool += registers
        let ram = b.memory("lut_ram", depth: r.number(2...20), width: r.width(), readLatency: 0)
        let blockRAM = b.memory("block_ram", depth: 16, width: r.width(), readLatency: 1)
        let romWidth = r.width(), romDepth = r.number(3...12)
        let rom = b.memory("rom_words", depth: romDepth, width: romWidth, readLatency: r.number(0...1),
                           contents: (0..<romDepth).map { _ in r.bits(romWidth) })
        r.pool.append(b.read(ram, at: r.any(width: ram.addressWidth)))
        r.pool.append(b.read(blockRAM, at: r.any(width: blockRAM.addressWidth), enable: r.any(width: 1)))
        r.pool.append(b.read(rom, at: r.any(width: rom.addressWidth)))

        for _ in 0..<steps { r.pool.append(r.operation()) }

        for (k, register) in registers.enumerated() {
            switch k % 4 {
            case 0: b.set(register, r.any(width: register.width))
            case 1: b.when(r.any(width: 1)) { b.set(register, r.any(width: register.width)) }
            case 2:
                b.when(r.any(width: 1)) {
                    b.set(register, r.any(width: register.width))
                    b.when(r.any(width: 1)) { b.set(register, r.any(width: register.width)) } otherwise: {
                        b.set(register, bit: r.any(width: 3), to: r.any(width: 1))
                    }
                }
            default: break  // holds its reset value, or its power-on 0
            }
        }
        for memory in [ram, blockRAM] {
            b.when(r.any(width: 1)) { b.write(memory, at: r.any(width: memory.addressWidth), r.any(width: memory.width)) }
            b.when(r.any(width: 1)) { b.write(memory, at: r.any(width: memory.addressWidth), r.any(width: memory.width)) }
        }
        for k in 0..<24 { b.output("out\(k)", r.any()) }
        let laneWidth = r.width()
        b.output("out_lanes", (0..<4).map { _ in r.any(width: laneWidth) })
        return try b.build()
    }

    /// Random inputs for `clocks` clocks, reset in the first two and now and then.
    static func stimulus(_ module: Module, clocks: Int, seed: UInt64) -> [[UInt64]] {
        var r = RandomDescription(seed: seed)
        return (0..<clocks).map { clock in
            var row: [UInt64] = []
            for p in module.inputs {
                for _ in 0..<p.count { row.append(r.bits(p.width)) }
            }
            row[0] = clock < 2 || r.chance(2) ? 0 : 1
            return row
        }
    }
}
