// swift-tools-version:6.1
// anomalyd — a streaming anomaly-detection daemon. Modules and their arrows: docs/ARCHITECTURE.md.
// Licensed under the Apache License, Version 2.0: see LICENSE.
import PackageDescription

let package = Package(
    name: "anomalyd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "anomalyd", targets: ["anomalyd"]),
        .executable(name: "anomalyd-bench", targets: ["anomalyd-bench"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        .library(name: "Records", targets: ["Records"]),
        .library(name: "VAE", targets: ["VAE"]),
        .library(name: "Detector", targets: ["Detector"]),
        .library(name: "Offline", targets: ["Offline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Default traits off: no swift-configuration (we have our own TOML config) and no full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        // System libraries.
        // libzmq's pkg-config file adds Kerberos include flags SwiftPM rejects with a warning;
        // its header is in the default include path, so the module map links it directly.
        .systemLibrary(name: "CZeroMQ"),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        // zlib's crc32 for the model files' checksum (docs/DESIGN.md §7): on every system already.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

        // Library modules; arrows point down only (docs/ARCHITECTURE.md).
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"], swiftSettings: hotPath),
        .target(name: "Records", swiftSettings: hotPath),
        .target(name: "VAE", dependencies: ["CBLAS", "CZlib"], swiftSettings: hotPath + optimizedInTests),
        .target(name: "Detector", dependencies: ["VAE", "Records"], swiftSettings: hotPath + optimizedInTests),
        // Files in, files out around the detector: CSV, labels, evaluation, result writers, plots.
        .target(name: "Offline", dependencies: ["Detector"]),
        .target(
            name: "Daemon",
            dependencies: [
                "ZeroMQ", "Records", "VAE", "Detector",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: hotPath),

        // Executables.
        .executableTarget(
            name: "anomalyd",
            dependencies: [
                "Daemon", "Detector", "Offline", "VAE", "Records", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "anomalyd-bench",
            dependencies: ["Records", "VAE", "Detector", "ZeroMQ"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),

        // Tests.
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ", "Records"]),
        .testTarget(name: "RecordsTests", dependencies: ["Records"]),
        .testTarget(name: "VAETests", dependencies: ["VAE"]),
        // Daemon for its ScoringThread, which the detector's two-core tests run on.
        .testTarget(name: "DetectorTests", dependencies: ["Detector", "VAE", "Records", "Daemon"]),
        .testTarget(name: "OfflineTests", dependencies: ["Offline", "Detector"]),
        // The pyzmq and notify-socket peers the tests spawn are Python scripts, not sources.
        .testTarget(name: "CommandLineTests", dependencies: ["anomalyd"], exclude: ["Peers"]),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "Detector",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

/// Release builds of the modules on the hot path skip the run-time exclusivity checks
/// (`swift_beginAccess`/`swift_endAccess` on every class-property access): measured with
/// `anomalyd-bench e2e` under `perf`, they were about a fifth of the daemon's time per record.
/// Debug builds, which run the tests, keep them, so an access conflict still traps there.
var hotPath: [SwiftSetting] { [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))] }

/// The numeric modules are optimised in debug builds too, safety checks kept (`-O`, not
/// `-Ounchecked`): the test suite trains real models over generated series of thousands of rows,
/// which unoptimised took two minutes a series (measured: `detect` over a 6,000-row series, 121 s against 2.2 s).
var optimizedInTests: [SwiftSetting] { [.unsafeFlags(["-O"], .when(configuration: .debug))] }
