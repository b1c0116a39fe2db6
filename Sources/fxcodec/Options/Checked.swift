import ArgumentParser
import Foundation
import Golden

/// Every numeric option is read through one of these parsers, so a value out of range is refused
/// while the command line is parsed (exit 64), with the range in the message:
///
///     Error: The value '0' is invalid for '--repeats <repeats>': must be 1...1000, is 0
///
/// Usage: `@Option(parsing: .unconditional, help: "…", transform: Checked.int(1...1000)) var repeats = 5`.
enum Checked {
    struct OutOfRange: Error, CustomStringConvertible {
        var description: String
    }

    /// A whole number in `range`.
    static func int(_ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw OutOfRange(description: "not a whole number; must be \(range.lowerBound)...\(range.upperBound)")
            }
            guard range.contains(value) else {
                throw OutOfRange(description: "must be \(range.lowerBound)...\(range.upperBound), is \(value)")
            }
            return value
        }
    }

    /// A finite number in `range`; `open` excludes the upper bound (`[a, b)`).
    static func number(_ range: ClosedRange<Double>, excludingUpper open: Bool = false,
                       excludingLower openLow: Bool = false) -> @Sendable (String) throws -> Double {
        { text in
            let spelled = "\(openLow ? "(" : "[")\(format(range.lowerBound)), \(format(range.upperBound))\(open ? ")" : "]")"
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw OutOfRange(description: "not a finite number; must be in \(spelled)")
            }
            guard range.contains(value), !(open && value == range.upperBound), !(openLow && value == range.lowerBound) else {
                throw OutOfRange(description: "must be in \(spelled), is \(text)")
            }
            return value
        }
    }

    /// One of a few allowed whole numbers.
    static func oneOf(_ allowed: [Int]) -> @Sendable (String) throws -> Int {
        { text in
            let spelled = allowed.map(String.init).joined(separator: " or ")
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), allowed.contains(value) else {
                throw OutOfRange(description: "must be \(spelled), is \(text)")
            }
            return value
        }
    }

    /// A thread count: 1...1024.
    static let threads = int(1...1024)

    /// A memory budget: "2G", "512M", "3000000000".
    static let budget: @Sendable (String) throws -> MemoryBudget = { text in
        guard let budget = MemoryBudget(parsing: text), budget.bytes >= 1 << 20 else {
            throw OutOfRange(description: "must be a size of at least 1M, such as 512M, 2G or 1.5G")
        }
        return budget
    }

    private static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

/// How many threads a command may use.
struct ThreadsOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Threads, 1...1024 (default: all cores).", valueName: "n"), transform: Checked.threads)
    var threads: Int = processorCount
}

/// How much memory a command that reads images may use.
struct MemoryBudgetOption: ParsableArguments {
    @Option(name: .customLong("memory-budget"), parsing: .unconditional,
            help: ArgumentHelp("Refuse an input whose image data would need more than this (bytes; K, M, G suffixes); "
                               + "checked from the file's header, before anything is allocated.", valueName: "size"),
            transform: Checked.budget)
    var memoryBudget: MemoryBudget = .standard
}
