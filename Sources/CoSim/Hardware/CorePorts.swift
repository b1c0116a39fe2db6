import Hardware

/// The streaming core's ports, found by name in a hardware description, as positions in the flat
/// element arrays `CycleSimulator` reads and writes (inputs then outputs, each port's elements in
/// order, one UInt64 per element). The harness drives and samples exactly these; any other input
/// stays 0, as an undriven Verilator input does.
struct CorePorts {
    // Inputs.
    let aresetn, mode, inValid, inLast, inUser, outReady, tableWrite, tableSelect, tableAddress, tableData: Int
    let inData: LaneMap
    // Outputs.
    let inReady, outValid, outLast, outUser, framingError: Int
    let outData: LaneMap

    static let scalarInputs = ["aresetn", "mode", "s_axis_tvalid", "s_axis_tlast", "s_axis_tuser", "m_axis_tready",
                               "qt_we", "qt_table", "qt_addr", "qt_data"]
    static let scalarOutputs = ["s_axis_tready", "m_axis_tvalid", "m_axis_tlast", "m_axis_tuser", "framing_error"]

    init(_ module: Module, lanes: Int, laneBits: Int) throws {
        func locate(_ name: String, in ports: [ModulePort], _ direction: String) throws -> (port: ModulePort, first: Int) {
            var first = 0
            for p in ports {
                if p.name == name { return (p, first) }
                first += p.count
            }
            throw HardwareSimulationError("module \(module.name) has no \(direction) port \(name), which the co-simulation harness "
                                          + "\(direction == "input" ? "drives" : "reads")")
        }
        func scalar(_ name: String, in ports: [ModulePort], _ direction: String) throws -> Int {
            let (port, first) = try locate(name, in: ports, direction)
            guard port.count == 1, port.width <= 64 else {
                throw HardwareSimulationError("\(direction) \(name) of module \(module.name) has \(port.count) elements of "
                                              + "\(port.width) bits; the harness needs one element")
            }
            return first
        }
        func lanesOf(_ name: String, in ports: [ModulePort], _ direction: String) throws -> LaneMap {
            let (port, first) = try locate(name, in: ports, direction)
            guard port.totalWidth == lanes * laneBits else {
                throw HardwareSimulationError("\(direction) \(name) of module \(module.name) has \(port.totalWidth) bits; the "
                                              + "harness needs \(lanes) lanes × \(laneBits) bits = \(lanes * laneBits)")
            }
            return LaneMap(first: first, elementWidth: port.width, lanes: lanes, laneBits: laneBits)
        }
        let i = try Self.scalarInputs.map { try scalar($0, in: module.inputs, "input") }
        (aresetn, mode, inValid, inLast, inUser, outReady) = (i[0], i[1], i[2], i[3], i[4], i[5])
        (tableWrite, tableSelect, tableAddress, tableData) = (i[6], i[7], i[8], i[9])
        let o = try Self.scalarOutputs.map { try scalar($0, in: module.outputs, "output") }
        (inReady, outValid, outLast, outUser, framingError) = (o[0], o[1], o[2], o[3], o[4])
        inData = try lanesOf("s_axis_tdata", in: module.inputs, "input")
        outData = try lanesOf("m_axis_tdata", in: module.outputs, "output")
    }
}

/// Where the lanes of a tdata port sit among its elements: lane k is bits [k·laneBits +: laneBits] of
/// the port and element e bits [e·width +: width], so a lane is made of one piece of an element (one
/// element per lane, or several lanes in one element) or of several (a lane across elements).
struct LaneMap {
    struct Piece {
        var lane: Int
        /// The element (index in the flat array) and the piece's lowest bit there.
        var element: Int, shift: UInt64
        /// The piece's lowest bit within the lane, and its mask (unshifted).
        var laneShift: UInt64, mask: UInt64
    }

    let pieces: [Piece]
    /// The port's elements in the flat array.
    let elements: Range<Int>

    init(first: Int, elementWidth: Int, lanes: Int, laneBits: Int) {
        var pieces: [Piece] = []
        for lane in 0..<lanes {
            var bit = lane * laneBits
            while bit < (lane + 1) * laneBits {
                let shift = bit % elementWidth
                let bits = min(elementWidth - shift, (lane + 1) * laneBits - bit)
                pieces.append(Piece(lane: lane, element: first + bit / elementWidth, shift: UInt64(shift),
                                    laneShift: UInt64(bit - lane * laneBits), mask: Signal.mask(bits)))
                bit += bits
            }
        }
        self.pieces = pieces
        elements = first..<(first + (lanes * laneBits + elementWidth - 1) / elementWidth)
    }

    /// Writes each lane's low bits (`values[k]` for lane k) into the elements.
    @inline(__always)
    func put(_ values: UnsafeMutablePointer<UInt64>, into flat: UnsafeMutableBufferPointer<UInt64>) {
        for p in pieces {
            let bits = (values[p.lane] >> p.laneShift) & p.mask
            flat[p.element] = (flat[p.element] & ~(p.mask << p.shift)) | (bits << p.shift)
        }
    }

    /// Reads every lane's bits out of the elements into `values`.
    @inline(__always)
    func get(_ flat: UnsafeMutableBufferPointer<UInt64>, into values: UnsafeMutablePointer<UInt64>, lanes: Int) {
        values.update(repeating: 0, count: lanes)
        for p in pieces { values[p.lane] |= ((flat[p.element] >> p.shift) & p.mask) << p.laneShift }
    }
}
