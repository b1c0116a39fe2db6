import Foundation

/// The plot of `fxcodec explore`: PSNR drop and SSIM drop against the resource axis, every valid
/// point a grey marker, the Pareto front (in PSNR drop) joined and numbered; under the charts, one
/// line per front point saying what its number stands for.
struct ExplorePlot {
    let result: Explore.Report
    /// The grid's axis keys, in order.
    let axes: [String]
    /// Points whose PSNR drop exceeds this (dB) are left out of the charts.
    let maximumDrop: Double

    /// At most this many front points are spelled out under the plot (the table has them all).
    static let noteLimit = 14

    /// `registers.fdct_workspace.bits` → `fdct_workspace.bits`; other keys as they are.
    static func shortKey(_ key: String) -> String {
        key.hasPrefix("registers.") ? String(key.dropFirst("registers.".count)) : key
    }

    func document() -> String {
        let placed = result.points.filter { $0.resource != nil && $0.psnrDrop != nil }
        let points = placed.filter { $0.psnrDrop! <= maximumDrop }
        let front = result.front.map { i in result.points.first { $0.index == i }! }.filter { $0.psnrDrop! <= maximumDrop }
        func chart(_ title: String, _ label: String, _ y: (Explore.Point) -> Double?) -> SVGChart {
            let others = points.filter { !$0.onFront }
            return SVGChart(title: title, xLabel: result.resourceLabel, yLabel: label, series: [
                SVGChart.Series(name: "other points (\(others.count))", points: others.compactMap { p in y(p).map { (p.resource!, $0) } },
                                line: false, colour: "#9a9a9a"),
                SVGChart.Series(name: "Pareto front in PSNR drop (\(front.count))",
                                points: front.compactMap { p in y(p).map { (p.resource!, $0) } },
                                labels: front.compactMap { p in y(p).map { _ in "#\(p.index)" } }, colour: "#0072B2"),
            ])
        }
        let invalid = result.points.filter { $0.invalid != nil }.count
        let caption = "\(result.images.count) image\(result.images.count == 1 ? "" : "s"), quality \(result.quality), chroma \(result.chroma); "
            + "drops against \(result.base) (positive: worse); \(result.points.count) points"
            + (invalid > 0 ? ", \(invalid) invalid" : "")
            + (placed.count > points.count ? ", \(placed.count - points.count) dropping more than \(Self.number(maximumDrop)) dB" : "")
            + (placed.count > points.count || invalid > 0 ? " (not drawn)" : "")
        var notes = front.prefix(Self.noteLimit).map { p in
            "#\(p.index): " + axes.map { "\(Self.shortKey($0)) \(p.settings[$0] ?? "")" }.joined(separator: ", ")
                + String(format: " — PSNR drop %.3f dB, %@ %@", p.psnrDrop!, result.resourceAxis, Self.number(p.resource!))
        }
        if front.count > Self.noteLimit { notes.append("… and \(front.count - Self.noteLimit) more front points: see the table or --json") }
        // SSIM drops under 0.01 read better in thousandths than as 0.00015.
        let largest = points.compactMap { $0.ssimDrop.map(abs) }.max() ?? 0
        let (ssimScale, ssimLabel) = largest < 0.01 ? (1000.0, "SSIM drop (luma, ×10⁻³)") : (1.0, "SSIM drop (luma)")
        return SVGChart.document([chart("PSNR drop against resources", "PSNR drop (dB)", \.psnrDrop),
                                  chart("SSIM drop against resources", ssimLabel, { $0.ssimDrop.map { $0 * ssimScale } })],
                                 caption: caption, notes: notes)
    }

    static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
}
