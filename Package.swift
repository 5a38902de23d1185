// swift-tools-version:6.1
import PackageDescription

// Generic types our code uses are instantiated through their metadata accessors, with the
// conformances they need passed in, instead of from mangled names: the runtime would look each
// conformance up in every conformance record of the static binary, ~0.3 ms apiece on the
// first use of each type (docs/scale.md, "Start-up").
let accessors: [SwiftSetting] = [
  .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"])
]

let package = Package(
  name: "Gloss",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "gloss", targets: ["gloss"]),
    .library(name: "GlossCore", targets: ["GlossCore"]),
    .library(name: "Agreement", targets: ["Agreement"]),
    .library(name: "GlossReport", targets: ["GlossReport"]),
    .library(name: "GlossServer", targets: ["GlossServer"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibgit2",
      pkgConfig: "libgit2",
      providers: [.apt(["libgit2-dev"])]
    ),
    .target(name: "CSHA1"),
    .target(name: "GitKit", dependencies: ["CLibgit2", "CSHA1"], swiftSettings: accessors),
    .target(name: "Agreement", swiftSettings: accessors),
    .target(
      name: "GlossCore",
      dependencies: ["GitKit", "Agreement", .product(name: "Yams", package: "Yams")],
      swiftSettings: accessors
    ),
    .target(
      name: "Interchange",
      dependencies: ["GlossCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
    ),
    .target(name: "GlossReport", dependencies: ["GlossCore", "Agreement"]),
    .target(
      name: "GlossServer",
      dependencies: ["GlossCore", "GlossReport", .product(name: "Hummingbird", package: "hummingbird")]
    ),
    .executableTarget(
      name: "gloss",
      dependencies: [
        "GlossCore", "Interchange", "Agreement", "GlossReport", "GlossServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: accessors
    ),
    .testTarget(name: "GitKitTests", dependencies: ["GitKit"]),
    .testTarget(
      name: "AgreementTests",
      dependencies: ["Agreement", .product(name: "PropertyBased", package: "swift-property-based")],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "GlossCoreTests",
      dependencies: ["GlossCore", .product(name: "PropertyBased", package: "swift-property-based")]
    ),
    .testTarget(
      name: "InterchangeTests",
      dependencies: ["Interchange", "GlossCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
      exclude: ["tools"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(name: "GlossReportTests", dependencies: ["GlossReport", "GlossCore"]),
    .testTarget(name: "GlossServerTests", dependencies: ["GlossServer", "GlossCore"]),
    .testTarget(name: "glossTests", dependencies: ["gloss", "GlossCore"]),
  ]
)
