// swift-tools-version:6.1
import PackageDescription

/// Settings every target of the platform compiles with.
let strictSwift: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
  name: "maac",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "interop", targets: ["interop"]),
    .executable(name: "maac-contacts", targets: ["maac-contacts"]),
    .executable(name: "maac-ops", targets: ["maac-ops"]),
    .executable(name: "maac-admin", targets: ["maac-admin"]),
    .executable(name: "maac-admin-provision", targets: ["maac-admin-provision"]),
    .executable(name: "maac-cdh", targets: ["maac-cdh"]),
    .executable(name: "maac-tags", targets: ["maac-tags"]),
    .library(name: "GRPCNGHTTP2Transport", targets: ["GRPCNGHTTP2Transport"]),
    .library(name: "InteropTesting", targets: ["InteropTesting"]),
    .library(name: "InteropTestingContracts", targets: ["InteropTestingContracts"]),
    .executable(name: "maac-gateway", targets: ["maac-gateway"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.1.0"),
  ],
  targets: [
    // MARK: System libraries

    .systemLibrary(
      name: "CNGHTTP2",
      pkgConfig: "libnghttp2",
      providers: [.apt(["libnghttp2-dev"])]
    ),
    .systemLibrary(
      name: "CLibPQ",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"])]
    ),

    // MARK: RPC transport

    .target(
      name: "GRPCNGHTTP2Transport",
      dependencies: [
        "CNGHTTP2",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "GRPCNGHTTP2TransportTests",
      dependencies: [
        "GRPCNGHTTP2Transport",
        "CNGHTTP2",
        "MAACTestSupport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: strictSwift
    ),

    // MARK: gRPC interoperability test service and client

    .target(
      name: "InteropTestingContracts",
      dependencies: [
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: strictSwift
    ),
    .target(
      name: "InteropTesting",
      dependencies: [
        "InteropTestingContracts",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
      ],
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "InteropTestingTests",
      dependencies: [
        "InteropTesting",
        "GRPCNGHTTP2Transport",
        "InteropTestingContracts",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
      ],
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "interop",
      dependencies: [
        "GRPCNGHTTP2Transport",
        "InteropTesting",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ],
      swiftSettings: strictSwift
    ),

    // MARK: Data

    .target(
      name: "PostgresClient",
      dependencies: [
        "CLibPQ",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "PostgresClientTests",
      dependencies: [
        "MAACTestSupport",
        "PostgresClient",
        .product(name: "Logging", package: "swift-log"),
      ],
      resources: [.copy("Migrations")],
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "PostgresBenchmarks",
      dependencies: [
        "PostgresClient",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictSwift
    ),

    // MARK: Contracts (generated by Scripts/generate-protos.sh, never edited)

    .target(
      name: "MAACContracts",
      dependencies: [
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: strictSwift
    ),

    // MARK: Contract tests (compatibility, wire format, service conformance)

    // protoc-c output of every contract (Scripts/generate-protos.sh, never edited): the second,
    // independent protobuf implementation the wire tests decode and encode with.
    .target(
      name: "CContractsWire",
      path: "Sources/CContractsWire",
      linkerSettings: [.linkedLibrary("protobuf-c")]
    ),
    .target(
      name: "ContractsTestSupport",
      dependencies: [
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "Tests/ContractsTestSupport",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "ContractsTests",
      dependencies: [
        "AdminService",
        "CContractsWire",
        "CdhService",
        "ContactsService",
        "ContractsTestSupport",
        "EmailService",
        "JourneyService",
        "MAACContracts",
        "SegmentsService",
        "TagsService",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      exclude: ["Snapshot"],
      swiftSettings: strictSwift
    ),

    // MARK: Services (one library per context; RPC skeletons from Scripts/generate-service-skeletons.py)

    .target(
      name: "ContactsService",
      dependencies: [
        "ContactsDomain",
        "ServiceKit",
        "PostgresClient",
        "MAACContracts",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      path: "services/contacts/Sources/ContactsService",
      resources: [.copy("Migrations")],
      swiftSettings: strictSwift
    ),
    .target(
      name: "CdhService",
      dependencies: [
        "CDHDomain",
        "MAACContracts",
        "ServiceKit",
        "PostgresClient",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      path: "services/cdh/Sources/CdhService",
      resources: [.copy("Migrations")],
      swiftSettings: strictSwift
    ),
    .target(
      name: "TagsService",
      dependencies: [
        "MAACContracts",
        "ServiceKit",
        "PostgresClient",
        "TagsDomain",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      path: "services/tags/Sources/TagsService",
      resources: [.copy("Migrations")],
      swiftSettings: strictSwift
    ),
    .target(
      name: "SegmentsService",
      dependencies: [
        "MAACContracts",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "services/segments/Sources/SegmentsService",
      swiftSettings: strictSwift
    ),
    .target(
      name: "JourneyService",
      dependencies: [
        "MAACContracts",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "services/journey/Sources/JourneyService",
      swiftSettings: strictSwift
    ),
    .target(
      name: "EmailService",
      dependencies: [
        "MAACContracts",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "services/email/Sources/EmailService",
      swiftSettings: strictSwift
    ),

    // MARK: Service kit

    .target(
      name: "ServiceKit",
      dependencies: [
        "GRPCNGHTTP2Transport",
        "PostgresClient",
        "MAACContracts",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "ServiceKitTests",
      dependencies: [
        "ServiceKit",
        "MAACTestSupport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: strictSwift
    ),

    // MARK: Operator tools

    .executableTarget(
      name: "maac-ops",
      dependencies: [
        "PostgresClient",
        "ServiceKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictSwift
    ),

    // MARK: System tests: the real executables

    .testTarget(
      name: "SystemTests",
      dependencies: [
        "MAACTestSupport",
        "ServiceKit",
        "MAACContracts",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ],
      swiftSettings: strictSwift
    ),

    // MARK: Test support shared by every test target

    .target(
      name: "MAACTestSupport",
      dependencies: [
        "MAACContracts",
        "ServiceKit",
        "PostgresClient",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "Tests/MAACTestSupport",
      swiftSettings: strictSwift
    ),

    // MARK: cdh service

    .target(
      name: "CDHDomain",
      path: "services/cdh/Sources/CDHDomain",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "CDHDomainTests",
      dependencies: ["CDHDomain"],
      path: "services/cdh/Tests/CDHDomainTests",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "CDHServiceTests",
      dependencies: [
        "CdhService",
        "AdminService",
        "CDHDomain",
        "MAACTestSupport",
        "ServiceKit",
        "MAACContracts",
        "PostgresClient",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "services/cdh/Tests/CDHServiceTests",
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "maac-cdh",
      dependencies: [
        "CdhService", "ServiceKit", "MAACContracts", "PostgresClient",
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      path: "services/cdh/Sources/maac-cdh",
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "cdh-bench",
      dependencies: ["CDHDomain", "CdhService", "PostgresClient", "ServiceKit"],
      path: "services/cdh/Sources/cdh-bench",
      swiftSettings: strictSwift
    ),

    // MARK: tags service

    .target(
      name: "TagsDomain",
      path: "services/tags/Sources/TagsDomain",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "TagsDomainTests",
      dependencies: ["TagsDomain"],
      path: "services/tags/Tests/TagsDomainTests",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "TagsServiceTests",
      dependencies: [
        "TagsService",
        "TagsDomain",
        "CdhService",
        "AdminService",
        "SegmentsService",
        "ContactsService",
        "MAACTestSupport",
        "MAACContracts",
        "ServiceKit",
        "PostgresClient",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "services/tags/Tests/TagsServiceTests",
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "maac-tags",
      dependencies: ["TagsService", "ServiceKit"],
      path: "services/tags/Sources/maac-tags",
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "tags-benchmark",
      dependencies: [
        "TagsService",
        "MAACTestSupport",
        "MAACContracts",
        "ServiceKit",
        "PostgresClient",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ],
      path: "services/tags/Sources/tags-benchmark",
      swiftSettings: strictSwift
    ),

    // MARK: contacts service

    .target(
      name: "ContactsDomain",
      path: "services/contacts/Sources/ContactsDomain",
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "maac-contacts",
      dependencies: ["ContactsService", "ServiceKit"],
      path: "services/contacts/Sources/maac-contacts",
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "contacts-benchmark",
      dependencies: [
        "ContactsService",
        "ContactsDomain",
        "ServiceKit",
        "PostgresClient",
        "MAACContracts",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ],
      path: "services/contacts/Sources/contacts-benchmark",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "ContactsDomainTests",
      dependencies: ["ContactsDomain"],
      path: "services/contacts/Tests/ContactsDomainTests",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "ContactsServiceTests",
      dependencies: [
        "ContactsService",
        "AdminService",
        "ContactsDomain",
        "CdhService",
        "SegmentsService",
        "ServiceKit",
        "MAACTestSupport",
        "TagsService",
        "MAACContracts",
        "PostgresClient",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      path: "services/contacts/Tests/ContactsServiceTests",
      swiftSettings: strictSwift
    ),

    // MARK: admin service

    .target(
      name: "AdminDomain",
      path: "services/admin/Sources/AdminDomain",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "AdminDomainTests",
      dependencies: ["AdminDomain"],
      path: "services/admin/Tests/AdminDomainTests",
      swiftSettings: strictSwift
    ),
    .target(
      name: "AdminService",
      dependencies: [
        "AdminDomain",
        "MAACContracts",
        "PostgresClient",
        "ServiceKit",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "services/admin/Sources/AdminService",
      resources: [.copy("Migrations")],
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "maac-admin",
      dependencies: ["AdminService", "ServiceKit"],
      path: "services/admin/Sources/maac-admin",
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "maac-admin-provision",
      dependencies: [
        "AdminDomain",
        "AdminService",
        "GRPCNGHTTP2Transport",
        "MAACContracts",
        "ServiceKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ],
      path: "services/admin/Sources/maac-admin-provision",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "AdminServiceTests",
      dependencies: [
        "AdminDomain",
        "AdminService",
        // Contacts' client of GetChannelCredentials (LineChannelTokens), tested against the
        // real admin center here.
        "ContactsService",
        "maac-admin-provision",
        "MAACContracts",
        "MAACTestSupport",
        "PostgresClient",
        "ServiceKit",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "services/admin/Tests/AdminServiceTests",
      swiftSettings: strictSwift
    ),

    // MARK: gateway

    .target(
      name: "Gateway",
      dependencies: [
        "GRPCNGHTTP2Transport",
        "MAACContracts",
        "ServiceKit",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "JWTKit", package: "jwt-kit"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "CryptoExtras", package: "swift-crypto"),
      ],
      path: "gateway/Sources/Gateway",
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "maac-gateway",
      dependencies: [
        "Gateway",
        "ServiceKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      path: "gateway/Sources/maac-gateway",
      swiftSettings: strictSwift
    ),
    .executableTarget(
      name: "GatewayBenchmarks",
      dependencies: [
        "Gateway",
        "GRPCNGHTTP2Transport",
        "MAACContracts",
        "ServiceKit",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "gateway/Sources/GatewayBenchmarks",
      swiftSettings: strictSwift
    ),
    .testTarget(
      name: "GatewayTests",
      dependencies: [
        "Gateway",
        "MAACTestSupport",
        "ServiceKit",
        "MAACContracts",
        "PostgresClient",
        "TagsService",
        "ContactsService",
        "CdhService",
        "AdminService",
        "GRPCNGHTTP2Transport",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "JWTKit", package: "jwt-kit"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "CryptoExtras", package: "swift-crypto"),
      ],
      path: "gateway/Tests/GatewayTests",
      swiftSettings: strictSwift
    ),
  ]
)
