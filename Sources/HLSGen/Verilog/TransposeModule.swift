import Hardware

/// The ping-pong 8×8 transposes between the passes: the `Blocks.transpose` description printed by
/// `VerilogPrinter` with concrete widths, one module per word width the core uses
/// (`fxc_transpose_w<W>`), its tag {start of frame, table} 2 bits. Its reads are registered: a
/// cross-line comes out the clock after it is taken, the bank read and the rotation in two clocks.
/// Its `can_write` is a register with a copy for each control of the buffer that writes it.
public enum TransposeModule {
    static let tagBits = 2
    /// Copies of `can_write`: one per control of a section buffer (8 lanes and the sideband).
    public static let readyCopies = 9

    static func name(bits: Int) -> String { "fxc_transpose_w\(bits)" }

    static func module(bits: Int) throws -> Module {
        try Blocks.transpose(name: name(bits: bits), width: bits, tagWidth: tagBits, registeredRead: true,
                             readyCopies: readyCopies, stagedWrite: true)
    }

    static func text(bits: Int) throws -> String { VerilogPrinter.text(try module(bits: bits)) }
}
