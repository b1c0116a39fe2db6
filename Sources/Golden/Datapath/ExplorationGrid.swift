import Foundation

// The grid of `fxcodec explore`: a base configuration and axes, each a configuration field (or the
// core's lanes, or its clock target) with the values to try; the points are the cartesian product.
// Read strictly, as configuration files are: every problem is `<file>: <key path>: <problem>`.
//
//     {
//       "base": "libjpeg-islow",                   (a preset's name, or a configuration object)
//       "lanes": 8, "clock_mhz": 200,              (optional: the base core; 8 lanes, the standard target)
//       "axes": {
//         "dct_constant_bits": [10, 13],
//         "registers.fdct_workspace.bits": [12, 14, 16],
//         "clock_mhz": [100, 200]
//       }
//     }

public struct ExplorationGrid: Sendable {
    /// More points than this is refused (the product is checked before any point is made).
    public static let maximumPoints = 1024

    /// What the drops are measured against.
    public var base: DatapathConfig
    /// The base core's lanes (1 or 8) and clock target in MHz (nil: the generator's standard target).
    public var lanes: Int
    public var clockMHz: Double?
    /// In the file's keys' sorted order; the first axis varies slowest.
    public var axes: [Axis]

    public struct Axis: Sendable, Equatable {
        public var key: String
        public var values: [Setting]
    }

    /// One value of an axis, as the file spells it.
    public enum Setting: Sendable, Hashable, CustomStringConvertible {
        case integer(Int)
        case number(Double)
        /// `null` for a register's bits: full precision.
        case fullPrecision
        case text(String)

        public var description: String {
            switch self {
            case .integer(let n): String(n)
            case .number(let x): String(format: "%g", x)
            case .fullPrecision: "full"
            case .text(let s): s
            }
        }
    }

    /// One point of the grid: its settings (axis key and value, in axis order) and what they make.
    public struct Point: Sendable {
        public var index: Int
        public var settings: [(key: String, value: Setting)]
        public var config: DatapathConfig
        public var lanes: Int
        public var clockMHz: Double?
        /// Why the configuration is not one the model and emitters take (`validate()`), or nil.
        public var problem: ConfigError?
    }

    public static let topKeys = ["base", "lanes", "clock_mhz", "axes"]
    static let integerFields = ["dct_constant_bits", "fdct_pass1_bits", "idct_pass1_bits", "quantizer_reciprocal_bits",
                                "quant_table_bits", "color_bits"]

    /// Every key an axis may name.
    public static var axisKeys: [String] {
        integerFields + ["range_limit"] + Register.configurable.flatMap { ["registers.\($0).bits", "registers.\($0).overflow"] }
            + ["lanes", "clock_mhz"]
    }

    /// Decodes `data` strictly; the base must validate, every value must have its key's type and
    /// range (lanes 1 or 8, clock 10...1000 MHz); a value that makes an invalid configuration is
    /// kept and reported by its point.
    public static func parse(_ data: Data, source: String) throws(ConfigError) -> ExplorationGrid {
        do throws(ConfigError) {
            return try ExplorationGrid(strict: try JSONValue.read(data))
        } catch {
            var located = error
            located.source = source
            throw located
        }
    }

    init(strict value: JSONValue) throws(ConfigError) {
        let object = try JSONObject(value, at: [], validKeys: Self.topKeys)
        switch object.members["base"] {
        case nil:
            throw ConfigError(["base"], "missing; a preset's name (\(DatapathConfig.presets.map(\.name).joined(separator: ", "))) or a configuration object")
        case .string(let name)?:
            guard let preset = DatapathConfig.preset(named: name) else {
                throw ConfigError(["base"], "unknown preset \"\(name.prefix(40))\"; known: \(DatapathConfig.presets.map(\.name).joined(separator: ", "))")
            }
            base = preset
        case .object?:
            base = try DatapathConfig(strict: object.members["base"]!, at: ["base"])
            do throws(ConfigError) { try base.validate() } catch {
                throw ConfigError(["base", error.field], error.problem)
            }
        case let other?:
            throw ConfigError(["base"], "expected a preset's name or a configuration object, found \(other.found)")
        }
        lanes = 8
        if let v = object.members["lanes"] { lanes = try Self.lanes(v, at: ["lanes"]) }
        if let v = object.members["clock_mhz"] { clockMHz = try Self.clock(v, at: ["clock_mhz"]) }

        guard let axesValue = object.members["axes"] else { throw ConfigError(["axes"], "missing; an object of key: [values]") }
        let axesObject = try JSONObject(axesValue, at: ["axes"], validKeys: Self.axisKeys)
        axes = []
        var count = 1
        for key in axesObject.members.keys.sorted() {
            let path = ["axes", key]
            guard case .array(let list) = axesObject.members[key]! else {
                throw ConfigError(path, "expected a list of values, found \(axesObject.members[key]!.found)")
            }
            guard !list.isEmpty else { throw ConfigError(path, "the list of values is empty") }
            var values: [Setting] = []
            for (i, v) in list.enumerated() {
                let value = try Self.setting(v, key: key, at: path + ["\(i)"])
                if values.contains(value) { throw ConfigError(path, "the value \(value) is listed twice") }
                values.append(value)
            }
            count = count.multipliedReportingOverflow(by: values.count).overflow ? Int.max : count * values.count
            if count > Self.maximumPoints {
                throw ConfigError(["axes"], "the axes make more than \(Self.maximumPoints) points (the limit); use fewer values")
            }
            axes.append(Axis(key: key, values: values))
        }
        guard !axes.isEmpty else { throw ConfigError(["axes"], "no axis; name at least one key with its values") }
    }

    /// A value of `key`'s type and range, or a message saying what was expected.
    static func setting(_ v: JSONValue, key: String, at path: [String]) throws(ConfigError) -> Setting {
        switch key {
        case "lanes": return .integer(try lanes(v, at: path))
        case "clock_mhz": return .number(try clock(v, at: path))
        case "range_limit": return .text(try choice(v, DatapathConfig.RangeLimit.self, at: path).rawValue)
        case _ where key.hasSuffix(".overflow"): return .text(try choice(v, RegisterSpec.Overflow.self, at: path).rawValue)
        case _ where key.hasSuffix(".bits"):
            if v == .null { return .fullPrecision }
            guard case .integer(let n) = v else { throw ConfigError(path, "expected an integer or null (full precision), found \(v.found)") }
            return .integer(n)
        default:
            guard case .integer(let n) = v else { throw ConfigError(path, "expected an integer, found \(v.found)") }
            return .integer(n)
        }
    }

    static func lanes(_ v: JSONValue, at path: [String]) throws(ConfigError) -> Int {
        guard case .integer(let n) = v, n == 1 || n == 8 else { throw ConfigError(path, "expected 1 or 8 lanes, found \(v.found)") }
        return n
    }

    static func clock(_ v: JSONValue, at path: [String]) throws(ConfigError) -> Double {
        let mhz: Double
        switch v {
        case .integer(let n): mhz = Double(n)
        case .number(let x): mhz = x
        default: throw ConfigError(path, "expected a clock target in MHz, found \(v.found)")
        }
        guard mhz.isFinite, (10...1000).contains(mhz) else { throw ConfigError(path, "a clock target must be 10...1000 MHz, is \(mhz)") }
        return mhz
    }

    static func choice<T: CaseIterable & RawRepresentable<String>>(_ v: JSONValue, _: T.Type, at path: [String]) throws(ConfigError) -> T {
        guard case .string(let s) = v, let c = T(rawValue: s) else {
            throw ConfigError(path, "expected \(T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")), found \(v.found)")
        }
        return c
    }

    /// Points in the product's order (the last axis varies fastest).
    public var points: [Point] {
        let count = axes.reduce(1) { $0 * $1.values.count }
        return (0..<count).map { index in
            var rest = index
            var settings: [(key: String, value: Setting)] = []
            for axis in axes.reversed() {
                settings.insert((axis.key, axis.values[rest % axis.values.count]), at: 0)
                rest /= axis.values.count
            }
            var point = Point(index: index, settings: settings, config: base, lanes: lanes, clockMHz: clockMHz)
            for (key, value) in settings { point.apply(key, value) }
            do throws(ConfigError) { try point.config.validate() } catch { point.problem = error }
            return point
        }
    }
}

extension ExplorationGrid.Point {
    /// Sets one field; the value's type was checked when the grid was read.
    mutating func apply(_ key: String, _ value: ExplorationGrid.Setting) {
        let n: Int = if case .integer(let n) = value { n } else { 0 }
        switch key {
        case "lanes": lanes = n
        case "clock_mhz": if case .number(let x) = value { clockMHz = x }
        case "dct_constant_bits": config.dctConstantBits = n
        case "fdct_pass1_bits": config.fdctPass1Bits = n
        case "idct_pass1_bits": config.idctPass1Bits = n
        case "quantizer_reciprocal_bits": config.quantizerReciprocalBits = n
        case "quant_table_bits": config.quantTableBits = n
        case "color_bits": config.colorBits = n
        case "range_limit": if case .text(let s) = value { config.rangeLimit = DatapathConfig.RangeLimit(rawValue: s)! }
        default:
            // registers.<name>.bits or registers.<name>.overflow
            let parts = key.split(separator: ".").map(String.init)
            let r = Register.named(parts[1])!
            var spec = config.spec(r)
            if parts[2] == "bits" { spec.bits = value == .fullPrecision ? nil : n }
            else if case .text(let s) = value { spec.overflow = RegisterSpec.Overflow(rawValue: s)! }
            config.registers[r] = spec
        }
    }

    /// `dct_constant_bits 10, registers.quantized.bits 8` (the base for a grid without axes).
    public var label: String {
        settings.isEmpty ? "base" : settings.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}

/// The Pareto front of points whose coordinates are both costs (smaller is better): a point is on it
/// when no other point is at least as good in both and better in one. Equal points are all on it.
public enum ParetoFront {
    public static func members(_ points: [(cost: Double, loss: Double)]) -> [Bool] {
        points.map { p in
            !points.contains { q in q.cost <= p.cost && q.loss <= p.loss && (q.cost < p.cost || q.loss < p.loss) }
        }
    }
}
