// swift-tools-version:6.0
import PackageDescription

/// The shipped targets use the standard library alone: no Foundation, not even
/// FoundationEssentials, and not the implicitly imported `_StringProcessing`
/// (string algorithms and Regex). Each of them links megabytes of code into the
/// static binary, and the daemon's resident memory is a benchmarked figure
/// (BENCHMARKS.md). The flag makes an accidental use a compile error.
let lean: [SwiftSetting] = [
  .unsafeFlags(["-Xfrontend", "-disable-implicit-string-processing-module-import"])
]

/// How the release binary is linked, for its resident memory: lld with packed
/// relative relocations (DT_RELR, glibc 2.36+), which shrinks the relocation
/// table the loader reads at start from 600 kB to 5 kB, and without exporting
/// every symbol to the dynamic symbol table (nothing looks them up).
let leanLinking: [LinkerSetting] = [
  .unsafeFlags(
    [
      "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
      "-Xlinker", "--no-export-dynamic",
    ], .when(platforms: [.linux], configuration: .release))
]

let package = Package(
  name: "infrahoused",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "infrahoused", targets: ["infrahoused"]),
    .library(name: "InfraHouseCore", targets: ["InfraHouseCore"]),
    .library(name: "InfraHouseTOML", targets: ["InfraHouseTOML"]),
  ],
  targets: [
    // Thin system-library targets, one per Debian C library.
    .systemLibrary(
      name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
    .systemLibrary(
      name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "CXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    // glibc's <malloc.h> (mallopt): part of libc, nothing to install.
    .systemLibrary(name: "CMalloc"),

    // The TOML 1.0 parser: standard library only.
    .target(name: "InfraHouseTOML", swiftSettings: lean),
    // The daemon's typed configuration, decoded from TOML.
    .target(name: "InfraHouseConfig", dependencies: ["InfraHouseTOML"], swiftSettings: lean),
    // The library half: HTTP, AWS, GitHub, Orchestrator, locks.
    .target(
      name: "InfraHouseCore", dependencies: ["CCurl", "CXML2", "CCrypto"], swiftSettings: lean),
    // The daemon runtime: scheduler, sd_notify, journald, control socket.
    .target(
      name: "InfraHouseDaemon",
      dependencies: [
        "InfraHouseCore", "InfraHouseConfig", "InfraHouseTOML", "CSystemd", "CMalloc",
      ],
      swiftSettings: lean
    ),
    .executableTarget(
      name: "infrahoused", dependencies: ["InfraHouseDaemon"], swiftSettings: lean,
      linkerSettings: leanLinking),
    // The Swift driver of bench/aws-getitem.sh (not a product).
    .executableTarget(
      name: "aws-bench", dependencies: ["InfraHouseCore"], path: "Sources/aws-bench",
      swiftSettings: lean, linkerSettings: leanLinking),

    .testTarget(
      name: "InfraHouseTOMLTests", dependencies: ["InfraHouseTOML"], exclude: ["Differential"]),
    .testTarget(name: "InfraHouseConfigTests", dependencies: ["InfraHouseConfig"]),
    .testTarget(name: "InfraHouseCoreTests", dependencies: ["InfraHouseCore"]),
    .testTarget(name: "InfraHouseDaemonTests", dependencies: ["InfraHouseDaemon"]),
  ],
  swiftLanguageModes: [.v6]
)
