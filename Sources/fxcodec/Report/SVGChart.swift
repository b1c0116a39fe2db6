import Foundation

/// A line chart as SVG text: axes with round-numbered ticks and units, one polyline with markers per
/// series (or markers alone), and a legend; points may carry short labels, placed where they overlap
/// no marker and no other label. Several charts sit side by side in one file (`SVGChart.document`).
struct SVGChart {
    struct Series {
        var name: String
        /// (x, y) in data units, drawn in the order given.
        var points: [(x: Double, y: Double)]
        var dashed = false
        /// False: markers only (a scatter).
        var line = true
        /// A label per point (empty: none), drawn beside its marker.
        var labels: [String] = []
        /// Overrides the palette's colour.
        var colour: String?
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]

    static let width = 520.0, height = 380.0
    static let margin = (left: 70.0, right: 20.0, top: 40.0, bottom: 110.0)
    /// Colour-blind-safe (Okabe–Ito).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// Charts side by side, one SVG document; `notes` are lines under the caption.
    static func document(_ charts: [SVGChart], caption: String, notes: [String] = []) -> String {
        let total = width * Double(charts.count), tall = height + 24 + 16 * Double(notes.count)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(total))" height="\(Int(tall))" \
            viewBox="0 0 \(Int(total)) \(Int(tall))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>

            """
        for (i, chart) in charts.enumerated() {
            svg += "<g transform=\"translate(\(Int(width) * i),0)\">\n" + chart.body() + "</g>\n"
        }
        svg += "<text x=\"8\" y=\"\(Int(height + 16))\" fill=\"#555\">\(escaped(caption))</text>\n"
        for (i, note) in notes.enumerated() {
            svg += "<text x=\"8\" y=\"\(Int(height + 32) + 16 * i)\" fill=\"#333\">\(escaped(note))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// 1, 2 or 5 × 10ⁿ steps giving about five ticks over [low, high].
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        let span = max(high - low, 1e-9)
        let raw = span / 5, power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        var t = ceil(low / step) * step, out: [Double] = []
        while t <= high + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    /// Tick labels of one axis share the step's number of decimals: 0.80, 0.90, 1.00.
    static func labels(_ ticks: [Double]) -> [String] {
        guard ticks.count > 1 else { return ticks.map { String(format: "%g", $0) } }
        let decimals = max(0, Int(-floor(log10(ticks[1] - ticks[0]) + 1e-9)))
        return ticks.map { String(format: "%.\(decimals)f", $0) }
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    func body() -> String {
        let m = Self.margin, w = Self.width, h = Self.height
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        guard !all.isEmpty else { return "<text x=\"\(m.left)\" y=\"\(m.top)\">\(Self.escaped(title)): no data</text>\n" }
        func padded(_ lo: Double, _ hi: Double) -> (Double, Double) {
            let pad = max((hi - lo) * 0.05, abs(hi) * 1e-3, 1e-6)
            return (lo - pad, hi + pad)
        }
        let (x0, x1) = padded(all.map(\.x).min()!, all.map(\.x).max()!)
        let (y0, y1) = padded(all.map(\.y).min()!, all.map(\.y).max()!)
        let plotW = w - m.left - m.right, plotH = h - m.top - m.bottom
        func px(_ x: Double) -> Double { m.left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { m.top + (1 - (y - y0) / (y1 - y0)) * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var s = "<text x=\"\(f(w / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(Self.escaped(title))</text>\n"
        let xTicks = Self.ticks(x0, x1), yTicks = Self.ticks(y0, y1)
        for (t, text) in zip(xTicks, Self.labels(xTicks)) {
            s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(m.top))\" x2=\"\(f(px(t)))\" y2=\"\(f(m.top + plotH))\" stroke=\"#e4e4e4\"/>\n"
            s += "<text x=\"\(f(px(t)))\" y=\"\(f(m.top + plotH + 16))\" text-anchor=\"middle\">\(text)</text>\n"
        }
        for (t, text) in zip(yTicks, Self.labels(yTicks)) {
            s += "<line x1=\"\(f(m.left))\" y1=\"\(f(py(t)))\" x2=\"\(f(m.left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#e4e4e4\"/>\n"
            s += "<text x=\"\(f(m.left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(text)</text>\n"
        }
        s += "<rect x=\"\(f(m.left))\" y=\"\(f(m.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(f(m.left + plotW / 2))\" y=\"\(f(m.top + plotH + 36))\" text-anchor=\"middle\">\(Self.escaped(xLabel))</text>\n"
        // The axis title stands clear of the widest tick label (about 7 units a character at 12 px).
        let widest = Self.labels(yTicks).map(\.count).max() ?? 0
        let titleX = max(11, min(18, m.left - 12 - 7 * Double(widest)))
        s += "<text transform=\"translate(\(f(titleX)),\(f(m.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escaped(yLabel))</text>\n"
        var labelled: [(x: Double, y: Double, text: String)] = []
        for (i, one) in series.enumerated() {
            let colour = one.colour ?? Self.palette[i % Self.palette.count]
            let kept = one.points.indices.filter { one.points[$0].x.isFinite && one.points[$0].y.isFinite }
            let points = kept.map { one.points[$0] }
            if one.line {
                let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                s += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
                    + (one.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n"
            }
            for p in points { s += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(colour)\"/>\n" }
            labelled += kept.compactMap { k in k < one.labels.count ? (px(one.points[k].x), py(one.points[k].y), one.labels[k]) : nil }
            // Legend below the axis label, two entries a row.
            let lx = m.left + Double(i % 2) * plotW / 2, ly = m.top + plotH + 58 + Double(i / 2) * 16
            if one.line {
                s += "<line x1=\"\(f(lx))\" y1=\"\(f(ly - 4))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly - 4))\" stroke=\"\(colour)\" stroke-width=\"2\""
                    + (one.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n"
            } else {
                s += "<circle cx=\"\(f(lx + 11))\" cy=\"\(f(ly - 4))\" r=\"3\" fill=\"\(colour)\"/>\n"
            }
            s += "<text x=\"\(f(lx + 28))\" y=\"\(f(ly))\">\(Self.escaped(one.name))</text>\n"
        }
        let markers = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }.map { (px($0.x), py($0.y)) }
        let plot = Box(x: m.left, y: m.top, width: plotW, height: plotH)
        for ((box, text), at) in zip(Self.placeLabels(labelled, avoiding: markers, inside: plot), labelled) {
            // A label set further out is tied to its marker by a thin line.
            let near = (min(max(at.x, box.x), box.x + box.width), min(max(at.y, box.y), box.y + box.height))
            if hypot(near.0 - at.x, near.1 - at.y) > 7 {
                s += "<line x1=\"\(f(at.x))\" y1=\"\(f(at.y))\" x2=\"\(f(near.0))\" y2=\"\(f(near.1))\" stroke=\"#777\" stroke-width=\"0.7\"/>\n"
            }
            s += "<text x=\"\(f(box.x))\" y=\"\(f(box.y + box.height - 2))\" font-size=\"11\">\(Self.escaped(text))</text>\n"
        }
        return s
    }

    /// A rectangle in SVG units (y down).
    struct Box {
        var x, y, width, height: Double
        func overlaps(_ o: Box) -> Bool {
            x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height
        }
    }

    /// Each label at the first of eight spots around its marker (right, left, above, below, then the
    /// diagonals, then twice as far) that stays inside the plot and overlaps no marker and no label
    /// placed before it; with no free spot, the one overlapping the fewest. Text is taken as 6.2
    /// units wide per character at 11 px.
    static func placeLabels(_ labels: [(x: Double, y: Double, text: String)], avoiding markers: [(Double, Double)],
                            inside plot: Box) -> [(Box, String)] {
        let dots = markers.map { Box(x: $0.0 - 3.5, y: $0.1 - 3.5, width: 7, height: 7) }
        var placed: [Box] = []
        return labels.map { label in
            let (w, h) = (6.2 * Double(label.text.count), 12.0)
            var candidates: [Box] = []
            for reach in [1.0, 2.2] {
                let d = 5 * reach
                candidates += [(d, -h / 2), (-d - w, -h / 2), (-w / 2, -d - h), (-w / 2, d),
                               (d, -d - h), (-d - w, -d - h), (d, d), (-d - w, d)]
                    .map { Box(x: label.x + $0.0, y: label.y + $0.1, width: w, height: h) }
            }
            let inside = candidates.filter { $0.x >= plot.x && $0.y >= plot.y && $0.x + $0.width <= plot.x + plot.width
                && $0.y + $0.height <= plot.y + plot.height }
            let pool = inside.isEmpty ? candidates : inside
            func clashes(_ b: Box) -> Int { (dots + placed).filter { $0.overlaps(b) }.count }
            let best = pool.first { clashes($0) == 0 } ?? pool.min { clashes($0) < clashes($1) }!
            placed.append(best)
            return (best, label.text)
        }
    }
}
