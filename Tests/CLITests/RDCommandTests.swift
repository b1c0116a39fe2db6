import Foundation
import Testing

/// `fxcodec rd`: curves per configuration and for libjpeg-turbo, JSON and an SVG plot.
@Suite struct RDCommandTests {
    @Test func curvesJSONAndPlot() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("rd.svg").path
        let images = ["coffee.png", "camera.png"].map { CLI.sharedImages.appendingPathComponent($0).path }
        let r = try CLI.run(["rd"] + images + ["--qualities", "20,50,90", "--preset", "libjpeg-islow", "--preset", "narrow",
                                               "--svg", svg, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(CLI.camelCaseKeys(json).isEmpty)
        let curves = json["curves"] as! [[String: Any]]
        #expect(curves.count == 3)
        func points(_ i: Int) -> [[String: Any]] { curves[i]["points"] as! [[String: Any]] }
        // The default configuration writes libjpeg's bytes, so its curve is libjpeg-turbo's, point for point.
        #expect(points(0).map { $0["bytes"] as! Int } == points(2).map { $0["bytes"] as! Int })
        for c in curves.indices {
            let bpp = points(c).map { $0["bits_per_pixel"] as! Double }
            #expect(bpp == bpp.sorted() && bpp[0] > 0, "\(curves[c]["name"]!): \(bpp)")
        }
        let psnr = points(0).map { $0["psnr"] as! Double }
        #expect(psnr == psnr.sorted() && psnr[0] > 20, "\(psnr)")
        #expect(points(0).allSatisfy { ($0["ms_ssim"] as? Double ?? 0) > 0.5 })
        let plot = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(plot.hasPrefix("<svg") && plot.contains("bits per pixel (bpp)") && plot.contains("PSNR (dB)")
                && plot.contains("narrow (golden model)") && plot.contains("libjpeg-turbo (in process)"))
        #expect(plot.components(separatedBy: "<polyline").count - 1 == 9, "three charts of three curves")
    }

    /// A grey encode of an RGB image is measured against its luma (this used to crash).
    @Test func greyEncodeOfColourInput() throws {
        let r = try CLI.run(["roundtrip", CLI.sharedImages.appendingPathComponent("coffee.png").path, "--chroma", "gray", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let psnr = try #require((json["psnr"] as? [String: Any])?["Y"] as? Double)
        #expect(psnr > 30)
    }
}
