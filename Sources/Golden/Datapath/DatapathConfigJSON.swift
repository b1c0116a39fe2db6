import Foundation

// Configuration files, read strictly: every key must be a known one, every value of the expected
// type, and each problem is reported as `<file>: <key path>: <problem>`.

extension DatapathConfig {
    /// The one way in from a file: decodes `data` strictly and validates the result. Errors name
    /// `source`, the key path and the problem, e.g.
    /// `lean.json: registers.quantized.bits: expected an integer, found the string "9"`.
    public static func parse(_ data: Data, source: String) throws(ConfigError) -> DatapathConfig {
        do throws(ConfigError) {
            let config = try DatapathConfig(strict: try JSONValue.read(data), at: [])
            try config.validate()
            return config
        } catch {
            var located = error
            located.source = source
            throw located
        }
    }

    /// The JSON keys, in the order a file usually lists them.
    static let keys = ["name", "dct_constant_bits", "fdct_pass1_bits", "idct_pass1_bits",
                       "quantizer_reciprocal_bits", "quant_table_bits", "color_bits", "range_limit",
                       "registers"]

    /// Missing keys take the libjpeg defaults (the name "custom"), so a file names only what it changes.
    init(strict value: JSONValue, at path: [String]) throws(ConfigError) {
        let object = try JSONObject(value, at: path, validKeys: Self.keys)
        var c = DatapathConfig.libjpeg
        c.name = try object.string("name") ?? "custom"
        c.dctConstantBits = try object.integer("dct_constant_bits") ?? c.dctConstantBits
        c.fdctPass1Bits = try object.integer("fdct_pass1_bits") ?? c.fdctPass1Bits
        c.idctPass1Bits = try object.integer("idct_pass1_bits") ?? c.idctPass1Bits
        c.quantizerReciprocalBits = try object.integer("quantizer_reciprocal_bits") ?? c.quantizerReciprocalBits
        c.quantTableBits = try object.integer("quant_table_bits") ?? c.quantTableBits
        c.colorBits = try object.integer("color_bits") ?? c.colorBits
        c.rangeLimit = try object.choice("range_limit") ?? c.rangeLimit
        if let named = try object.object("registers", validKeys: Register.all.map(\.description)) {
            for key in named.members.keys.sorted() {
                let r = Register.named(key)!
                let spec = try RegisterSpec(strict: named.members[key]!, at: named.path + [key])
                if let fixed = r.definition.fixed, spec == fixed { continue }   // fixed; may be spelled out
                c.registers[r] = spec
            }
        }
        self = c
    }
}

extension RegisterSpec {
    static let keys = ["bits", "overflow"]

    /// `bits` missing or null keeps full precision; `overflow` missing is `saturate`.
    init(strict value: JSONValue, at path: [String]) throws(ConfigError) {
        let object = try JSONObject(value, at: path, validKeys: Self.keys)
        let bits = try object.members["bits"] == .null ? nil : object.integer("bits")
        self.init(bits: bits, overflow: try object.choice("overflow") ?? .saturate)
    }
}

/// One JSON object under a key path, whose keys have been checked against the valid ones.
struct JSONObject {
    let path: [String]
    let members: [String: JSONValue]

    init(_ value: JSONValue, at path: [String], validKeys: [String]) throws(ConfigError) {
        guard case .object(let members) = value else {
            throw ConfigError(path, "expected an object, found \(value.found)")
        }
        // Sorted, so that a file with several unknown keys always reports the same one.
        if let unknown = members.keys.sorted().first(where: { !validKeys.contains($0) }) {
            let hint = closest(to: unknown, among: validKeys).map { "did you mean \($0)? " } ?? ""
            throw ConfigError(path + [unknown], "unknown key; \(hint)valid keys: "
                              + validKeys.joined(separator: ", "))
        }
        (self.path, self.members) = (path, members)
    }

    func integer(_ key: String) throws(ConfigError) -> Int? {
        guard let v = members[key] else { return nil }
        guard case .integer(let n) = v else { throw mismatch(key, expected: "an integer", v) }
        return n
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = members[key] else { return nil }
        guard case .string(let s) = v else { throw mismatch(key, expected: "a string", v) }
        return s
    }

    /// One of an enumeration's spellings.
    func choice<T: CaseIterable & RawRepresentable<String>>(_ key: String) throws(ConfigError) -> T? {
        guard let v = members[key] else { return nil }
        let spellings = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
        guard case .string(let s) = v, let choice = T(rawValue: s) else {
            throw mismatch(key, expected: spellings, v)
        }
        return choice
    }

    func object(_ key: String, validKeys: [String]) throws(ConfigError) -> JSONObject? {
        guard let v = members[key] else { return nil }
        return try JSONObject(v, at: path + [key], validKeys: validKeys)
    }

    private func mismatch(_ key: String, expected: String, _ found: JSONValue) -> ConfigError {
        ConfigError(path + [key], "expected \(expected), found \(found.found)")
    }
}

/// A JSON value as written, before it is checked against what its key expects.
enum JSONValue: Decodable, Equatable {
    case null, boolean(Bool), integer(Int), number(Double), string(String)
    case array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .boolean(b) }
        else if let n = try? c.decode(Int.self) { self = .integer(n) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// What was found, for a message: `the string "9"`, `the number 9.5`, `an array`.
    var found: String {
        switch self {
        case .null: "null"
        case .boolean(let b): "the boolean \(b)"
        case .integer(let n): "the number \(n)"
        case .number(let x): "the number \(x)"
        case .string(let s): s.count <= 40 ? "the string \"\(s)\"" : "the string \"\(s.prefix(37))...\""
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Parses `data`; invalid JSON is reported with Foundation's reason and, when Foundation gives
    /// a byte offset, its line and column.
    static func read(_ data: Data) throws(ConfigError) -> JSONValue {
        if data.isEmpty { throw ConfigError([], "the file is empty (expected a JSON object)") }
        do { return try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw ConfigError([], "not valid JSON: " + syntaxProblem(in: data))
        }
    }

    /// JSONDecoder does not say where JSON is broken; JSONSerialization says "… around character N."
    /// (N a byte offset from 0), which becomes "… at line L, column C".
    private static func syntaxProblem(in data: Data) -> String {
        do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            guard let match = text.firstMatch(of: /around character (\d+)/), let offset = Int(match.1),
                  offset <= data.count else { return text }
            let before = data.prefix(offset)
            let line = before.count { $0 == UInt8(ascii: "\n") } + 1
            let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            return text.replacingCharacters(in: match.range, with: "at line \(line), column \(column)")
        }
        return "the text is not a JSON document Foundation can decode"
    }
}

/// The valid word closest to `word` by edit distance, if close enough to be a likely misspelling.
func closest(to word: String, among words: [String]) -> String? {
    let typed = Array(word.lowercased())
    let best = words.map { (word: $0, distance: editDistance(typed, Array($0))) }.min { $0.distance < $1.distance }
    guard let best, best.distance <= max(2, typed.count / 3) else { return nil }
    return best.word
}

/// Levenshtein distance: the fewest insertions, deletions and substitutions that turn a into b
/// (one row of the dynamic-programming table at a time).
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    var row = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var diagonal = row[0]
        row[0] = i + 1
        for (j, y) in b.enumerated() {
            let next = min(diagonal + (x == y ? 0 : 1), row[j + 1] + 1, row[j] + 1)
            diagonal = row[j + 1]
            row[j + 1] = next
        }
    }
    return row[b.count]
}
