import GRPCCore
import GRPCNGHTTP2Transport
import InteropTesting
import Testing

/// Every interop case with both ends in Swift over the nghttp2 transport on real loopback
/// sockets (the grpcio peers are exercised by Tests/interop).
@Suite("Interop cases over the nghttp2 transport")
struct InteropCasesOverNGHTTP2Tests {
  @Test("interop case passes over nghttp2, IPv4 loopback", arguments: InteropTestCase.allCases)
  func casePasses(_ testCase: InteropTestCase) async throws {
    let serverTransport = NGHTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0))
    try await withGRPCServer(transport: serverTransport, services: [TestService()]) { _ in
      let port = try await serverTransport.listeningAddress.port
      let clientTransport = NGHTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: port))
      try await testCase.test.run(over: clientTransport)
    }
  }
}
