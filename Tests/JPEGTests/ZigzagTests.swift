import Testing
import JPEG

@Suite struct ZigzagTests {
    /// Zigzag walks the anti-diagonals, alternating direction: every step moves to a neighbour
    /// (right, down, or diagonally), and the order is a permutation of 0..<64.
    @Test func isAPermutationOfNeighbouringSteps() {
        #expect(Set(Zigzag.natural) == Set(0..<64))
        for k in 1..<64 {
            let (a, b) = (Zigzag.natural[k - 1], Zigzag.natural[k])
            let (dr, dc) = (b / 8 - a / 8, b % 8 - a % 8)
            #expect(abs(dr) <= 1 && abs(dc) <= 1, "step \(k)")
            #expect(a / 8 + a % 8 <= b / 8 + b % 8, "diagonals never go back, step \(k)")
        }
        for n in 0..<64 { #expect(Zigzag.natural[Zigzag.position[n]] == n) }
    }
}
