extension HuffmanSpec {
    /// The table libjpeg's `-optimize` builds for these symbol counts (T.81 K.2, as jchuff.c does it):
    ///
    /// 1. A pseudo-symbol 256 of count 1 joins the symbols: it takes the last code of the longest
    ///    length, so no real symbol's code is all ones.
    /// 2. Huffman's procedure: repeatedly merge the two least frequent trees (ties: the larger symbol
    ///    number is taken first); every symbol of a merged tree gets one bit longer.
    /// 3. Lengths over 16 are folded in (K.2 figure K.3): two codes of the longest length i leave it,
    ///    one goes to i − 1, and a code of the next shorter used length j becomes the prefix of two
    ///    codes of length j + 1.
    /// 4. The pseudo-symbol's code is dropped from the longest length left.
    /// HUFFVAL lists the symbols by their length from step 2, then by symbol value; the lengths they
    /// finally get are those of step 3's BITS, taken in that order.
    /// `counts[s]` is how often symbol s (0…255) occurs; symbols that never occur get no code.
    public static func optimal(counts: [Int]) -> HuffmanSpec {
        precondition(counts.count >= 256, "a count for each of the 256 symbols")
        var frequency = Array(counts.prefix(256)) + [1]
        var length = [Int](repeating: 0, count: 257)
        // Symbols of one tree, chained: next[s] is the following symbol of s's tree, −1 at its end.
        var next = [Int](repeating: -1, count: 257)

        while true {
            // c1 the least frequent, c2 the next; a later symbol wins a tie.
            var (c1, c2) = (-1, -1)
            for s in 0...256 where frequency[s] > 0 {
                if c1 < 0 || frequency[s] <= frequency[c1] {
                    (c1, c2) = (s, c1)
                } else if c2 < 0 || frequency[s] <= frequency[c2] {
                    c2 = s
                }
            }
            if c2 < 0 { break }
            frequency[c1] += frequency[c2]
            frequency[c2] = 0
            // Both trees get one bit deeper; c2's chain is hung after c1's.
            var s = c1
            length[s] += 1
            while next[s] >= 0 { s = next[s]; length[s] += 1 }
            next[s] = c2
            s = c2
            length[s] += 1
            while next[s] >= 0 { s = next[s]; length[s] += 1 }
        }

        let longest = length.max() ?? 0
        var bits = [Int](repeating: 0, count: max(longest, 16) + 1)
        for l in length where l > 0 { bits[l] += 1 }
        var i = longest
        while i > 16 {
            while bits[i] > 0 {
                var j = i - 2
                while j > 0 && bits[j] == 0 { j -= 1 }
                bits[i] -= 2
                bits[i - 1] += 1
                bits[j + 1] += 2
                bits[j] -= 1
            }
            i -= 1
        }
        i = 16
        while i > 0 && bits[i] == 0 { i -= 1 }
        if i > 0 { bits[i] -= 1 }

        var symbols: [UInt8] = []
        for l in 1...max(longest, 1) {
            for s in 0..<256 where length[s] == l { symbols.append(UInt8(s)) }
        }
        return HuffmanSpec(counts: (1...16).map { UInt8(bits[$0]) }, symbols: symbols)
    }
}
