/// Coefficients are stored as libjpeg's JCOEF holds them: 16-bit, wrapping.
@inline(__always) func jcoef(_ v: Int) -> Int32 { Int32(Int16(truncatingIfNeeded: v)) }

/// DC predictions of the (up to four) components of a scan, reset at the scan start and at restarts.
struct Predictions {
    private var p0: Int32 = 0, p1: Int32 = 0, p2: Int32 = 0, p3: Int32 = 0

    @inline(__always) subscript(slot: Int) -> Int32 {
        get {
            switch slot {
            case 0: p0
            case 1: p1
            case 2: p2
            default: p3
            }
        }
        set {
            switch slot {
            case 0: p0 = newValue
            case 1: p1 = newValue
            case 2: p2 = newValue
            default: p3 = newValue
            }
        }
    }
}

/// Sequential (baseline and extended) Huffman decoding of one block (T.81 F.2.2):
///   DC: symbol s = size of the difference, then s bits (EXTEND); coefficient = prediction + difference
///       (the prediction is the previous block of the same component; C int arithmetic, stored as JCOEF).
///   AC, zigzag positions 1…63: symbol (r << 4) | s places s bits' value after r zeros; F0 (ZRL) skips 16
///       zeros; 00 (EOB) ends the block. Positions not coded keep their value (zero in a fresh array).
struct SequentialBlocks: BlockDecoding {
    static let decodesPastData = false
    let dc: [HuffmanLookup], ac: [HuffmanLookup]
    var predictions = Predictions()
    let natural = naturalOrderPadded

    @inline(__always)
    mutating func decode(_ block: UnsafeMutablePointer<Int32>, slot: Int,
                         _ bits: inout EntropyBitReader) throws(JPEGDecodeError) {
        bits.fill()
        let s = bits.symbol(dc[slot])
        let difference = s == 0 ? 0 : bits.value(size: s)
        let dcValue = predictions[slot] &+ Int32(truncatingIfNeeded: difference)
        predictions[slot] = dcValue
        block[0] = jcoef(Int(dcValue))
        let table = ac[slot]
        var k = 1
        while k < 64 {
            bits.fill()
            if let (run, value) = bits.shortCoefficient(table) {
                k &+= run
                block[Int(natural[k])] = Int32(truncatingIfNeeded: value)
                k &+= 1
                continue
            }
            let symbol = bits.symbol(table)
            let run = symbol &>> 4, size = symbol & 15
            if size != 0 {
                k &+= run                                   // ≤ 63 + 15: the padded table covers it
                block[Int(natural[k])] = Int32(truncatingIfNeeded: bits.value(size: size))
            } else {
                if run != 15 { break }                      // EOB
                k &+= 15                                    // ZRL
            }
            k &+= 1
        }
    }

    mutating func restart() { predictions = Predictions() }
}

/// Progressive DC, first scan (G.1.2.1): as sequential DC, then the value is shifted left by Al.
/// libjpeg refuses a prediction that leaves the C int range ("DCT coefficient out of range").
struct DCFirstBlocks: BlockDecoding {
    static let decodesPastData = false
    let dc: [HuffmanLookup]
    let al: Int
    var predictions = Predictions()

    @inline(__always)
    mutating func decode(_ block: UnsafeMutablePointer<Int32>, slot: Int,
                         _ bits: inout EntropyBitReader) throws(JPEGDecodeError) {
        bits.fill()
        let s = bits.symbol(dc[slot])
        let difference = Int32(truncatingIfNeeded: s == 0 ? 0 : bits.value(size: s))
        let (sum, overflow) = predictions[slot].addingReportingOverflow(difference)
        if overflow {
            throw JPEGDecodeError(.malformed, at: bits.position,
                                  "DC coefficient out of range near offset \(bits.position) (the DC sum leaves 32 bits)")
        }
        predictions[slot] = sum
        block[0] = jcoef(Int(sum) &<< al)
    }

    mutating func restart() { predictions = Predictions() }
}

/// Progressive DC refinement (G.1.2.1): one bit per block, the bit Al of the DC value.
struct DCRefineBlocks: BlockDecoding {
    static let decodesPastData = true
    let al: Int

    @inline(__always)
    mutating func decode(_ block: UnsafeMutablePointer<Int32>, slot: Int,
                         _ bits: inout EntropyBitReader) throws(JPEGDecodeError) {
        bits.fill()
        if bits.bit() != 0 { block[0] = jcoef(Int(block[0]) | (1 << al)) }
    }

    mutating func restart() {}
}

/// Progressive AC, first scan of a band Ss…Se (G.1.2.2): as sequential AC over the band, values shifted
/// left by Al; symbol (r << 4) with r < 15 is an end-of-band run EOBr: this block and the next
/// 2^r − 1 + (r bits) blocks end here.
struct ACFirstBlocks: BlockDecoding {
    static let decodesPastData = false
    let ac: HuffmanLookup
    let ss: Int, se: Int, al: Int
    var endOfBandRun = 0
    let natural = naturalOrderPadded

    @inline(__always)
    mutating func decode(_ block: UnsafeMutablePointer<Int32>, slot: Int,
                         _ bits: inout EntropyBitReader) throws(JPEGDecodeError) {
        if endOfBandRun > 0 {
            endOfBandRun -= 1
            return
        }
        var k = ss
        while k <= se {
            bits.fill()
            if let (run, value) = bits.shortCoefficient(ac) {
                k &+= run
                block[Int(natural[k])] = jcoef(value &<< al)
                k &+= 1
                continue
            }
            let symbol = bits.symbol(ac)
            let run = symbol &>> 4, size = symbol & 15
            if size != 0 {
                k &+= run
                block[Int(natural[k])] = jcoef(bits.value(size: size) &<< al)
            } else if run == 15 {
                k &+= 15
            } else {
                endOfBandRun = 1 << run
                if run != 0 { endOfBandRun += bits.bits(run) }
                endOfBandRun -= 1
                break
            }
            k &+= 1
        }
    }

    mutating func restart() { endOfBandRun = 0 }
}

/// Progressive AC refinement of a band (G.1.2.3), libjpeg's decode_mcu_AC_refine:
/// - a symbol (r << 4) | 1 makes the (r+1)-th zero coefficient of the band newly ±2^Al (one sign bit);
///   (15 << 4) skips 16 zeros; (r << 4) with r < 15 starts an end-of-band run as in the first scan;
/// - every coefficient already non-zero that the run passes over gets one correction bit: when set and
///   its bit Al is still clear, ±2^Al is added away from zero.
struct ACRefineBlocks: BlockDecoding {
    static let decodesPastData = false
    let ac: HuffmanLookup
    let ss: Int, se: Int
    let plusOne: Int, minusOne: Int
    var endOfBandRun = 0
    /// Symbols whose size is not 1 (corrupt; libjpeg warns and uses them as 1).
    var oddSizes = 0
    let natural = naturalOrderPadded

    init(ac: HuffmanLookup, ss: Int, se: Int, al: Int) {
        self.ac = ac
        self.ss = ss
        self.se = se
        plusOne = 1 << al
        minusOne = -1 << al
    }

    /// Refines a non-zero coefficient by one correction bit.
    @inline(__always)
    func correct(_ coefficient: UnsafeMutablePointer<Int32>, _ bits: inout EntropyBitReader) {
        bits.fill()
        if bits.bit() != 0 {
            let c = Int(coefficient.pointee)
            if c & plusOne == 0 { coefficient.pointee = jcoef(c + (c >= 0 ? plusOne : minusOne)) }
        }
    }

    @inline(__always)
    mutating func decode(_ block: UnsafeMutablePointer<Int32>, slot: Int,
                         _ bits: inout EntropyBitReader) throws(JPEGDecodeError) {
        var k = ss
        if endOfBandRun == 0 {
            while k <= se {
                bits.fill()
                let symbol = bits.symbol(ac)
                var run = symbol &>> 4
                let size = symbol & 15
                var newValue = 0
                if size != 0 {
                    if size != 1 { oddSizes += 1 }
                    newValue = bits.bit() != 0 ? plusOne : minusOne
                } else if run != 15 {
                    endOfBandRun = 1 << run
                    if run != 0 { endOfBandRun += bits.bits(run) }
                    break
                }
                // Pass over non-zero coefficients (correcting them) until the run's zero is reached.
                repeat {
                    let coefficient = block + Int(natural[k])
                    if coefficient.pointee != 0 {
                        correct(coefficient, &bits)
                    } else {
                        run -= 1
                        if run < 0 { break }
                    }
                    k &+= 1
                } while k <= se
                if newValue != 0 { block[Int(natural[k])] = Int32(newValue) }   // k ≤ se + 1 ≤ 64
                k &+= 1
            }
        }
        if endOfBandRun > 0 {
            // The block is inside an end-of-band run: only corrections for its non-zero coefficients.
            while k <= se {
                let coefficient = block + Int(natural[k])
                if coefficient.pointee != 0 { correct(coefficient, &bits) }
                k &+= 1
            }
            endOfBandRun -= 1
        }
    }

    mutating func restart() { endOfBandRun = 0 }
}
