import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `fxcodec explore`: a grid swept over a small image, the drops against the base, the front, the
/// table, JSON and the SVG plot; bad grids and options refused with the file or option named.
@Suite struct ExploreCommandTests {
    static let horse = CLI.sharedImages.appendingPathComponent("horse.png").path

    /// Eight points on horse.png: the base's own register widths (drop exactly 0), narrower ones
    /// (worse), and 1 bit (invalid), each with two IDCT workspace widths.
    static let grid = #"""
        {"base": "libjpeg-islow",
         "axes": {"registers.fdct_workspace.bits": [1, 11, 13, 16], "registers.idct_workspace.bits": [16, 32]}}
        """#

    func run(_ extra: [String], grid text: String = grid) throws -> (CLI.Result, URL) {
        let dir = try CLI.temporaryFolder()
        let file = dir.appendingPathComponent("grid.json")
        try Data(text.utf8).write(to: file)
        return (try CLI.run(["explore", Self.horse, "--grid", file.path] + extra), dir)
    }

    @Test func dropsOverflowsEstimatesAndFront() throws {
        let (r, dir) = try run(["--json", "--resource", "bits"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(CLI.camelCaseKeys(json).isEmpty)
        #expect(json["resource_axis"] as? String == "bits" && json["base"] as? String == "libjpeg-islow")
        let points = json["points"] as! [[String: Any]]
        #expect(points.count == 8 && points.allSatisfy { $0["clock_mhz"] as? Double == 200 && $0["lanes"] as? Int == 8 })
        func point(_ fdct: String, _ idct: String) -> [String: Any] {
            points.first { ($0["settings"] as! [String: String]) == ["registers.fdct_workspace.bits": fdct, "registers.idct_workspace.bits": idct] }!
        }
        // bits 1: not a valid configuration, reported by its point.
        for idct in ["16", "32"] {
            let invalid = point("1", idct)
            #expect((invalid["invalid"] as? String)?.contains("registers.fdct_workspace.bits: must be 2...48, is 1") == true, "\(invalid)")
            #expect(invalid["psnr_drop"] == nil && invalid["on_front"] as? Bool == false)
        }
        // 16 and 32 bits are the base's own registers: no drop at all.
        let base = point("16", "32")
        #expect(base["psnr_drop"] as? Double == 0 && base["ssim_drop"] as? Double == 0 && base["overflows"] as? Int == 0, "\(base)")
        // Narrower words: worse, with the overflows counted in the narrowed register.
        let narrow = point("11", "32")
        let drop = try #require(narrow["psnr_drop"] as? Double)
        #expect(drop > 1 && (narrow["ssim_drop"] as! Double) > 0, "\(narrow)")
        #expect(((narrow["overflows_by_register"] as! [String: Int])["fdct_workspace"] ?? 0) > 0)
        #expect((point("13", "32")["psnr_drop"] as! Double) < drop)
        // Narrower words are cheaper in the estimate.
        func bits(_ p: [String: Any]) -> Int { (p["estimate"] as! [String: Any])["datapath_bits"] as! Int }
        #expect(bits(narrow) < bits(point("13", "32")) && bits(point("13", "32")) < bits(base))
        #expect((base["estimate"] as! [String: Any])["mult18"] as? Int == 88, "the base core's MULT18X18D (88 post-route)")

        // The front: no placed point is dominated by another in (resource, PSNR drop), and every
        // point off it is; `front` lists it by resource.
        let placed = points.filter { $0["resource"] != nil }
        #expect(placed.count == 6)
        func dominates(_ q: [String: Any], _ p: [String: Any]) -> Bool {
            let (qc, ql, pc, pl) = (q["resource"] as! Double, q["psnr_drop"] as! Double, p["resource"] as! Double, p["psnr_drop"] as! Double)
            return qc <= pc && ql <= pl && (qc < pc || ql < pl)
        }
        for p in placed {
            #expect(p["on_front"] as! Bool == !placed.contains { dominates($0, p) }, "\(p)")
        }
        let front = json["front"] as! [Int]
        #expect(Set(front) == Set(placed.filter { $0["on_front"] as! Bool }.map { $0["index"] as! Int }) && front.count >= 2)
        #expect(front.map { i in points.first { $0["index"] as! Int == i }!["resource"] as! Double }.isSorted)
    }

    @Test func plotIsWellFormedWithTitledAxesAndApartLabels() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("front.svg").path
        let file = dir.appendingPathComponent("grid.json")
        try Data(Self.grid.utf8).write(to: file)
        let r = try CLI.run(["explore", Self.horse, "--grid", file.path, "--resource", "bits", "--svg", svg, "--plot-max-drop", "50"])
        #expect(r.status == 0, "\(r.stderr)")
        // The table: the front marked, the invalid points named.
        #expect(r.stdout.contains("resource axis: datapath bits") && r.stdout.contains("invalid: ") && r.stdout.contains("plot: \(svg)"))
        let data = try Data(contentsOf: URL(fileURLWithPath: svg))
        let reader = SVGTexts()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(reader.texts.contains { $0.text == "PSNR drop (dB)" } && reader.texts.contains { $0.text.hasPrefix("SSIM drop (luma") })
        #expect(reader.texts.contains { $0.text.hasPrefix("datapath bits (estimate") })
        let labels = reader.texts.filter { $0.text.hasPrefix("#") && $0.text.dropFirst().allSatisfy(\.isNumber) }
        #expect(labels.count >= 4, "front labels in both charts: \(reader.texts.map(\.text))")
        // Labels are 11 px text, about 6.2 units a character: no two boxes of one chart overlap.
        for (i, a) in labels.enumerated() {
            for b in labels[(i + 1)...] where a.chart == b.chart {
                let apart = a.x + 6.2 * Double(a.text.count) <= b.x || b.x + 6.2 * Double(b.text.count) <= a.x
                    || a.y + 2 <= b.y - 10 || b.y + 2 <= a.y - 10
                #expect(apart, "\(a) and \(b) overlap")
            }
        }
        // Under the plot, a line says what each number stands for.
        #expect(reader.texts.contains { $0.text.hasPrefix("#") && $0.text.contains("fdct_workspace.bits") })
    }

    @Test(arguments: [
        (#"{"base": "libjpeg-islow"}"#, "grid.json: axes: missing"),
        (#"{"base": "libjpeg-islow", "axes": {"dct_const_bits": [10]}}"#, "grid.json: axes.dct_const_bits: unknown key; did you mean dct_constant_bits?"),
        ("not json", "grid.json: not valid JSON"),
    ])
    func badGridsNameTheFileAndKey(text: String, message: String) throws {
        let (r, dir) = try run([], grid: text)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func optionsAreCheckedBeforeAnyWork() throws {
        let missing = try CLI.run(["explore", Self.horse, "--grid", "/nonexistent/grid.json"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/grid.json: cannot read the grid file"), "\(missing.stderr)")
        let (lut, dir) = try run(["--resource", "lut4"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(lut.status == 64 && lut.stderr.contains("--resource lut4 needs --synth ecp5"), "\(lut.stderr)")
        let (ice, dir2) = try run(["--synth", "ice40"])
        defer { try? FileManager.default.removeItem(at: dir2) }
        #expect(ice.status == 64 && ice.stderr.contains("ice40"), "\(ice.stderr)")
        let (drop, dir3) = try run(["--plot-max-drop", "0"])
        defer { try? FileManager.default.removeItem(at: dir3) }
        #expect(drop.status == 64 && drop.stderr.contains("--plot-max-drop") && drop.stderr.contains("must be"), "\(drop.stderr)")
    }
}

/// The `<text>` elements of an SVG with their positions (x, y of the baseline) and which chart (`<g>`) holds them.
final class SVGTexts: NSObject, XMLParserDelegate {
    struct Text: CustomStringConvertible {
        var text: String, x: Double, y: Double, chart: Int
        var description: String { "\"\(text)\" at (\(x), \(y)) in chart \(chart)" }
    }
    var texts: [Text] = []
    private var open: Text?
    private var chart = -1

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "g" { chart += 1 }
        if name == "text" { open = Text(text: "", x: Double(attributes["x"] ?? "") ?? 0, y: Double(attributes["y"] ?? "") ?? 0, chart: chart) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { open?.text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let t = open { texts.append(t); open = nil }
    }
}

extension Array where Element: Comparable {
    var isSorted: Bool { zip(self, dropFirst()).allSatisfy { $0 <= $1 } }
}
