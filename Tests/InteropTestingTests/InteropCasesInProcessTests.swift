import GRPCCore
import GRPCInProcessTransport
import InteropTesting
import Testing

/// Every interop case against ``TestService`` over the in-process transport: proves the service
/// and the client cases agree with each other independently of any HTTP/2 transport.
@Suite("Interop cases over the in-process transport")
struct InteropCasesInProcessTests {
  @Test("interop case passes in process", arguments: InteropTestCase.allCases)
  func casePasses(_ testCase: InteropTestCase) async throws {
    let inProcess = InProcessTransport()
    try await withGRPCServer(transport: inProcess.server, services: [TestService()]) { _ in
      try await withGRPCClient(transport: inProcess.client) { client in
        try await testCase.test.run(client: client)
      }
    }
  }
}
