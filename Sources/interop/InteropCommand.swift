import ArgumentParser

/// `interop`: the gRPC interoperability test server and client of this project, with the flags
/// grpc's `doc/interop-test-descriptions.md` gives every implementation.
@main
struct InteropCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "interop",
    abstract: "gRPC interoperability test server and client over the nghttp2 transport.",
    subcommands: [ServerCommand.self, ClientCommand.self]
  )
}
