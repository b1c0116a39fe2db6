import Golden
import HLSGen

/// What the committed `rtl-sim/` folder holds: the default configuration's RTL (quality 75 tables,
/// the roundtrip top at 8 lanes, and the cores with the mode at run time), the Verilator harness and
/// the Icarus testbench, exactly as `command` writes them; and in `raster/`, the default raster front
/// end into the 8-lane encoder with its harness, as `rasterCommand` writes them. README.md there is
/// written by hand.
public enum RTLSimFolder {
    public static let folder = "rtl-sim"
    public static let mode = CodecMode.roundtrip
    public static let lanes = 8
    public static let quality = 75
    public static let config = DatapathConfig.libjpeg
    public static let command = "fxcodec rtl --out \(folder) --preset \(config.name) -q \(quality) --mode \(mode.rawValue) "
        + "--lanes \(lanes) --clock-mhz \(String(format: "%g", ClockTarget.standard.mhz)) --harness"

    /// The default raster front end into the 8-lane encoder, with the raster harness, in `rtl-sim/raster`.
    public static let rasterFolder = "raster"
    public static let rasterPixels = 1, rasterMaxWidth = 2048
    public static let rasterCommand = "fxcodec rtl --out \(folder)/\(rasterFolder) --preset \(config.name) -q \(quality) --mode encode "
        + "--lanes 8 --clock-mhz \(String(format: "%g", ClockTarget.standard.mhz)) --harness --front raster "
        + "--pixels-per-beat \(rasterPixels) --max-width \(rasterMaxWidth)"

    public static func rasterFiles() throws -> [GeneratedFile] {
        let design = try RTLDesign(config: config, quality: quality)
        return try RasterFront(colorBits: config.colorBits, pixels: rasterPixels, maxWidth: rasterMaxWidth)
            .encodeFiles(design: design, command: rasterCommand, harness: true)
    }

    public static func files() throws -> [GeneratedFile] {
        let design = try RTLDesign(config: config, quality: quality)
        return try design.files(mode: mode, lanes: lanes, command: command)
            + SimulationSources.files(design: design, command: command)
    }
}
