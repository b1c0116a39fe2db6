import Foundation
import Golden

/// Grid files of `fxcodec explore`: `ExplorationGrid.parse` (strict decoding, the point limit checked
/// before any point is made). A grid it accepts must make between 1 and the limit of points, each a
/// configuration that validates or says why not; the first valid one must build the model.
enum GridTarget: FuzzTarget {
    static let name = "grid"

    static func run(_ input: [UInt8]) {
        guard let grid = try? ExplorationGrid.parse(Data(input), source: "input") else { return }
        let points = grid.points
        guard (1...ExplorationGrid.maximumPoints).contains(points.count) else { fatalError("\(points.count) points") }
        for p in points where (p.problem == nil) != ((try? p.config.validate()) != nil) {
            fatalError("point \(p.index) (\(p.label)): its problem disagrees with validate()")
        }
        if let valid = points.first(where: { $0.problem == nil }) { _ = try? BlockCodec(valid.config) }
    }
}
