/// A value of the step function being written: a node of a `ModuleBuilder`, with its width. The
/// operators add nodes to that builder. Operands of a binary operator have one width, which is also
/// the result's (modulo 2^width for + − ×); `ModuleBuilder.arithmetic` states another result width.
public struct Signal {
    public let node: Int
    public let width: Int
    unowned let builder: ModuleBuilder

    /// The low `width` bits set.
    public static func mask(_ width: Int) -> UInt64 { width >= 64 ? ~0 : (1 << UInt64(width)) - 1 }

    /// Records a problem unless `other` has this signal's width.
    func requireSameWidth(_ other: Signal, _ what: String) {
        if other.width != width { builder.problem("\(what): operands of \(width) and \(other.width) bits") }
    }

    func constant(_ value: Int) -> Signal { builder.constant(value, width: width) }

    // MARK: Arithmetic and bitwise operators (one width)

    public static func + (a: Signal, b: Signal) -> Signal { a.binary(.arithmetic(.add, a.node, b.node), b, "+") }
    public static func - (a: Signal, b: Signal) -> Signal { a.binary(.arithmetic(.sub, a.node, b.node), b, "-") }
    public static func * (a: Signal, b: Signal) -> Signal { a.binary(.arithmetic(.mul, a.node, b.node), b, "*") }
    public static func & (a: Signal, b: Signal) -> Signal { a.binary(.bitwise(.and, a.node, b.node), b, "&") }
    public static func | (a: Signal, b: Signal) -> Signal { a.binary(.bitwise(.or, a.node, b.node), b, "|") }
    public static func ^ (a: Signal, b: Signal) -> Signal { a.binary(.bitwise(.xor, a.node, b.node), b, "^") }
    public static prefix func ~ (a: Signal) -> Signal { a.builder.add(.not(a.node), width: a.width) }

    public static func + (a: Signal, b: Int) -> Signal { a + a.constant(b) }
    public static func - (a: Signal, b: Int) -> Signal { a - a.constant(b) }
    public static func - (a: Int, b: Signal) -> Signal { b.constant(a) - b }

    func binary(_ operation: Operation, _ other: Signal, _ what: String) -> Signal {
        requireSameWidth(other, what)
        return builder.add(operation, width: width)
    }

    // MARK: Compares (1-bit results)

    public func compare(_ op: Comparison, _ other: Signal, signed: Bool = false) -> Signal {
        requireSameWidth(other, op.rawValue)
        return builder.add(.compare(op, signed: signed, node, other.node), width: 1)
    }

    public func eq(_ other: Signal) -> Signal { compare(.eq, other) }
    public func ne(_ other: Signal) -> Signal { compare(.ne, other) }
    public func lt(_ other: Signal, signed: Bool = false) -> Signal { compare(.lt, other, signed: signed) }
    public func le(_ other: Signal, signed: Bool = false) -> Signal { compare(.le, other, signed: signed) }
    public func gt(_ other: Signal, signed: Bool = false) -> Signal { compare(.gt, other, signed: signed) }
    public func ge(_ other: Signal, signed: Bool = false) -> Signal { compare(.ge, other, signed: signed) }
    public func eq(_ value: Int) -> Signal { eq(constant(value)) }
    public func ne(_ value: Int) -> Signal { ne(constant(value)) }
    public func lt(_ value: Int, signed: Bool = false) -> Signal { lt(constant(value), signed: signed) }
    public func ge(_ value: Int, signed: Bool = false) -> Signal { ge(constant(value), signed: signed) }

    // MARK: Shifts (the result keeps the width)

    public static func << (a: Signal, k: Int) -> Signal { a.shifted(.left, by: k) }
    public static func >> (a: Signal, k: Int) -> Signal { a.shifted(.logicalRight, by: k) }
    public static func << (a: Signal, amount: Signal) -> Signal { a.shifted(.left, by: amount) }
    public static func >> (a: Signal, amount: Signal) -> Signal { a.shifted(.logicalRight, by: amount) }

    public func shifted(_ shift: Shift, by k: Int) -> Signal {
        if !(0..<width).contains(k) { builder.problem("shift of a \(width)-bit value by \(k)") }
        return builder.add(.shift(shift, node, amount: k), width: width)
    }

    /// Shifted by the unsigned value of `amount`; by `width` or more gives 0 (all sign bits for an
    /// arithmetic right shift).
    public func shifted(_ shift: Shift, by amount: Signal) -> Signal {
        builder.add(.variableShift(shift, node, amount: amount.node), width: width)
    }

    // MARK: Bits

    /// Bits high…low.
    public subscript(high: Int, low: Int) -> Signal {
        if !(0 <= low && low <= high && high < width) { builder.problem("slice [\(high):\(low)] of a \(width)-bit value") }
        if low == 0 && high == width - 1 { return self }
        return builder.add(.slice(node, high: high, low: low), width: high - low + 1)
    }

    /// Bit `index`.
    public subscript(index: Int) -> Signal { self[index, index] }

    /// Bit `index` (a signal); 0 past the top.
    public func bit(_ index: Signal) -> Signal { (self >> index)[0] }

    public func zeroExtended(to width: Int) -> Signal { extended(to: width, signed: false) }
    public func signExtended(to width: Int) -> Signal { extended(to: width, signed: true) }

    func extended(to width: Int, signed: Bool) -> Signal {
        if width < self.width { builder.problem("extend of \(self.width) bits to \(width)") }
        if width == self.width { return self }
        return builder.add(.extend(node, signed: signed), width: width)
    }

    /// The low `width` bits.
    public func truncated(to width: Int) -> Signal { self[width - 1, 0] }

    /// Extended or truncated to `width`.
    public func resized(to width: Int, signed: Bool = false) -> Signal {
        width >= self.width ? extended(to: width, signed: signed) : truncated(to: width)
    }

    /// Position of the highest set bit plus one (0 for 0): the JPEG magnitude category of a magnitude.
    public var bitLength: Signal { builder.add(.bitLength(node), width: Module.bits(toHold: width)) }

    /// 1 when any bit is 1.
    public var anySet: Signal { builder.add(.reduce(.or, node), width: 1) }
    /// 1 when every bit is 1.
    public var allSet: Signal { builder.add(.reduce(.and, node), width: 1) }
}
