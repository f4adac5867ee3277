// swift-tools-version:6.1
// Builds the two protoc plugins used by Scripts/generate-protos.sh. Kept apart from the
// root package so that building the platform never compiles the code generators.
import PackageDescription

let package = Package(
  name: "ProtocPlugins",
  dependencies: [
    .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
  ],
  targets: []
)
