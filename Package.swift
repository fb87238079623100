// swift-tools-version:6.1
import PackageDescription

/// One strict settings list for every target (Swift 6 language mode is the tools-version default).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "hutsync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hutsync", targets: ["hutsync"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // libsodium, from the system (libsodium-dev).
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // libdeflate, for gzip-compressed pull pages.
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // SQLite's session extension, for the node's undoable overlay of pending writes.
        .systemLibrary(name: "CSQLiteSession", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The wire format: canonical JSON, change sets, signatures, sealing, booking codes. No GRDB, so fuzzing
        // builds stay small.
        // Ed25519 batch verification on libsodium's own arithmetic (vendored unchanged in `libsodium/`, compiled only
        // through `ed25519_batch.c`).
        .target(
            name: "CEd25519", dependencies: ["CSodium"], exclude: ["libsodium"],
            cSettings: [.headerSearchPath("libsodium")]
        ),
        .target(name: "Wire", dependencies: ["CSodium", "CEd25519"], swiftSettings: strictSettings),
        .target(
            name: "Store",
            dependencies: ["Wire", "CSQLiteSession", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .target(name: "Services", dependencies: ["Store", "Wire"], swiftSettings: strictSettings),
        .target(
            name: "SyncNode",
            dependencies: [
                "Services", "Store", "Wire", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Relay",
            dependencies: [
                "Services", "Store", "Wire", "CDeflate", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "hutsync",
            dependencies: [
                "Wire", "Store", "SyncNode", "Relay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        // Fixtures and fakes shared by the test targets.
        .target(name: "TestSupport", dependencies: ["Wire", "Store"], swiftSettings: strictSettings),
        .testTarget(
            name: "WireTests", dependencies: ["Wire", "TestSupport", "CSodium"], swiftSettings: strictSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "RelayTests",
            dependencies: [
                "Relay", "SyncNode", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SimulationTests",
            dependencies: [
                "Relay", "SyncNode", "Store", "Wire", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "CLITests",
            dependencies: ["Wire", "Store", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
    ]
)
