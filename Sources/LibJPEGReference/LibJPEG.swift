import CLibJPEG

/// The installed libjpeg-turbo 2.1.5 (Debian `libjpeg62-turbo`) as the bit-exact reference:
/// its exported C `islow` kernels, its encoder, coefficient reader and decoder.
/// Plain arrays in and out; blocks and tables are row-major ("natural order").
public enum LibJPEG {
    /// Chroma subsampling of an encoded image; `.gray` is a one-component JPEG.
    public enum Subsampling: Sendable, CaseIterable {
        case s444, s422, s420, gray
    }

    /// A failure reported by libjpeg (its `format_message` text) or by this wrapper's limits.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// libjpeg's message code (jerror.h) when positive; a wrapper limit when negative
        /// (-1 result over 1 GiB, -2 bad argument, -3 libjpeg failed without a code).
        public let code: Int
        public let message: String
        public init(code: Int, message: String) {
            self.code = code
            self.message = message
        }
        public var description: String { "libjpeg error \(code): \(message)" }
    }

    /// One component as `jpeg_read_coefficients` stores it, real blocks only.
    public struct ComponentCoefficients: Equatable, Sendable {
        /// Real blocks: ceil(width / 8) x ceil(height / 8). libjpeg's arrays also hold MCU padding
        /// ("dummy") blocks to the right and below; those are left out.
        public let widthInBlocks: Int
        public let heightInBlocks: Int
        /// Downsampled size: ceil(imageWidth * hSampling / max hSampling), likewise for height.
        public let width: Int
        public let height: Int
        public let hSampling: Int
        public let vSampling: Int
        /// The quantization table the component was coded with, natural order.
        public let quant: [UInt16]
        /// Quantized coefficients: blocks in raster order, 64 values each in natural order.
        public let coefficients: [Int16]
    }
}

// MARK: kernels

extension LibJPEG {
    /// `jpeg_fdct_islow` in place on one block: in = sample - 128, out = 8 x orthonormal DCT.
    public static func fdct(_ block: inout [Int16]) {
        precondition(block.count == 64, "a block is 64 values")
        block.withUnsafeMutableBufferPointer { fx_fdct_islow_block($0.baseAddress) }
    }

    /// `jpeg_fdct_islow` in place on consecutive blocks of 64 values, in one C call.
    public static func fdctBlocks(_ blocks: inout [Int16]) {
        precondition(blocks.count % 64 == 0, "blocks are 64 values each")
        let count = Int32(blocks.count / 64)
        blocks.withUnsafeMutableBufferPointer { fx_fdct_islow_blocks($0.baseAddress, count) }
    }

    /// `jpeg_idct_islow` on one block: dequantizes `coefficients * quant` and returns 64 samples.
    /// Results outside -512...511 (before the +128) wrap as `idctRangeLimit[v & 1023]`.
    public static func idct(coefficients: [Int16], quant: [UInt16]) -> [UInt8] {
        precondition(coefficients.count == 64, "a block is 64 values")
        return idctBlocks(coefficients: coefficients, quant: quant)
    }

    /// `jpeg_idct_islow` on consecutive blocks with one table (0...32767, libjpeg holds it as short),
    /// in one C call.
    public static func idctBlocks(coefficients: [Int16], quant: [UInt16]) -> [UInt8] {
        precondition(coefficients.count % 64 == 0, "blocks are 64 values each")
        precondition(quant.count == 64 && quant.allSatisfy { $0 <= 32767 }, "64 steps in 0...32767")
        let count = coefficients.count
        return [UInt8](unsafeUninitializedCapacity: count) { out, written in
            coefficients.withUnsafeBufferPointer { coefs in
                quant.withUnsafeBufferPointer { q in
                    fx_idct_islow_blocks(coefs.baseAddress, q.baseAddress, out.baseAddress, Int32(count / 64))
                }
            }
            written = count
        }
    }

    /// The IDCT's output table T, read from the one the kernel uses: sample = T[v & 1023], where
    /// T[i] = i + 128 (0...127), 255 (128...511), 0 (512...895), i - 896 (896...1023).
    public static let idctRangeLimit: [UInt8] = Array(UnsafeBufferPointer(start: fx_idct_range_limit(), count: 1024))
}

// MARK: codec

extension LibJPEG {
    /// What cjpeg's `-optimize`, `-restart N[B]` and `-progressive` switch on; the default is none of
    /// them (a baseline file with the Annex K Huffman tables).
    public struct EncodeOptions: Sendable, Hashable {
        /// Every `n` MCU rows (`restart_in_rows`, cjpeg `-restart n`) or every `n` MCUs
        /// (`restart_interval`, cjpeg `-restart nB`); n in 1...65535.
        public enum Restart: Sendable, Hashable {
            case rows(Int), mcus(Int)
        }
        /// `optimize_coding`: Huffman tables from the image's own symbol statistics.
        public var optimizeCoding: Bool
        public var restart: Restart?
        /// `jpeg_simple_progression`: libjpeg's default progressive scan script (SOF2).
        public var progressive: Bool
        /// Explicit `tables` keep entries up to 32767 (`force_baseline` FALSE: 16-bit DQT, SOF1)
        /// instead of clamping them to 255.
        public var keepWideTables: Bool

        public init(optimizeCoding: Bool = false, restart: Restart? = nil, progressive: Bool = false,
                    keepWideTables: Bool = false) {
            self.optimizeCoding = optimizeCoding
            self.restart = restart
            self.progressive = progressive
            self.keepWideTables = keepWideTables
        }
    }

    /// Compresses 8-bit grey (`components` 1, `chroma` `.gray`) or interleaved RGB (3) to a baseline
    /// JPEG: `jpeg_set_defaults`, `jpeg_set_quality(quality, TRUE)` (libjpeg clamps it to 1...100),
    /// `JDCT_ISLOW`, luma sampling 1x1, 2x1 or 2x2. `tables` replaces the luma table and, when a
    /// second is given, the chroma table (64 values each, natural order, clamped to 1...255 unless
    /// `options.keepWideTables`). `options` adds optimized Huffman tables, restarts or progression.
    public static func encode(samples: [UInt8], width: Int, height: Int, components: Int, quality: Int,
                              chroma: Subsampling, tables: [[UInt16]]? = nil,
                              options: EncodeOptions = EncodeOptions()) throws(Failure) -> [UInt8] {
        precondition(components == 1 || components == 3, "grey or RGB")
        precondition((components == 1) == (chroma == .gray), "grey samples go with .gray")
        precondition(width >= 0 && height >= 0 && samples.count == width * height * components,
                     "width x height x components samples")
        let tables = tables ?? []
        precondition(tables.count <= 2 && tables.allSatisfy { $0.count == 64 }, "up to two tables of 64")
        let steps = tables.flatMap { $0 }
        var settings = options.c
        return try callForFile { jpeg, size, message in
            samples.withUnsafeBufferPointer { pixels in
                steps.withUnsafeBufferPointer { table in
                    fx_encode_with_options(pixels.baseAddress, Int32(width), Int32(height), Int32(components),
                                           Int32(clamping: quality), Int32(chroma.c.rawValue), table.baseAddress,
                                           Int32(tables.count), &settings, jpeg, size, message)
                }
            }
        }
    }

    /// `jpeg_write_coefficients` (libjpeg's transcoder, as jpegtran): writes given quantized coefficients
    /// without any DCT. `coefficients` per component: its real blocks (⌈w/8⌉ × ⌈h/8⌉ of its
    /// downsampled size), raster order, 64 values each in natural order. `tables`: one or two
    /// (luma, chroma) of 64 entries 1...32767, natural order; entries over 255 make 16-bit DQT and SOF1.
    /// Only `optimizeCoding` and `restart` of `options` apply.
    public static func writeCoefficients(width: Int, height: Int, chroma: Subsampling, coefficients: [[Int16]],
                                         tables: [[UInt16]], options: EncodeOptions = EncodeOptions())
        throws(Failure) -> [UInt8] {
        precondition(coefficients.count == (chroma == .gray ? 1 : 3), "one coefficient array per component")
        precondition((1...2).contains(tables.count) && tables.allSatisfy { $0.count == 64 }, "one or two tables of 64")
        let all = coefficients.flatMap { $0 }
        let steps = tables.flatMap { $0 }
        var settings = options.c
        return try callForFile { jpeg, size, message in
            all.withUnsafeBufferPointer { values in
                steps.withUnsafeBufferPointer { table in
                    fx_write_coefficients(Int32(clamping: width), Int32(clamping: height), Int32(coefficients.count),
                                          Int32(chroma.c.rawValue), values.baseAddress, values.count, table.baseAddress,
                                          Int32(tables.count), &settings, jpeg, size, message)
                }
            }
        }
    }

    /// `jpeg_read_coefficients` + `access_virt_barray`: every component's real blocks (no MCU
    /// padding), quantized, with its sampling factors and quantization table. libjpeg's memory is
    /// capped at 1 GiB: a header announcing more fails ("Backing store not supported", code 49).
    public static func readCoefficients(jpeg: [UInt8]) throws(Failure) -> [ComponentCoefficients] {
        try call { message in
            var infos = [fx_component](repeating: fx_component(), count: Int(FX_MAX_COMPONENTS))
            var count: Int32 = 0
            var values: UnsafeMutablePointer<Int16>?
            let status = jpeg.withUnsafeBufferPointer { bytes in
                fx_read_coefficients(bytes.baseAddress, bytes.count, &infos, &count, &values, message)
            }
            guard status == 0, let values else { return (status, []) }
            defer { fx_free(values) }
            return (0, infos.prefix(Int(count)).map { info in
                let blocks = Int(info.width_in_blocks) * Int(info.height_in_blocks)
                return ComponentCoefficients(
                    widthInBlocks: Int(info.width_in_blocks), heightInBlocks: Int(info.height_in_blocks),
                    width: Int(info.width), height: Int(info.height),
                    hSampling: Int(info.h_samp), vSampling: Int(info.v_samp),
                    quant: withUnsafeBytes(of: info.quant) { Array($0.bindMemory(to: UInt16.self)) },
                    coefficients: Array(UnsafeBufferPointer(start: values + info.offset, count: blocks * 64)))
            })
        }
    }

    /// Decodes with `JDCT_ISLOW` to interleaved 8-bit RGB, or grey for a one-component JPEG.
    /// `fancyUpsampling` false is djpeg's `-nosmooth` (box), true its default (triangle).
    /// libjpeg warnings (corrupt or truncated data) are thrown like errors.
    public static func decode(jpeg: [UInt8], fancyUpsampling: Bool) throws(Failure)
        -> (width: Int, height: Int, components: Int, samples: [UInt8]) {
        try call { message in
            var width: Int32 = 0, height: Int32 = 0, components: Int32 = 0
            var samples: UnsafeMutablePointer<UInt8>?
            let status = jpeg.withUnsafeBufferPointer { bytes in
                fx_decode(bytes.baseAddress, bytes.count, fancyUpsampling ? 1 : 0,
                          &width, &height, &components, &samples, message)
            }
            let count = Int(width) * Int(height) * Int(components)
            return (status, (Int(width), Int(height), Int(components), status == 0 ? adopt(samples, count: count) : []))
        }
    }

    /// Runs a fallible C call with a message buffer; a non-zero status becomes a `Failure`.
    private static func call<T>(_ body: (UnsafeMutablePointer<CChar>) -> (Int32, T)) throws(Failure) -> T {
        var message = [CChar](repeating: 0, count: Int(FX_MESSAGE_LENGTH))
        let (status, result) = message.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        guard status == 0 else {
            let text = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            throw Failure(code: Int(status), message: String(decoding: text, as: UTF8.self))
        }
        return result
    }

    /// Runs a C call that writes a JPEG into a buffer it allocates (pointer and size out).
    private static func callForFile(
        _ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>) -> Int32
    ) throws(Failure) -> [UInt8] {
        try call { message in
            var jpeg: UnsafeMutablePointer<UInt8>?
            var size = 0
            let status = body(&jpeg, &size, message)
            return (status, status == 0 ? adopt(jpeg, count: size) : [])
        }
    }

    /// Copies a buffer the C side allocated and frees it.
    private static func adopt<T>(_ pointer: UnsafeMutablePointer<T>?, count: Int) -> [T] {
        defer { fx_free(pointer) }
        guard let pointer else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }
}

extension LibJPEG.Subsampling {
    /// The wrapper's luma sampling (grey ignores it).
    var c: fx_chroma {
        switch self {
        case .s444, .gray: FX_CHROMA_444
        case .s422: FX_CHROMA_422
        case .s420: FX_CHROMA_420
        }
    }
}

extension LibJPEG.EncodeOptions {
    var c: fx_encode_options {
        var options = fx_encode_options(optimize_coding: optimizeCoding ? 1 : 0, restart_interval: 0, restart_in_rows: 0,
                                        progressive: progressive ? 1 : 0, keep_wide_tables: keepWideTables ? 1 : 0)
        switch restart {
        case .rows(let n): options.restart_in_rows = Int32(clamping: n)
        case .mcus(let n): options.restart_interval = Int32(clamping: n)
        case nil: break
        }
        return options
    }
}
