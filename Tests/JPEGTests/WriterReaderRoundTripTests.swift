import Golden
import JPEG
import Testing

/// The golden model's coefficients written by `JPEGWriter` come back unchanged through `JPEGReader`:
/// block counts, tables and every coefficient, for each layout, with optimised tables and restarts,
/// and for configurations whose tables are wider than baseline (16-bit DQT, SOF1).
@Suite struct WriterReaderRoundTripTests {
    @Test(arguments: Fixtures.imageNames)
    func coefficientsComeBack(name: String) throws {
        let image = try Fixtures.load(name)
        let codec = try ImageCodec(config: .libjpeg, threads: 2)
        let options = [JPEGWriteOptions(), JPEGWriteOptions(optimizeHuffman: true, restart: .mcus(3)),
                       JPEGWriteOptions(restart: .rows(2))]
        var files = 0
        for chroma in Fixtures.chromaModes(image) {
            for (quality, option) in zip([20, 75, 97], options) {
                let (encoded, _) = codec.encode(image, settings: EncodeSettings(quality: quality, chroma: chroma))
                let file = try JPEGWriter.write(encoded, options: option)
                let decoded = try JPEGReader.read(file)
                #expect(decoded.warnings.isEmpty, "\(name) \(chroma) q\(quality): \(decoded.warnings)")
                #expect(decoded.encoded == encoded, "\(name) \(chroma) q\(quality) \(option)")
                files += 1
            }
        }
        #expect(files == 3 * Fixtures.chromaModes(image).count)
    }

    @Test func wideTablesComeBack() throws {
        let image = try Fixtures.load("coffee.png").window(x: 10, y: 10, width: 77, height: 51)
        let tables = [QuantTable.annexKLuminance, .annexKChrominance].map { QuantTable($0.values.map { min($0 * 20, 4095) }) }
        var config = DatapathConfig.libjpeg
        config.quantTableBits = 12
        let codec = try ImageCodec(config: config)
        let (encoded, _) = codec.encode(image, settings: EncodeSettings(chroma: .s420, tables: tables))
        let decoded = try JPEGReader.read(try JPEGWriter.write(encoded))
        #expect(decoded.frameType == .extendedSequential)
        #expect(decoded.encoded == encoded)
    }
}
