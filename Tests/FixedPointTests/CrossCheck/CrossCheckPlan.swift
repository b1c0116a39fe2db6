import FixedPoint

/// The operations of the cross-check program, by the number the C++ side switches on.
enum Operation: Int, CaseIterable {
    case fromDouble, convert, add, subtract, multiply, divide, negate, shift, compare, types
}

/// Compile-time formats: operands A and B, and a target T that results are also converted into.
/// A conversion group only converts (a double or an A into T), which compiles much faster.
struct Group {
    let index: Int
    let a: FixedFormat, b: FixedFormat, t: FixedFormat
    let conversionsOnly: Bool

    var cppName: String { "g\(index)" }
    var cppDefinition: String {
        let call = conversionsOnly ? "convert<\(a), \(t)>" : "run<\(a), \(b), \(t)>"
        return "void \(cppName)(std::string& o, int op, uint64_t x, uint64_t y, int n) { \(call)(o, op, x, y, n); }"
    }
}

/// One line of input: an operation of a group on A's bits x (or a double's bits), B's bits y, count n.
struct Case {
    let group: Int
    let operation: Operation
    let x: UInt64, y: UInt64, n: Int

    var inputLine: String { "\(group) \(operation.rawValue) \(String(x, radix: 16)) \(String(y, radix: 16)) \(n)" }
}

/// The seeded choice of formats and cases: every quantization × overflow mode (N = 0, 1, ≥2 for the
/// wrapping ones) as a target, signed and unsigned; widths biased to 1, 2, 31–33, 63, 64; binary points
/// inside, left of (I < 0) and right of (I > W) the stored bits; values biased to the minimum, the
/// maximum, ±1 LSB, ties and carries across the overflow boundary.
struct CrossCheckPlan {
    let groups: [Group]
    let cases: [Case]

    static let conversionsPerGroup = 800      // half from doubles, half from A
    static let casesPerOperation = 130

    init(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var groups: [Group] = []
        func add(a: FixedFormat, b: FixedFormat? = nil, t: FixedFormat) {
            groups.append(Group(index: groups.count, a: a, b: b ?? a, t: t, conversionsOnly: b == nil))
        }
        // Every mode combination as a conversion target, signed and unsigned (AP_WRAP_SM: signed twice).
        var combinations: [(FixedFormat.Quantization, FixedFormat.Overflow, Int)] = []
        for q in FixedFormat.Quantization.allCases {
            for o in FixedFormat.Overflow.allCases {
                for n in (o == .wrap || o == .wrapSignMagnitude ? [0, 1, 2] : [0]) { combinations.append((q, o, n)) }
            }
        }
        for (q, o, n) in combinations {
            for signed in o == .wrapSignMagnitude ? [true, true] : [true, false] {
                let t = Self.randomFormat(&rng, isSigned: signed, quantization: q, overflow: o, saturationBits: n)
                add(a: Self.randomFormat(&rng), t: t)
            }
        }
        // Doubles far from 1: subnormals (read with the hidden bit), huge values and infinities.
        for text in ["ap_ufixed<8,-1016>", "ap_fixed<16,-1020,AP_RND_CONV,AP_SAT>",
                     "ap_fixed<8,1030,AP_RND,AP_SAT_SYM>", "ap_ufixed<64,1100,AP_RND_INF,AP_WRAP,3>"] {
            add(a: Self.randomFormat(&rng), t: try! FixedFormat(parsing: text))
        }
        // Operators, with A and B in every mode, and their results converted into targets of every mode.
        for i in 0..<40 {
            let (q, o, n) = combinations[(i * 5) % combinations.count]   // 5 is prime to 63: all distinct
            let t = Self.randomFormat(&rng, isSigned: o == .wrapSignMagnitude || rng.chance(0.6),
                                      quantization: q, overflow: o, saturationBits: n)
            var a: FixedFormat, b: FixedFormat
            repeat {
                a = Self.randomFormat(&rng)
                b = Self.randomFormat(&rng)
            } while !Self.operatorsFit(a, b)
            add(a: a, b: b, t: t)
        }
        self.groups = groups

        var cases: [Case] = []
        for g in groups {
            if g.conversionsOnly {
                for i in 0..<Self.conversionsPerGroup {
                    let x = i % 2 == 0 ? Self.edgyDouble(for: g.t, &rng).bitPattern : Self.edgyBits(g.a, towards: g.t, &rng)
                    cases.append(Case(group: g.index, operation: i % 2 == 0 ? .fromDouble : .convert, x: x, y: 0, n: 0))
                }
                continue
            }
            cases.append(Case(group: g.index, operation: .types, x: 0, y: 0, n: 0))
            for operation in Operation.allCases where operation != .types {
                for _ in 0..<Self.casesPerOperation {
                    cases.append(Self.operatorCase(g, operation, &rng))
                }
            }
        }
        self.cases = cases
    }

    /// The full-precision results of A and B fit the model (and so the operands' alignment does).
    static func operatorsFit(_ a: FixedFormat, _ b: FixedFormat) -> Bool {
        (try? (a.sumFormat(with: b), a.differenceFormat(with: b), a.quotientFormat(dividingBy: b))) != nil
    }

    static func randomFormat(_ rng: inout SeededGenerator, isSigned: Bool? = nil,
                             quantization: FixedFormat.Quantization? = nil, overflow: FixedFormat.Overflow? = nil,
                             saturationBits: Int? = nil) -> FixedFormat {
        let width = rng.chance(0.35) ? rng.pick([1, 2, 3, 31, 32, 33, 63, 64]) : Int.random(in: 1...64, using: &rng)
        let integerBits: Int
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1: integerBits = -Int.random(in: 1...12, using: &rng)
        case 2, 3: integerBits = width + Int.random(in: 1...12, using: &rng)
        case 4: integerBits = rng.pick([0, 1, width])
        default: integerBits = Int.random(in: 0...width, using: &rng)
        }
        let q = quantization ?? rng.pick(FixedFormat.Quantization.allCases)
        let o = overflow ?? rng.pick(FixedFormat.Overflow.allCases)
        let signed = o == .wrapSignMagnitude || (isSigned ?? rng.chance(0.6))
        var n = 0
        if let saturationBits {
            // N ≥ 2 asks for a random N from 2 up to W.
            n = saturationBits >= 2 && width >= 2 ? Int.random(in: 2...width, using: &rng) : min(saturationBits, width)
        } else if o == .wrap || o == .wrapSignMagnitude || rng.chance(0.1) {
            n = rng.chance(0.5) ? 0 : Int.random(in: 0...width, using: &rng)
        }
        return try! FixedFormat(width: width, integerBits: integerBits, isSigned: signed,
                                quantization: q, overflow: o, saturationBits: n)
    }

    /// Stored bits of format f: often the minimum, the maximum, 0, ±1 or near them; else random.
    static func edgyBits(_ f: FixedFormat, _ rng: inout SeededGenerator) -> UInt64 {
        let mask = UInt64.max >> (64 - f.width)
        let minimum: Int128 = f.isSigned ? -(1 << (f.width - 1)) : 0
        let maximum: Int128 = f.isSigned ? (1 << (f.width - 1)) - 1 : (1 << f.width) - 1
        let near = Int128.random(in: -3...3, using: &rng)
        let raw: Int128
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: raw = minimum + max(near, 0)
        case 1: raw = maximum + min(near, 0)
        case 2: raw = near
        case 3: return UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng) & mask
        default: return UInt64.random(in: 0...UInt64.max, using: &rng) & mask
        }
        return UInt64(truncatingIfNeeded: raw) & mask
    }

    /// Stored bits of format a, often a tie (or just off one) at t's LSB when t has fewer fraction bits.
    static func edgyBits(_ a: FixedFormat, towards t: FixedFormat, _ rng: inout SeededGenerator) -> UInt64 {
        let dropped = a.fractionBits - t.fractionBits
        guard dropped >= 1 && dropped < a.width && rng.chance(0.4) else { return edgyBits(a, &rng) }
        let half = UInt64(1) << (dropped - 1)
        let fraction = rng.pick([half, half, half - 1, half + 1, 0])
        return ((edgyBits(a, &rng) >> dropped) << dropped | fraction) & (UInt64.max >> (64 - a.width))
    }

    /// Doubles for a target t: stored integers near t's bounds (or anywhere in or beyond its range) plus
    /// a fraction of an LSB (0, exactly half, just off half, or random); random doubles across t's
    /// range; and special values.
    static func edgyDouble(for t: FixedFormat, _ rng: inout SeededGenerator) -> Double {
        let minimum: Int128 = t.isSigned ? -(1 << (t.width - 1)) : 0
        let maximum: Int128 = t.isSigned ? (1 << (t.width - 1)) - 1 : (1 << t.width) - 1
        let sign: Double = rng.chance(0.5) ? -1 : 1
        switch Int.random(in: 0..<20, using: &rng) {
        case 0:
            return rng.pick([0.0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                             .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, 1, -1])
        case 1:
            return sign * Double(bitPattern: UInt64.random(in: 1..<(1 << 52), using: &rng))     // subnormal
        case 2...9:
            let near = Int128.random(in: -3...3, using: &rng)
            let k: Int128 = switch Int.random(in: 0..<5, using: &rng) {
            case 0: minimum + near
            case 1: maximum + near
            case 2: near
            case 3: Int128.random(in: minimum...maximum, using: &rng)
            default: Int128.random(in: minimum...maximum, using: &rng) << Int.random(in: 1...3, using: &rng)
            }
            let g = Int.random(in: 1...12, using: &rng)
            let half: Int128 = 1 << (g - 1)
            let fraction: Int128 = rng.pick([0, half, half, half - 1, half + 1, Int128.random(in: 0..<(2 * half), using: &rng)])
            // x = (k + fraction / 2^g) · 2^-F, rounded to a double if it has more than 53 significant bits.
            return Double(sign: .plus, exponent: -(t.fractionBits + g), significand: Double((k << g) + fraction))
        default:
            let exponent = Int.random(in: (-t.fractionBits - 12)...(t.integerBits + 12), using: &rng)
            let significand = Double(UInt64.random(in: (1 << 52)..<(1 << 53), using: &rng))
            return sign * Double(sign: .plus, exponent: exponent - 52, significand: significand)
        }
    }

    static func operatorCase(_ g: Group, _ operation: Operation, _ rng: inout SeededGenerator) -> Case {
        var x = edgyBits(g.a, &rng), y = edgyBits(g.b, &rng), n = 0
        switch operation {
        case .shift:
            n = rng.chance(0.15) ? 0 : Int.random(in: -(g.a.width + 3)...(g.a.width + 3), using: &rng)
        case .divide:
            if rng.chance(0.1) {        // the minimum divided by −1 LSB: where the headers' quotient wraps
                x = UInt64(1) << (g.a.width - 1)
                y = UInt64.max >> (64 - g.b.width)
            }
            if y == 0 { y = 1 }
        case .compare where rng.chance(0.3):
            // A value of B close to (often equal to) a.
            y = UInt64(truncatingIfNeeded: FixedValue(FixedValue(bits: UInt128(x), format: g.a), as: g.b).bits)
        default:
            break
        }
        return Case(group: g.index, operation: operation, x: x, y: y, n: n)
    }
}
