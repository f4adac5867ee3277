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

  /// The cases must be able to fail: against a server that serves nothing, every case has to
  /// report a failure, except the two that expect UNIMPLEMENTED and timeout_on_sleeping_server,
  /// whose 1 ms deadline (as the case prescribes) expires before any server can answer.
  @Test(
    "interop case fails against a server without TestService",
    arguments: InteropTestCase.allCases.filter {
      ![.unimplementedMethod, .unimplementedService, .timeoutOnSleepingServer].contains($0)
    }
  )
  func caseFailsWithoutService(_ testCase: InteropTestCase) async throws {
    let inProcess = InProcessTransport()
    try await withGRPCServer(transport: inProcess.server, services: []) { _ in
      try await withGRPCClient(transport: inProcess.client) { client in
        await #expect(throws: (any Error).self) {
          try await testCase.test.run(client: client)
        }
      }
    }
  }
}
