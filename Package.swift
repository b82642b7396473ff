// swift-tools-version:6.0
// anomalyd — a streaming anomaly-detection daemon. Layout and arrows: ../shared/SPEC.md §2.
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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // System libraries.
        // libzmq's pkg-config file adds Kerberos include flags SwiftPM rejects with a warning;
        // its header is in the default include path, so the module map links it directly.
        .systemLibrary(name: "CZeroMQ"),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),

        // Library modules; arrows point down only (SPEC §2).
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        .target(name: "Records"),
        .target(name: "VAE", dependencies: ["CBLAS"]),
        .target(name: "Detector", dependencies: ["VAE", "Records"]),
        .target(
            name: "Daemon",
            dependencies: [
                "ZeroMQ", "Records", "VAE", "Detector",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Executables.
        .executableTarget(
            name: "anomalyd",
            dependencies: [
                "Daemon", "Detector", "VAE", "Records", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "anomalyd-bench",
            dependencies: ["Records", "VAE", "Detector", "ZeroMQ"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),

        // Tests.
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ", "Records"]),
        .testTarget(name: "RecordsTests", dependencies: ["Records"]),
        .testTarget(name: "VAETests", dependencies: ["VAE"]),
        .testTarget(name: "DetectorTests", dependencies: ["Detector", "VAE", "Records"]),
        .testTarget(name: "CommandLineTests", dependencies: ["anomalyd"]),
        .testTarget(
            name: "DaemonTests",
            dependencies: ["Daemon", "Detector", .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v6]
)
