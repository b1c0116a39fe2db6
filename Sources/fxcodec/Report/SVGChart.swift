import Foundation

/// A line chart as SVG text: axes with round-numbered ticks and units, one polyline with markers per
/// series, and a legend. Several charts sit side by side in one file (`SVGChart.document`).
struct SVGChart {
    struct Series {
        var name: String
        /// (x, y) in data units, drawn in the order given.
        var points: [(x: Double, y: Double)]
        var dashed = false
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]

    static let width = 520.0, height = 380.0
    static let margin = (left: 70.0, right: 20.0, top: 40.0, bottom: 110.0)
    /// Colour-blind-safe (Okabe–Ito).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// Charts side by side, one SVG document.
    static func document(_ charts: [SVGChart], caption: String) -> String {
        let total = width * Double(charts.count)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(total))" height="\(Int(height + 24))" \
            viewBox="0 0 \(Int(total)) \(Int(height + 24))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>

            """
        for (i, chart) in charts.enumerated() {
            svg += "<g transform=\"translate(\(Int(width) * i),0)\">\n" + chart.body() + "</g>\n"
        }
        svg += "<text x=\"8\" y=\"\(Int(height + 16))\" fill=\"#555\">\(escaped(caption))</text>\n</svg>\n"
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

    static func label(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(format: abs(v) < 0.1 ? "%.3f" : "%.2f", v)
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
        for t in Self.ticks(x0, x1) {
            s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(m.top))\" x2=\"\(f(px(t)))\" y2=\"\(f(m.top + plotH))\" stroke=\"#e4e4e4\"/>\n"
            s += "<text x=\"\(f(px(t)))\" y=\"\(f(m.top + plotH + 16))\" text-anchor=\"middle\">\(Self.label(t))</text>\n"
        }
        for t in Self.ticks(y0, y1) {
            s += "<line x1=\"\(f(m.left))\" y1=\"\(f(py(t)))\" x2=\"\(f(m.left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#e4e4e4\"/>\n"
            s += "<text x=\"\(f(m.left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(Self.label(t))</text>\n"
        }
        s += "<rect x=\"\(f(m.left))\" y=\"\(f(m.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(f(m.left + plotW / 2))\" y=\"\(f(m.top + plotH + 36))\" text-anchor=\"middle\">\(Self.escaped(xLabel))</text>\n"
        s += "<text transform=\"translate(18,\(f(m.top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escaped(yLabel))</text>\n"
        for (i, one) in series.enumerated() {
            let colour = Self.palette[i % Self.palette.count]
            let points = one.points.filter { $0.x.isFinite && $0.y.isFinite }
            let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            s += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
                + (one.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n"
            for p in points { s += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(colour)\"/>\n" }
            // Legend below the axis label, two entries a row.
            let lx = m.left + Double(i % 2) * plotW / 2, ly = m.top + plotH + 58 + Double(i / 2) * 16
            s += "<line x1=\"\(f(lx))\" y1=\"\(f(ly - 4))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly - 4))\" stroke=\"\(colour)\" stroke-width=\"2\""
                + (one.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n"
            s += "<text x=\"\(f(lx + 28))\" y=\"\(f(ly))\">\(Self.escaped(one.name))</text>\n"
        }
        return s
    }
}
