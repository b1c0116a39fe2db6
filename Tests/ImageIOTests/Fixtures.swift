import Foundation
import Golden
import ImageIO
import Testing

/// The sample every generated PNG stores at (x, y) in channel c, for a bit depth; palette images
/// store it as the index.  The Python generator below uses the same formula.
func sourceSample(x: Int, y: Int, c: Int, depth: Int) -> Int {
    (x * 7919 + y * 104729 + c * 15485863 + x * y * 31) % (1 << depth)
}

func paletteEntry(_ i: Int) -> [Int] { [(i * 53 + 7) % 256, (i * 97 + 11) % 256, (i * 193 + 13) % 256] }
func paletteAlpha(_ i: Int) -> Int { (i * 71 + 5) % 256 }

/// PNG files written by Python's zlib and struct (an encoder independent of libpng), once per test
/// run: every `PNGKind.all`, and the special files named at the end of the generator.
enum Fixtures {
    static let folder: String = {
        let folder = makeTemporaryFolder(prefix: "fxcodec-png-fixtures")
        let process = Process()
        let input = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", generator, folder]
        process.standardInput = input
        do {
            try process.run()
            input.fileHandleForWriting.write(Data(PNGKind.all.map(\.generatorLine).joined(separator: "\n").utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
        } catch {
            fatalError("cannot run python3 to make the PNG fixtures: \(error)")
        }
        precondition(process.terminationStatus == 0, "the PNG fixture generator failed")
        atexit { try? FileManager.default.removeItem(atPath: Fixtures.folder) }
        return folder
    }()

    static func path(_ name: String) -> String { folder + "/" + name + ".png" }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// The photographs in /work/shared/images: the repository root is three levels above this file.
    static func sharedImage(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("../shared/images/\(name)")
            .standardizedFileURL.path
    }

    static let generator = #"""
import os, struct, sys, zlib
out = sys.argv[1]

def sample(x, y, c, depth):
    return (x * 7919 + y * 104729 + c * 15485863 + x * y * 31) % (1 << depth)

def palette_entry(i):
    return bytes([(i * 53 + 7) % 256, (i * 97 + 11) % 256, (i * 193 + 13) % 256])

def palette_alpha(i):
    return (i * 71 + 5) % 256

def chunk(kind, data):
    body = kind + data
    return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body) & 0xffffffff)

def pack(values, depth):
    if depth == 16:
        return b''.join(struct.pack('>H', v) for v in values)
    if depth == 8:
        return bytes(values)
    per_byte, packed = 8 // depth, bytearray()
    for start in range(0, len(values), per_byte):
        byte = 0
        for j, v in enumerate(values[start:start + per_byte]):
            byte |= v << (8 - depth * (j + 1))
        packed.append(byte)
    return bytes(packed)

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}

def scanlines(pixels, width, height, depth, interlaced):
    def rows(xs, ys):
        return b''.join(b'\0' + pack([v for x in xs for v in pixels[y][x]], depth) for y in ys)
    if not interlaced:
        return rows(range(width), range(height))
    passes = [(range(x0, width, dx), range(y0, height, dy)) for x0, y0, dx, dy in ADAM7]
    return b''.join(rows(xs, ys) for xs, ys in passes if len(xs) and len(ys))

def png(width, height, depth, color, interlaced=False, chunks=(), pixels=None, idat=None):
    if idat is None:
        if pixels is None:
            pixels = [[[sample(x, y, c, depth) for c in range(CHANNELS[color])] for x in range(width)]
                      for y in range(height)]
        idat = zlib.compress(scanlines(pixels, width, height, depth, interlaced))
    ihdr = struct.pack('>IIBBBBB', width, height, depth, color, 0, 0, 1 if interlaced else 0)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + b''.join(chunk(k, d) for k, d in chunks)
            + chunk(b'IDAT', idat) + chunk(b'IEND', b''))

def save(name, data):
    with open(os.path.join(out, name + '.png'), 'wb') as f:
        f.write(data)

def palette_chunks(depth, trns):
    count = 1 << depth
    chunks = [(b'PLTE', b''.join(palette_entry(i) for i in range(count)))]
    if trns:
        chunks.append((b'tRNS', bytes(palette_alpha(i) for i in range(count // 2))))
    return chunks

def key_chunk(color, depth):
    channels = [0] if color == 0 else [0, 1, 2]
    return [(b'tRNS', b''.join(struct.pack('>H', sample(1, 1, c, depth)) for c in channels))]

for name, width, height, depth, color, interlaced, trns in [
        (name, int(w), int(h), int(d), int(c), i == 'adam7', t == 'trns')
        for name, w, h, d, c, i, t in (line.split(',') for line in sys.stdin.read().split())]:
    chunks = []
    if color == 3:
        chunks = palette_chunks(depth, trns)
    elif trns:
        chunks = key_chunk(color, depth)
    save(name, png(width, height, depth, color, interlaced, chunks))

save('grey16_every_value', png(256, 256, 16, 0, pixels=[[[y * 256 + x] for x in range(256)] for y in range(256)]))
save('huge', png(100000, 100000, 8, 0, idat=zlib.compress(b'\0\0')))
save('too_wide', png(0x7fffffff, 1, 8, 0, idat=zlib.compress(b'\0\0')))
save('bad_zlib', png(4, 4, 8, 0, idat=b'this is not a zlib stream'))
"""#
}

func makeTemporaryFolder(prefix: String) -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Where two images first differ, or nil when they are equal.
func firstDifference(_ a: Image, _ b: Image) -> String? {
    guard a.width == b.width, a.height == b.height, a.components == b.components else {
        return "shape \(a.width)x\(a.height)x\(a.components) vs \(b.width)x\(b.height)x\(b.components)"
    }
    guard let i = a.samples.indices.first(where: { a.samples[$0] != b.samples[$0] }) else { return nil }
    let pixel = i / a.components
    return "at x \(pixel % a.width), y \(pixel / a.width), component \(i % a.components): "
        + "\(a.samples[i]) vs \(b.samples[i])"
}

func differingSamples(_ a: Image, _ b: Image) -> Int {
    zip(a.samples, b.samples).count { $0 != $1 }
}

/// Runs `body`, which must throw an ImageIOError about `path` whose text begins with the path.
func expectImageIOError(about path: String, _ body: () throws -> Void) -> ImageIOError? {
    do {
        try body()
        Issue.record("no error about \(path); one was expected")
        return nil
    } catch let error as ImageIOError {
        #expect(error.path == path)
        #expect(error.description.hasPrefix(path + ": "))
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}
