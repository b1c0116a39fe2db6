import Foundation
import Golden
import ImageIO
import Testing

/// `fxcodec compare --core encoder`: the golden encoder, libjpeg-turbo and the hardware encoder on one image.
@Suite struct CompareEncoderTests {
    /// At a stated 100 MHz the hardware row's rate is its end-to-end pixels per clock × 100, labelled
    /// stated; the CPU rows are there and measured.
    @Test func theHardwareRowIsPixelsPerClockTimesTheStatedClock() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let coffee = try PNGFile.read(CLI.sharedImages.appendingPathComponent("coffee.png").path)
        let window = folder.appendingPathComponent("window.png").path
        try PNGFile.write(coffee.window(x: 200, y: 120, width: 48, height: 32), to: window)

        let run = try CLI.run(["compare", window, "--core", "encoder", "--clock-mhz", "100", "--json", "--repeats", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let table = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\(run.stderr)")
        #expect(CLI.camelCaseKeys(table).isEmpty, "\(CLI.camelCaseKeys(table))")
        let rows = try #require(table["rows"] as? [[String: Any]])
        func named(_ prefix: String) -> [[String: Any]] { rows.filter { ($0["implementation"] as? String)?.hasPrefix(prefix) == true } }

        let hardware = try #require(named("hardware encoder").first, "\(rows)")
        let endToEnd = try #require(hardware["pixels_per_clock_end_to_end"] as? Double)
        let streaming = try #require(hardware["pixels_per_clock"] as? Double)
        #expect(endToEnd > 0 && endToEnd <= 1.01, "end to end \(endToEnd)")
        #expect(streaming > 0 && streaming <= 1.01, "streaming \(streaming)")
        let rate = try #require(hardware["mpixels_per_second"] as? Double)
        #expect(abs(rate - endToEnd * 100) <= 1e-9 * endToEnd * 100, "\(rate) Mpixel/s at \(endToEnd) pixels a clock")
        #expect((hardware["basis"] as? String)?.contains("stated") == true, "\(hardware)")

        let cpu = named("golden encoder") + named("libjpeg-turbo")
        #expect(cpu.count == 4, "\(rows)")
        #expect(cpu.allSatisfy { ($0["mpixels_per_second"] as? Double ?? 0) > 0 }, "\(cpu)")
    }
}
