import ArgumentParser
import GRPCCore
import GRPCNGHTTP2Transport
import InteropTesting

/// `interop client --server_host H --server_port N --test_case NAME`: runs one case and exits
/// non-zero when it fails.
struct ClientCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "client",
    abstract: "Run one interoperability test case against a grpc.testing.TestService server."
  )

  @Option(name: .customLong("server_host"), help: "The server's host name or IPv4 address.")
  var serverHost = "localhost"

  @Option(name: .customLong("server_port"), help: "The server's port.")
  var serverPort: Int

  @Option(
    name: .customLong("test_case"),
    help: "One of: \(InteropTestCase.allCases.map(\.rawValue).joined(separator: ", ")).")
  var testCase: String

  @Option(name: .customLong("use_tls"), help: "Must be false: TLS is not supported yet.")
  var useTLS = false

  func validate() throws {
    guard (1...65_535).contains(self.serverPort) else {
      throw ValidationError("--server_port must be in 1...65535, got \(self.serverPort)")
    }
    guard InteropTestCase(rawValue: self.testCase) != nil else {
      let known = InteropTestCase.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError(
        "--test_case \(self.testCase) is not a supported case; use one of \(known)")
    }
    guard !self.useTLS else {
      throw ValidationError("--use_tls=true is not supported: the transport speaks h2c only")
    }
  }

  func run() async throws {
    guard let testCase = InteropTestCase(rawValue: self.testCase) else {
      throw ExitCode.validationFailure
    }
    let target: NGHTTP2ClientTransport.Target =
      Self.isIPv4Literal(self.serverHost)
      ? .ipv4(host: self.serverHost, port: self.serverPort)
      : .dns(host: self.serverHost, port: self.serverPort)
    let transport = NGHTTP2ClientTransport(target: target, config: .defaults)
    do {
      try await testCase.test.run(over: transport)
    } catch {
      print("FAILED \(testCase.rawValue): \(error)")
      throw ExitCode.failure
    }
    print("PASSED \(testCase.rawValue)")
  }

  private static func isIPv4Literal(_ host: String) -> Bool {
    let parts = host.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
  }
}
