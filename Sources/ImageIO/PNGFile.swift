import CPNGShim
import Golden

/// PNG files in and out, through libpng (Sources/CPNGShim keeps libpng's setjmp/longjmp in C).
///
/// Reading gives an 8-bit `Image` by these rules:
/// - 16-bit samples are rounded to 8 bits: v8 = round(v16 · 255 / 65535) (libpng's
///   `png_set_scale_16`), so an image widened by ×257 reads back exactly.
/// - 1-, 2- and 4-bit grey is scaled to the full range: v8 = v · 255 / (2ⁿ − 1), which is exact.
/// - Grey and grey+alpha stay one component; RGB and RGBA are three.
/// - A palette image expands to RGB (three components), even when every entry is grey.
/// - A tRNS chunk becomes an alpha channel (per palette entry, or for the one transparent grey
///   level or RGB colour; palette entries beyond the tRNS list are opaque).
/// - Alpha then follows `AlphaRule`: `.drop` (the default) keeps the colour samples as stored;
///   `.composite(background: bg)` gives round((a·v + (255 − a)·bg) / 255).  With 16-bit data, colour
///   and alpha are both rounded to 8 bits first.
/// - Interlaced (Adam7) files are read whole.  Gamma, colour profiles and text chunks are ignored:
///   samples come out as stored.
///
/// Size: an image with width × height over `maxPixels` (or, from a `MemoryBudget`, over what the run
/// may allocate) is refused once libpng has read the chunks
/// before the first IDAT, before any image memory is allocated; libpng's user limits (checked while
/// IHDR is parsed) are set so that no side exceeds `maxPixels` either.  Ancillary chunks stay under
/// libpng's defaults (8 MB per chunk, 1000 chunks).  Decoding needs at most 4 bytes per pixel.
///
/// Errors: every problem throws `ImageIOError` naming the file.  The file is read through IEND, so a
/// file cut anywhere, or with a bad CRC in any critical chunk, is refused.
///
/// Writing gives an 8-bit grey (1 component) or RGB (3 components) PNG, atomically: the data goes to
/// a temporary file in the target's folder, which is synced and renamed over the target; on any
/// error it is removed, so no partial output appears and an existing target is left as it was.
public enum PNGFile {
    public static let defaultMaxPixels = 256_000_000

    /// An image as read, with what reading left out or changed (empty when nothing): each note is a
    /// short phrase such as "alpha channel ignored" or "libpng: iCCP: CRC error (chunk skipped)".
    public struct Reading: Sendable {
        public var image: Image
        public var notes: [String]
    }

    /// Reads `path` for a run that keeps `bytesPerPixel` bytes for each pixel: an image that would
    /// take the run over `budget` is refused once the header is read, before anything is allocated.
    public static func read(_ path: String, budget: MemoryBudget, bytesPerPixel: Int, purpose: String,
                            alpha: AlphaRule = .drop) throws -> Reading {
        do {
            return try reading(path, maxPixels: budget.pixelLimit(bytesPerPixel: bytesPerPixel), alpha: alpha)
        } catch var error as ImageIOError where error.kind == .tooLarge {
            if let (w, h) = error.claimedSize {
                let need = MemoryBudgetExceeded(what: purpose, width: w, height: h,
                                                need: w.multipliedReportingOverflow(by: h).partialValue
                                                    .multipliedReportingOverflow(by: bytesPerPixel).partialValue,
                                                budget: budget)
                error.detail = need.description
            }
            throw error
        }
    }

    public static func read(_ path: String, maxPixels: Int = defaultMaxPixels,
                            alpha: AlphaRule = .drop) throws -> Image {
        try reading(path, maxPixels: maxPixels, alpha: alpha).image
    }

    static func reading(_ path: String, maxPixels: Int, alpha: AlphaRule) throws -> Reading {
        var status = fx_png_status()
        var info = fx_png_info()
        guard let reader = fx_png_open(path, UInt64(max(0, maxPixels)), &info, &status) else {
            var error = ImageIOError(path: path, status: status)
            if error.kind == .tooLarge { error.claimedSize = (Int(info.width), Int(info.height)) }
            throw error
        }
        defer { fx_png_close(reader) }

        let width = Int(info.width), height = Int(info.height), channels = Int(info.channels)
        let count = width * height * channels
        var samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let code = fx_png_read_pixels(reader, buffer.baseAddress, count, &status)
            initialized = code == FX_PNG_OK ? count : 0
        }
        guard status.code == FX_PNG_OK else { throw ImageIOError(path: path, status: status) }

        var notes: [String] = []
        if info.bit_depth == 16 { notes.append("16-bit samples rounded to 8 bits") }
        let hasAlpha = channels == 2 || channels == 4
        let colours = hasAlpha ? channels - 1 : channels
        if hasAlpha {
            alpha.removeAlpha(from: &samples, pixelCount: width * height, colours: colours)
            switch alpha {
            case .drop: notes.append("alpha channel ignored (colour samples kept as stored)")
            case .composite(let bg): notes.append("alpha channel composited over grey level \(bg)")
            }
        }
        let warned = String(cString: fx_png_warnings(reader))
        if !warned.isEmpty { notes.append("libpng warned: \(warned)") }
        return Reading(image: Image(width: width, height: height, components: colours, samples: samples), notes: notes)
    }

    public static func write(_ image: Image, to path: String) throws {
        _ = try pngSize(of: image, path: path)
        let temporary = try TemporarySibling(of: path)
        try write(image, into: temporary)
        try temporary.moveIntoPlace()
    }

    /// Writes the PNG into a staged temporary file (see `OutputFiles.stage`); the caller renames it.
    /// On failure the temporary is removed.
    public static func write(_ image: Image, into temporary: TemporarySibling) throws {
        let path = temporary.target
        let width: UInt32, height: UInt32
        do { (width, height) = try pngSize(of: image, path: path) } catch {
            temporary.closeDescriptor()
            temporary.discard()
            throw error
        }
        var status = fx_png_status()
        let code = image.samples.withUnsafeBufferPointer { samples in
            fx_png_write_fd(temporary.descriptor, samples.baseAddress, width, height,
                            Int32(image.components), &status)
        }
        guard code == FX_PNG_OK else {
            temporary.discard()
            throw ImageIOError(path: path, status: status)
        }
    }
}

/// Width and height as PNG stores them, or an error for an image that cannot be an 8-bit PNG.
private func pngSize(of image: Image, path: String) throws -> (UInt32, UInt32) {
    guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height),
          image.components == 1 || image.components == 3,
          image.samples.count == image.width * image.height * image.components else {
        throw ImageIOError(path: path, kind: .invalidArgument, detail: "an image of "
                           + "\(image.width) x \(image.height) x \(image.components) samples "
                           + "holding \(image.samples.count) cannot be written as an 8-bit PNG")
    }
    return (width, height)
}

extension ImageIOError {
    init(path: String, status: fx_png_status) {
        let detail = withUnsafeBytes(of: status.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        self.init(path: path, kind: Kind(status.code), detail: detail)
    }
}

extension ImageIOError.Kind {
    init(_ code: fx_png_code) {
        switch code {
        case FX_PNG_CANNOT_READ: self = .cannotRead
        case FX_PNG_EMPTY: self = .emptyFile
        case FX_PNG_NOT_PNG: self = .notPNG
        case FX_PNG_TRUNCATED: self = .truncated
        case FX_PNG_TOO_LARGE: self = .tooLarge
        case FX_PNG_OUT_OF_MEMORY: self = .outOfMemory
        case FX_PNG_WRITE_FAILED: self = .cannotWrite
        case FX_PNG_BAD_ARGUMENT: self = .invalidArgument
        default: self = .malformed
        }
    }
}
