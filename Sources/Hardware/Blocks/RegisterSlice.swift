extension ModuleBuilder {
    /// A register slice on a valid/ready stream: a beat register and a skid register behind it, so the
    /// upstream ready is a register (`~skid valid`) and the downstream ready reaches these registers
    /// alone. A beat offered while the beat register is held goes to the skid register; the beat
    /// register takes the skid's beat first. One beat a clock without stalls.
    ///   valid, fields: the upstream beat; ready: the downstream's ready;
    ///   skidValid: the skid register's valid, made before (`sliceSkidValid`) where the upstream ready
    ///   is needed first, as an input channel's is.
    /// Returns the beat register's valid and fields, and the upstream ready and fire.
    public func registerSlice(_ name: String, valid: Signal, fields: [Signal], skidValid made: Signal? = nil, ready: Signal)
        -> (valid: Signal, fields: [Signal], upstreamReady: Signal, upstreamFire: Signal) {
        let beatValid = register("\(name)_valid", width: 1, reset: 0), skidValid = made ?? sliceSkidValid(name)
        let beat = fields.enumerated().map { register("\(name)_beat\($0)", width: $1.width, reset: nil) }
        let skid = fields.enumerated().map { register("\(name)_skid\($0)", width: $1.width, reset: nil) }
        let upstreamReady = ~skidValid
        let upstreamFire = self.name(valid & upstreamReady, "\(name)_taken_in")
        let taken = beatValid & ready
        when(taken | ~beatValid) {
            set(beatValid, skidValid | upstreamFire)
            for (n, register) in beat.enumerated() { set(register, select(skidValid, skid[n], fields[n])) }
            set(skidValid, zero)
        } otherwise: {
            when(upstreamFire) { set(skidValid, one) }
        }
        // An empty skid register takes the upstream's fields every clock (they count only once its valid
        // is set), so its enable is a register and not the downstream's ready.
        when(~skidValid) {
            for (n, register) in skid.enumerated() { set(register, fields[n]) }
        }
        return (beatValid, beat, upstreamReady, upstreamFire)
    }

    /// The skid register's valid of the slice `name`; its inverse is the slice's upstream ready.
    public func sliceSkidValid(_ name: String) -> Signal { register("\(name)_skid_valid", width: 1, reset: 0) }
}
