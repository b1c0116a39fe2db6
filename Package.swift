// swift-tools-version: 6.0
import PackageDescription

// fxcodec: a fixed-point JPEG-style codec for FPGAs, modelled bit-accurately in Swift and rendered
// as HLS C++ and Verilog from one datapath description.
let optimize: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo", "-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// The golden model's lanes are eight 32-bit integers: one AVX2 register on x86-64 (Haswell, 2013, and later).
#if arch(x86_64)
let vectorTarget: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let vectorTarget: [SwiftSetting] = []
#endif

let package = Package(
    name: "fxcodec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fxcodec", targets: ["fxcodec"]),
        .library(name: "FixedPoint", targets: ["FixedPoint"]),
        .library(name: "Golden", targets: ["Golden"]),
        .library(name: "JPEG", targets: ["JPEG"]),
        .library(name: "HLSGen", targets: ["HLSGen"]),
        .library(name: "Hardware", targets: ["Hardware"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // ap_fixed<W,I,Q,O,N>-exact numbers.
        .target(name: "FixedPoint", swiftSettings: optimize),

        // libpng, through the system library, and a small C shim that keeps libpng's longjmp in C.
        .systemLibrary(name: "CLibPNG", path: "Sources/CLibPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .target(name: "CPNGShim", dependencies: ["CLibPNG"], path: "Sources/CPNGShim"),
        // Image in and out: PNG read/write with explicit conversion rules and bounded allocation.
        .target(name: "ImageIO", dependencies: ["CPNGShim", "Golden"]),

        // The installed libjpeg-turbo, used as the reference (kernels, encoder, coefficient reader, decoder).
        .target(name: "CLibJPEG", path: "Sources/CLibJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "LibJPEGReference", dependencies: ["CLibJPEG"]),

        // The codec model: one datapath configuration, evaluated bit for bit. CLanes holds the vector
        // operations its lane evaluator runs on.
        .target(name: "CLanes", path: "Sources/CLanes"),
        .target(name: "Golden", dependencies: ["CLanes"], swiftSettings: optimize + vectorTarget),

        // JPEG files: entropy coding, markers, the file writer and reader around the golden model.
        .target(name: "JPEG", dependencies: ["Golden"], swiftSettings: optimize + vectorTarget),

        // Hardware descriptions (state + a step per clock + channels + memories), said once: evaluated
        // cycle by cycle in Swift, printed as Verilog and as HLS C++. Depends on nothing else.
        .target(name: "Hardware", swiftSettings: optimize),

        // Emitters: HLS C++ and Verilog, rendered from the same datapath description (the Verilog
        // core's transposes printed from Hardware descriptions).
        .target(name: "HLSGen", dependencies: ["Golden", "FixedPoint", "Hardware", "JPEG"], swiftSettings: optimize),

        // Drivers for the outside tools: g++ C simulation, Verilator co-simulation, yosys synthesis.
        .target(name: "CoSim", dependencies: ["HLSGen", "Golden", "ImageIO", "Hardware", "JPEG"], swiftSettings: optimize),

        .executableTarget(name: "fxcodec", dependencies: [
            "FixedPoint", "Golden", "JPEG", "HLSGen", "CoSim", "ImageIO", "LibJPEGReference",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimize),

        // Fuzz targets: scripts/fuzz builds them for libFuzzer (--sanitize=fuzzer, in .build-fuzz); built
        // plainly, the executable replays files through a target.
        .executableTarget(name: "fxcodec-fuzz", dependencies: ["Golden", "ImageIO", "JPEG"], path: "Fuzz/Targets"),

        .testTarget(name: "FixedPointTests", dependencies: ["FixedPoint"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "Golden"]),
        .testTarget(name: "GoldenTests", dependencies: ["Golden", "ImageIO", "LibJPEGReference"]),
        .testTarget(name: "HLSGenTests", dependencies: ["HLSGen", "CoSim", "Golden", "ImageIO", "JPEG", "Hardware"]),
        .testTarget(name: "CoSimTests", dependencies: ["CoSim", "HLSGen", "Golden", "ImageIO", "JPEG"]),
        .testTarget(name: "JPEGTests", dependencies: ["JPEG", "Golden", "ImageIO", "LibJPEGReference"]),
        .testTarget(name: "CLITests", dependencies: ["fxcodec", "ImageIO", "Golden"]),
        .testTarget(name: "FuzzTests"),
        .testTarget(name: "HardwareTests", dependencies: ["Hardware", "CoSim", "HLSGen", "Golden"]),
    ]
)
