import Foundation
import Golden

/// Configuration files: `DatapathConfig.parse` (strict decoding and validation). A configuration it
/// accepts must survive the trip back to JSON, and the model must build and run one image's worth of
/// blocks with it (nine blocks: one batch of eight lanes and one on its own).
enum ConfigTarget: FuzzTarget {
    static let name = "config"

    static func run(_ input: [UInt8]) {
        guard let config = try? DatapathConfig.parse(Data(input), source: "input") else { return }
        let json = try! JSONEncoder().encode(config)
        guard let again = try? DatapathConfig.parse(json, source: "encoded"), again == config else {
            fatalError("accepted configuration does not survive encoding: \(String(decoding: json, as: UTF8.self))")
        }
        guard let codec = try? BlockCodec(config) else { return }
        let samples = (0..<9 * 64).map { input[$0 % input.count] }
        let table = QuantTable.annexKLuminance.scaled(quality: Int(input[0]) % 100 + 1)
        let coefficients = codec.encode(samples: samples, table: table).coefficients
        _ = codec.decode(coefficients: coefficients, table: table)
    }
}
