import ArgumentParser
import Foundation
import Golden

/// Options every command that touches the datapath shares: which configuration, which tables.
struct DatapathOptions: ParsableArguments {
    @Option(name: .long, help: "A datapath configuration (JSON; missing keys take the libjpeg defaults).")
    var config: String?

    @Option(name: .long, help: "A named configuration: \(DatapathConfig.presets.map(\.name).joined(separator: ", ")).")
    var preset: String?

    @Option(name: [.customShort("q"), .long], parsing: .unconditional, help: "IJG quality 1...100 (Annex K tables scaled, baseline).",
            transform: Checked.int(1...100))
    var quality: Int = 75

    @Option(name: .long, help: "Quantization tables from a file: 64 or 128 integers (luma, then chroma).")
    var qtable: String?

    func validate() throws {
        if config != nil && preset != nil { throw ValidationError("give --config or --preset, not both") }
    }

    /// The configuration, loaded and checked; errors name the file and the field.
    func datapath() throws -> DatapathConfig {
        if let preset { return try Self.preset(named: preset) }
        guard let path = config else { return .libjpeg }
        return try Self.configuration(file: path)
    }

    static func preset(named name: String) throws -> DatapathConfig {
        guard let c = DatapathConfig.preset(named: name) else {
            throw CommandError("unknown preset '\(name)'; known: \(DatapathConfig.presets.map(\.name).joined(separator: ", "))")
        }
        return c
    }

    /// A configuration file, read and checked.
    static func configuration(file path: String) throws -> DatapathConfig {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CommandError("\(path): cannot read the configuration (\(error.localizedDescription))")
        }
        do { return try DatapathConfig.parse(data, source: path) } catch { throw CommandError("\(error)") }
    }

    /// Explicit tables if given, else nil (the quality's tables).
    func tables(maxEntry: Int = 255) throws -> [QuantTable]? {
        guard let qtable else { return nil }
        guard let text = try? String(contentsOfFile: qtable, encoding: .utf8) else {
            throw CommandError("\(qtable): cannot read the quantization table file")
        }
        do { return try QuantTable.parse(text, maxEntry: maxEntry, source: qtable) } catch {
            throw CommandError("\(error)")
        }
    }

    func encodeSettings(chroma: ChromaSubsampling) throws -> EncodeSettings {
        EncodeSettings(quality: quality, chroma: chroma, tables: try tables())
    }
}

/// An error a command reports as one line on stderr, with a non-zero exit.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension ChromaSubsampling: ExpressibleByArgument {}
extension Upsampling: ExpressibleByArgument {}

/// JSON output in the one style of every command (`JSONOutput`: snake_case keys, sorted).
func printJSON<T: Encodable>(_ value: T) throws {
    print(try JSONOutput.text(value))
}
