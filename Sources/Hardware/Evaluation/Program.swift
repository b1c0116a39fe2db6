/// The step function compiled for the simulator: one instruction per node over a flat array of
/// UInt64 slots (slot i holds node i, its bits above the node's width always 0). Leaves (constants,
/// inputs, registers, registered reads) have no instruction: their slots are written before the
/// program runs, or at the edge.
struct Instruction {
    enum Code: UInt8 {
        case add, sub, mul, and, or, xor, not
        case eq, ne, ltUnsigned, leUnsigned, ltSigned, leSigned
        case select
        case shiftLeft, shiftRight, shiftRightSigned
        case shiftLeftBy, shiftRightBy, shiftRightSignedBy
        /// dst = (a >> b) & mask
        case slice
        /// dst = a (concatenation start, zero extension)
        case move
        /// dst = (dst << b) | a
        case append
        /// dst = a sign-extended from bit `b`, masked
        case signExtend
        case bitLength, orReduce, andReduce
        /// dst = a < c ? memory[imm + a] : 0
        case read
    }

    var code: Code
    var dst: Int32
    var a: Int32
    var b: Int32 = 0
    var c: Int32 = 0
    /// The destination's mask, or the memory's base for `read`, or the operand's mask for `andReduce`.
    var imm: UInt64 = 0
}

extension Instruction {
    /// The instructions of `module`'s live combinational nodes, in node order.
    static func compile(_ module: Module, memoryBase: [Int]) -> [Instruction] {
        var program: [Instruction] = []
        let nodes = module.nodes, live = module.liveNodes()
        for (i, node) in nodes.enumerated() where live[i] {
            let dst = Int32(i), mask = Signal.mask(node.width)
            func emit(_ code: Code, _ a: Int, _ b: Int = 0, _ c: Int = 0, imm: UInt64? = nil) {
                program.append(Instruction(code: code, dst: dst, a: Int32(a), b: Int32(b), c: Int32(c), imm: imm ?? mask))
            }
            switch node.operation {
            case .constant, .input, .register, .instanceOutput: break
            case .memoryRead(let m, let r):
                let memory = module.memories[m]
                if memory.readLatency == 0 {
                    emit(.read, memory.reads[r].address, 0, memory.depth, imm: UInt64(memoryBase[m]))
                }
            case .arithmetic(let op, let a, let b):
                emit([.add: Code.add, .sub: .sub, .mul: .mul][op]!, a, b)
            case .bitwise(let op, let a, let b):
                emit([.and: Code.and, .or: .or, .xor: .xor][op]!, a, b)
            case .not(let a): emit(.not, a)
            case .compare(let op, let signed, let a, let b):
                // gt and ge are lt and le with the operands swapped; the sign bit of the operands in c.
                let w = nodes[a].width - 1
                switch op {
                case .eq: emit(.eq, a, b)
                case .ne: emit(.ne, a, b)
                case .lt: emit(signed ? .ltSigned : .ltUnsigned, a, b, w)
                case .le: emit(signed ? .leSigned : .leUnsigned, a, b, w)
                case .gt: emit(signed ? .ltSigned : .ltUnsigned, b, a, w)
                case .ge: emit(signed ? .leSigned : .leUnsigned, b, a, w)
                }
            case .select(let c, let t, let o): emit(.select, t, o, c)
            case .shift(let op, let a, let k):
                emit([.left: Code.shiftLeft, .logicalRight: .shiftRight, .arithmeticRight: .shiftRightSigned][op]!,
                     a, k, node.width)
            case .variableShift(let op, let a, let amount):
                emit([.left: Code.shiftLeftBy, .logicalRight: .shiftRightBy, .arithmeticRight: .shiftRightSignedBy][op]!,
                     a, amount, node.width)
            case .slice(let a, _, let low): emit(.slice, a, low)
            case .concat(let parts):
                emit(.move, parts[0])
                for p in parts.dropFirst() { emit(.append, p, nodes[p].width) }
            case .extend(let a, let signed):
                if signed { emit(.signExtend, a, nodes[a].width - 1) } else { emit(.move, a) }
            case .bitLength(let a): emit(.bitLength, a)
            case .reduce(.or, let a): emit(.orReduce, a)
            case .reduce(.and, let a): emit(.andReduce, a, imm: Signal.mask(nodes[a].width))
            }
        }
        return program
    }
}

/// Runs `program` over `slots` and `memory`. Amounts and bit positions are below 64 by construction.
@inline(__always)
func run(_ program: UnsafeBufferPointer<Instruction>, _ s: UnsafeMutablePointer<UInt64>, _ memory: UnsafeMutablePointer<UInt64>) {
    for ins in program {
        let a = s[Int(ins.a)], d = Int(ins.dst)
        switch ins.code {
        case .add: s[d] = (a &+ s[Int(ins.b)]) & ins.imm
        case .sub: s[d] = (a &- s[Int(ins.b)]) & ins.imm
        case .mul: s[d] = (a &* s[Int(ins.b)]) & ins.imm
        case .and: s[d] = a & s[Int(ins.b)]
        case .or: s[d] = a | s[Int(ins.b)]
        case .xor: s[d] = a ^ s[Int(ins.b)]
        case .not: s[d] = ~a & ins.imm
        case .eq: s[d] = a == s[Int(ins.b)] ? 1 : 0
        case .ne: s[d] = a != s[Int(ins.b)] ? 1 : 0
        case .ltUnsigned: s[d] = a < s[Int(ins.b)] ? 1 : 0
        case .leUnsigned: s[d] = a <= s[Int(ins.b)] ? 1 : 0
        case .ltSigned:
            // Flipping the sign bit maps two's complement order onto unsigned order.
            let sign = UInt64(1) &<< UInt64(ins.c)
            s[d] = (a ^ sign) < (s[Int(ins.b)] ^ sign) ? 1 : 0
        case .leSigned:
            let sign = UInt64(1) &<< UInt64(ins.c)
            s[d] = (a ^ sign) <= (s[Int(ins.b)] ^ sign) ? 1 : 0
        case .select: s[d] = s[Int(ins.c)] != 0 ? a : s[Int(ins.b)]
        case .shiftLeft: s[d] = (a &<< UInt64(ins.b)) & ins.imm
        case .shiftRight: s[d] = a &>> UInt64(ins.b)
        case .shiftRightSigned: s[d] = UInt64(bitPattern: signExtend(a, top: ins.c - 1) &>> Int64(ins.b)) & ins.imm
        case .shiftLeftBy:
            let k = s[Int(ins.b)]
            s[d] = k >= UInt64(ins.c) ? 0 : (a &<< k) & ins.imm
        case .shiftRightBy:
            let k = s[Int(ins.b)]
            s[d] = k >= UInt64(ins.c) ? 0 : a &>> k
        case .shiftRightSignedBy:
            let k = min(s[Int(ins.b)], UInt64(ins.c - 1))
            s[d] = UInt64(bitPattern: signExtend(a, top: ins.c - 1) &>> Int64(k)) & ins.imm
        case .slice: s[d] = (a &>> UInt64(ins.b)) & ins.imm
        case .move: s[d] = a
        case .append: s[d] = (s[d] &<< UInt64(ins.b)) | a
        case .signExtend: s[d] = UInt64(bitPattern: signExtend(a, top: ins.b)) & ins.imm
        case .bitLength: s[d] = UInt64(64 - a.leadingZeroBitCount)
        case .orReduce: s[d] = a != 0 ? 1 : 0
        case .andReduce: s[d] = a == ins.imm ? 1 : 0
        case .read: s[d] = a < UInt64(ins.c) ? memory[Int(ins.imm) + Int(a)] : 0
        }
    }
}

/// `value` read as a two's complement number whose sign bit is bit `top`.
@inline(__always)
func signExtend(_ value: UInt64, top: Int32) -> Int64 {
    let up = UInt64(63 - top)
    return Int64(bitPattern: value &<< up) &>> Int64(up)
}
