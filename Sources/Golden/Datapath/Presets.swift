extension DatapathConfig {
    /// Named configurations: the default, and design points that explore the space (and that the
    /// tests use to show one description renders consistently in the model, the HLS C++ and the Verilog).
    public static let presets: [DatapathConfig] = [.libjpeg, .constantBits10, .constantBits14, .narrow]

    public static func preset(named name: String) -> DatapathConfig? { presets.first { $0.name == name } }

    /// 10-bit DCT constants: smaller multipliers, slightly lower accuracy.
    public static let constantBits10: DatapathConfig = {
        var c = DatapathConfig.libjpeg
        c.name = "const10"
        c.dctConstantBits = 10
        return c
    }()

    /// 14-bit DCT constants.
    public static let constantBits14: DatapathConfig = {
        var c = DatapathConfig.libjpeg
        c.name = "const14"
        c.dctConstantBits = 14
        return c
    }()

    /// A hardware-lean design point: saturating narrow registers (quantized coefficients in 8 bits, so
    /// high qualities saturate), a 12-bit reciprocal and the saturating range limit.
    public static let narrow: DatapathConfig = {
        var c = DatapathConfig.libjpeg
        c.name = "narrow"
        c.quantizerReciprocalBits = 12
        c.registers = [
            .fdctWorkspace: .saturate(14),
            .fdctOutput: .saturate(15),
            .quantized: .saturate(8),
            .dequantized: .saturate(12),
            .idctWorkspace: .saturate(16),
            .idctOutput: .saturate(12),
        ]
        c.rangeLimit = .saturate
        return c
    }()
}
