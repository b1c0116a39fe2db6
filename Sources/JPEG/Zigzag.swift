/// The zigzag scan of an 8×8 block (T.81 figure A.6): `Zigzag.natural[k]` is the row-major
/// ("natural") index of the k-th coefficient in zigzag order. Blocks everywhere else in fxcodec are
/// in natural order; only the bytes of a JPEG file (DQT entries, entropy-coded AC runs) use zigzag.
public enum Zigzag {
    public static let natural: [Int] = [
         0,  1,  8, 16,  9,  2,  3, 10,
        17, 24, 32, 25, 18, 11,  4,  5,
        12, 19, 26, 33, 40, 48, 41, 34,
        27, 20, 13,  6,  7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36,
        29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46,
        53, 60, 61, 54, 47, 55, 62, 63,
    ]

    /// The inverse: `Zigzag.position[n]` is the zigzag position of natural index n.
    public static let position: [Int] = {
        var p = [Int](repeating: 0, count: 64)
        for (k, n) in natural.enumerated() { p[n] = k }
        return p
    }()
}
