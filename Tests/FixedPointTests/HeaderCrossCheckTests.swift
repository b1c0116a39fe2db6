import FixedPoint
import Foundation
import Testing

/// The model against the real ap_fixed headers: a generated C++ program runs seeded random cases of
/// every operation, and every result must agree bit for bit (see CrossCheck/ for the plan, the
/// program and the known header bugs).
struct HeaderCrossCheckTests {
    static let seed: UInt64 = 0x0AF1_7ED5_EED5

    @Test("the model agrees bit for bit with ap_fixed.h on 100,000+ random cases")
    func crossCheck() throws {
        let started = ContinuousClock.now
        guard let headers = HeaderProgram.findHeaders() else {
            Issue.record("ap_fixed headers not found: run scripts/setup, or set FXCODEC_AP_TYPES")
            return
        }
        let plan = CrossCheckPlan(seed: Self.seed)
        let (program, compiled) = try HeaderProgram.build(groups: plan.groups, headers: headers)
        let built = ContinuousClock.now
        let (output, failure) = try program.run(plan.cases)
        try #require(failure == nil, "\(failure ?? "")")
        try #require(output.count == plan.cases.count, "the program answered \(output.count) of \(plan.cases.count) cases")

        var mismatches: [String] = []
        var bugCounts: [KnownHeaderBug: Int] = [:]
        var perOperation: [Operation: Int] = [:], mismatchesPerOperation: [Operation: Int] = [:]
        for (c, actual) in zip(plan.cases, output) {
            let group = plan.groups[c.group]
            let expected = ModelAnswer(c, in: group)
            perOperation[c.operation, default: 0] += 1
            if let bug = expected.knownBug { bugCounts[bug, default: 0] += 1 }
            if expected.text.trimmingCharacters(in: .whitespaces) != actual.trimmingCharacters(in: .whitespaces) {
                mismatchesPerOperation[c.operation, default: 0] += 1
                let inputs = c.operation == .fromDouble ? "x = \(String(c.x, radix: 16)) (the double \(Double(bitPattern: c.x)))"
                    : "A bits \(String(c.x, radix: 16)) (\(FixedValue(bits: UInt128(c.x), format: group.a)))"
                    + (group.conversionsOnly ? "" : ", B bits \(String(c.y, radix: 16)) (\(FixedValue(bits: UInt128(c.y), format: group.b))), n = \(c.n)")
                mismatches.append("""
                    \(c.operation) in group \(c.group): A = \(group.a)\(group.conversionsOnly ? "" : ", B = \(group.b)"), T = \(group.t)
                      inputs: \(inputs)
                      headers: \(actual)
                      model:   \(expected.text)\(expected.knownBug.map { " [known: \($0.rawValue)]" } ?? "")
                    """)
            }
        }
        let finished = ContinuousClock.now
        print("""
            ap_fixed cross-check: \(plan.cases.count) cases in \(plan.groups.count) format groups, \
            \(mismatches.count) mismatches; \
            \(compiled ? "compiled" : "reused the compiled program") in \(built - started), \
            ran and compared in \(finished - built)
            """)
        print("  cases per operation: " + Operation.allCases.map { "\($0) \(perOperation[$0] ?? 0)" }.joined(separator: ", "))
        for bug in KnownHeaderBug.allCases {
            print("  known header bug, \(bugCounts[bug] ?? 0) cases: \(bug.rawValue)")
        }
        if !mismatches.isEmpty {
            print("  mismatches per operation: " + Operation.allCases.map { "\($0) \(mismatchesPerOperation[$0] ?? 0)" }.joined(separator: ", "))
            print("the first mismatches:\n" + mismatches.prefix(20).joined(separator: "\n"))
        }
        let caseCount = plan.cases.count, mismatchCount = mismatches.count
        #expect(caseCount >= 100_000)
        #expect(mismatchCount == 0, "cases that differ from the headers (printed above)")
        // The edges the plan promises were reached: both known header bugs occurred and were verified.
        #expect(KnownHeaderBug.allCases.allSatisfy { (bugCounts[$0] ?? 0) > 0 })
    }
}
