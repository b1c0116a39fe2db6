import Foundation
import Golden
import Testing

/// Regression: the tracer saturated its intervals at ±2^62 but reported only intervals beyond ±2^62,
/// so a design whose values need more than 62 bits was accepted with clamped (wrong) widths. The first
/// case is what the fuzzer found (seed 0x4eb25d24d9fd29da of base 0xf0cc0dec0012 with 20000
/// configurations: values outside their traced interval in the IDCT column pass); the second is the
/// dequantizer alone: a 48-bit coefficient times a 16-bit divisor needs 64 bits.
@Suite struct SaturatedIntervalTests {
    static func refused(_ json: String) throws -> Bool {
        let config = try DatapathConfig.parse(Data(json.utf8), source: "regression")
        do {
            _ = try KernelGraphs(config)
            return false
        } catch let error as DataflowRangeError {
            return error.description.contains("62 bits")
        }
    }

    @Test func idctColumnBeyond62BitsIsRefused() throws {
        #expect(try Self.refused("""
            {"dct_constant_bits":4,"fdct_pass1_bits":0,"idct_pass1_bits":3,"quant_table_bits":15,
             "quantizer_reciprocal_bits":22,"registers":{"dequantized":{"bits":null},"quantized":{"bits":43},
             "idct_workspace":{"bits":8}}}
            """))
    }

    @Test func dequantizerBeyond62BitsIsRefused() throws {
        #expect(try Self.refused("""
            {"quant_table_bits":16,"registers":{"quantized":{"bits":48},"dequantized":{"bits":30}}}
            """))
    }
}
