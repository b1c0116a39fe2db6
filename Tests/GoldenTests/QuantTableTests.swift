import Foundation
import Golden
import Testing

/// Quantization table files: what is accepted, and where each problem is reported.
@Suite struct QuantTableTests {
    /// `count` entries 1, 2, 3 … eight to a line, after a comment line.
    static func file(_ count: Int, replacing entry: Int? = nil, with word: String = "") -> String {
        var words = (0..<count).map { String($0 % 255 + 1) }
        if let entry { words[entry - 1] = word }
        return "# test table\n" + stride(from: 0, to: words.count, by: 8)
            .map { words[$0..<min($0 + 8, words.count)].joined(separator: ", ") + "\n" }.joined()
    }

    @Test func oneOrTwoTablesWithCommentsAndCommas() throws {
        let one = try QuantTable.parse(Self.file(64), source: "t.txt")
        #expect(one.count == 1 && one[0].values == Array(1...64))
        let two = try QuantTable.parse(Self.file(128) + "# done\n", source: "t.txt")
        #expect(two.count == 2 && two[1].values == Array(65...128))
        let crlf = try QuantTable.parse(Self.file(64).replacingOccurrences(of: "\n", with: "\r\n"), source: "t.txt")
        #expect(crlf == one)
    }

    @Test(arguments: [
        // Entry 64 is on line 9: a comment line, then eight entries a line.
        (file(64, replacing: 64, with: "0"), "t.txt: quantization table: entry 64 (line 9) is 0, outside 1...255"),
        (file(64, replacing: 1, with: "256"), "t.txt: quantization table: entry 1 (line 2) is 256, outside 1...255"),
        (file(128, replacing: 70, with: "-3"),
         "t.txt: quantization table: entry 70 (chrominance entry 6, line 10) is -3, outside 1...255"),
        (file(64, replacing: 17, with: "99999999999999999999"),
         "t.txt: quantization table: entry 17 (line 4) is 99999999999999999999, outside 1...255"),
        (file(64, replacing: 17, with: "x"), "t.txt: quantization table: entry 17 (line 4) is 'x', not an integer"),
        (file(64, replacing: 9, with: "12.5"), "t.txt: quantization table: entry 9 (line 3) is '12.5', not an integer"),
        (file(64, replacing: 2, with: "0x10;0x10;0x10;0x10;0x10;0x10"),
         "t.txt: quantization table: entry 2 (line 2) is '0x10;0x10;0x10;0x10;0...', not an integer"),
        ("", "t.txt: quantization table: no entries; expected 64 (one table for all components) or 128 (luminance, then chrominance)"),
        ("# only a comment\n\n", "t.txt: quantization table: no entries; expected 64 (one table for all components) or 128 (luminance, then chrominance)"),
        (file(63), "t.txt: quantization table: 63 entries: the luminance table lacks 1 of its 64 (expected 64 or 128 entries)"),
        (file(100), "t.txt: quantization table: 100 entries: the chrominance table has 36 of its 64 (expected 64 or 128 entries)"),
        (file(130), "t.txt: quantization table: 130 entries, 2 more than the 128 of the luminance and chrominance tables (entry 129 is on line 18)"),
    ])
    func badFilesSayWhere(_ text: String, _ message: String) {
        #expect(throws: QuantTableError.self) {
            do { _ = try QuantTable.parse(text, source: "t.txt") } catch {
                #expect("\(error)" == message)
                throw error
            }
        }
    }

    @Test func aLargerMaximumAdmitsLargerEntries() throws {
        let text = Self.file(64, replacing: 5, with: "1000")
        #expect(try QuantTable.parse(text, maxEntry: 65535, source: "t.txt")[0].values[4] == 1000)
        #expect(throws: QuantTableError.self) { try QuantTable.parse(text, source: "t.txt") }
    }
}
