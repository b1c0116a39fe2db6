import ArgumentParser
import FixedPoint
import Foundation

/// `fxcodec fixed`: what an ap_fixed type stores for a value, bit for bit as the Xilinx headers do
/// (`fxcodec fixed 'ap_fixed<8,3,AP_RND_CONV,AP_SAT>' 3.14159`), or, with --bench, how fast the model is.
struct Fixed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what an ap_fixed/ap_ufixed/ap_int type stores for a value: exact value, raw bits, error, overflow.",
        discussion: """
            The value is read as a C++ double and converted as `TYPE v = value;` does: rounded once with \
            the type's quantization mode, then its overflow mode applied. The error is stored − double(value), exact.
            """)

    // One array, so that a negative value such as -1.5 is taken as the value, not as an option.
    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("The type in C++ spelling (quote it), then the value: 'ap_fixed<8,3,AP_RND_CONV,AP_SAT>' -1.7",
                                 valueName: "type> <value"))
    var operands: [String] = []

    var type: String? { operands.first }
    var value: String? { operands.count > 1 ? operands[1] : nil }

    @Flag(help: "Print JSON (keys: type, input, value, raw_binary, raw_hex, error, overflow).")
    var json = false

    @Flag(help: "Instead: measure ns per operation of the model (fit, add, multiply, conversion from double).")
    var bench = false

    struct Report: Encodable {
        var type: String
        var input: String
        var value: String
        var rawBinary: String
        var rawHex: String
        var error: String
        var overflow: Bool

        enum CodingKeys: String, CodingKey {
            case type, input, value, rawBinary = "raw_binary", rawHex = "raw_hex", error, overflow
        }
    }

    func validate() throws {
        if bench { return }
        guard operands.count == 2, let type, let value else {
            throw ValidationError("give a type and a value, e.g. fxcodec fixed 'ap_fixed<8,3>' 1.7 (got \(operands.count) operand\(operands.count == 1 ? "" : "s"))")
        }
        do { _ = try FixedFormat(parsing: type) } catch { throw ValidationError("\(error)") }
        guard let x = Double(value) else { throw ValidationError("'\(value)' is not a number") }
        guard x.isFinite else { throw ValidationError("the value must be finite, not \(value)") }
    }

    func run() throws {
        if bench { return try FixedBenchmark.run(json: json) }
        guard let type, let value, let x = Double(value) else { return }   // validate() has checked both
        let format = try FixedFormat(parsing: type)
        let (stored, overflowed) = FixedValue.converting(x, to: format)
        let report = Report(type: format.description, input: value, value: stored.description,
                            rawBinary: stored.binaryText, rawHex: stored.hexText,
                            error: stored.decimalDifference(from: x), overflow: overflowed)
        if json { return try printJSON(report) }
        let integer = stored.raw.map { "\($0)" } ?? "\(stored.bits)"
        print("""
            \(report.type) = \(value)
              value     \(report.value)
              raw       0b\(report.rawBinary)  0x\(report.rawHex)  (\(integer) × 2^\(-format.fractionBits))
              error     \(report.error.hasPrefix("-") ? "" : "+")\(report.error)  (stored − input)
              overflow  \(overflowed ? "yes: \(format.overflow.rawValue) changed the rounded value" : "no")
            """)
    }
}

/// Speed of the model's primitives, measured in this process (the best of several passes).
enum FixedBenchmark {
    struct Figure: Encodable {
        var operation: String
        var nsPerOperation: Double
    }

    static func run(json: Bool) throws {
        let format = try FixedFormat(parsing: "ap_fixed<18,6,AP_RND_CONV,AP_SAT>")
        let a = try FixedFormat(parsing: "ap_fixed<16,4>"), b = try FixedFormat(parsing: "ap_fixed<14,2,AP_RND>")
        var rng = SystemRandomNumberGenerator()
        let n = 4096
        let raws = (0..<n).map { _ in Int.random(in: -(1 << 26)...(1 << 26), using: &rng) }
        let doubles = raws.map { Double($0) / 1_048_576 }
        let xs = doubles.map { FixedValue($0, as: a) }, ys = doubles.map { FixedValue($0 / 3, as: b) }

        var checksum = 0
        let figures = [
            Figure(operation: "fit (ap_fixed<18,6,AP_RND_CONV,AP_SAT>, from 20 fraction bits)",
                   nsPerOperation: nanoseconds(per: n) {
                       var sum = 0
                       for r in raws { sum &+= format.fit(raw: r, fractionBits: 20).value }
                       checksum &+= sum
                   }),
            Figure(operation: "add (ap_fixed<16,4> + ap_fixed<14,2>)", nsPerOperation: nanoseconds(per: n) {
                var sum = 0
                for i in 0..<n { sum &+= Int(truncatingIfNeeded: (xs[i] + ys[i]).bits) }
                checksum &+= sum
            }),
            Figure(operation: "multiply (ap_fixed<16,4> * ap_fixed<14,2>)", nsPerOperation: nanoseconds(per: n) {
                var sum = 0
                for i in 0..<n { sum &+= Int(truncatingIfNeeded: (xs[i] * ys[i]).bits) }
                checksum &+= sum
            }),
            Figure(operation: "conversion from Double (ap_fixed<18,6,AP_RND_CONV,AP_SAT>)",
                   nsPerOperation: nanoseconds(per: n) {
                       var sum = 0
                       for x in doubles { sum &+= Int(truncatingIfNeeded: FixedValue(x, as: format).bits) }
                       checksum &+= sum
                   }),
        ]
        if json { return try printJSON(figures) }
        for f in figures { print(String(format: "%8.2f ns/op  %@", f.nsPerOperation, f.operation)) }
        print("(checksum \(checksum & 0xffff), so that no loop is optimised away)")
    }

    /// Best time of one pass over `count` operations, in ns per operation.
    private static func nanoseconds(per count: Int, _ pass: () -> Void) -> Double {
        let clock = ContinuousClock()
        var best = Duration.seconds(1_000)
        for _ in 0..<200 { best = min(best, clock.measure(pass)) }
        let (seconds, attoseconds) = best.components
        return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(count)
    }
}
