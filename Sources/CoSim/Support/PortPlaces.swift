import Hardware

/// Where each port of a module sits among the simulator's flat input and output elements (ports in
/// order, each port's elements in a row), for the harness loops that drive a description in Swift.
struct PortPlaces {
    let module: Module
    let harness: String

    /// The elements of port `name` among `ports`; throws when the module has no such port.
    func place(_ name: String, _ ports: [ModulePort]) throws -> Range<Int> {
        var first = 0
        for p in ports {
            if p.name == name { return first..<(first + p.count) }
            first += p.count
        }
        throw HardwareSimulationError("module \(module.name) has no port \(name), which the \(harness) uses")
    }

    func input(_ name: String) throws -> Int { try place(name, module.inputs).lowerBound }
    func output(_ name: String) throws -> Int { try place(name, module.outputs).lowerBound }
    func inputs(_ name: String) throws -> Range<Int> { try place(name, module.inputs) }
    func outputs(_ name: String) throws -> Range<Int> { try place(name, module.outputs) }
}
