import ArgumentParser
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import InteropTesting

/// `interop server --port N`: serves `grpc.testing.TestService` until terminated.
struct ServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "server",
    abstract: "Serve grpc.testing.TestService (h2c) and print 'listening on HOST:PORT'."
  )

  @Option(name: .customLong("port"), help: "The port to listen on; 0 picks a free one.")
  var port: Int

  @Option(name: .customLong("host"), help: "The IPv4 address to listen on.")
  var host = "127.0.0.1"

  @Option(name: .customLong("use_tls"), help: "Must be false: TLS is not supported yet.")
  var useTLS = false

  func validate() throws {
    guard (0...65_535).contains(self.port) else {
      throw ValidationError("--port must be in 0...65535, got \(self.port)")
    }
    guard !self.useTLS else {
      throw ValidationError("--use_tls=true is not supported: the transport speaks h2c only")
    }
  }

  func run() async throws {
    let transport = NGHTTP2ServerTransport(
      address: .ipv4(host: self.host, port: self.port),
      config: .defaults
    )
    let server = GRPCServer(transport: transport, services: [TestService()])
    try await withThrowingDiscardingTaskGroup { group in
      group.addTask { try await server.serve() }
      let address = try await transport.listeningAddress
      // The test harness reads this line to learn the port picked for `--port 0`.
      // Written unbuffered: stdout is a pipe under the harness, where print() would buffer.
      FileHandle.standardOutput.write(Data("listening on \(address)\n".utf8))
    }
  }
}
