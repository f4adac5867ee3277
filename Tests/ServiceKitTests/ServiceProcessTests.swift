import Foundation
import GRPCCore
import GRPCProtobuf
import MAACContracts
import MAACTestSupport
import ServiceKit
import SwiftProtobuf
import Testing

/// A tiny tenant service for exercising the process: echoes who called it, or fails as asked.
private struct WhoAmIService: RegistrableRPCService {
  static let method = MethodDescriptor(fullyQualifiedService: "maac.test.v1.WhoAmI", method: "Get")

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandler(
      forMethod: Self.method,
      deserializer: ProtobufDeserializer<Google_Protobuf_StringValue>(),
      serializer: ProtobufSerializer<Google_Protobuf_StringValue>()
    ) { request, _ in
      var input = Google_Protobuf_StringValue()
      for try await message in request.messages { input = message }
      switch input.value {
      case "bad": throw ServiceError.invalidArgument(field: "value", "must not be bad")
      case "crash": throw CocoaError(.fileNoSuchFile)
      default: break
      }
      let caller = try CallerContext.required()
      return StreamingServerResponse(
        single: ServerResponse(
          message: Google_Protobuf_StringValue(
            "org \(caller.organizationID ?? 0) user \(caller.userID)")))
    }
  }
}

@Suite("Service process")
struct ServiceProcessTests {
  private func call(
    _ client: GRPCClient<some ClientTransport>, _ value: String, caller: CallerContext?
  ) async throws -> String {
    try await client.unary(
      request: ClientRequest(
        message: Google_Protobuf_StringValue(value), metadata: caller?.metadata ?? [:]),
      descriptor: WhoAmIService.method,
      serializer: ProtobufSerializer<Google_Protobuf_StringValue>(),
      deserializer: ProtobufDeserializer<Google_Protobuf_StringValue>(),
      options: .defaults
    ) { try $0.message.value }
  }

  @Test(
    "handlers see the caller from metadata; calls without it are UNAUTHENTICATED; errors map to precise statuses"
  )
  func tenancyAndErrors() async throws {
    let process = ServiceProcess(
      name: "whoami", configuration: ServiceConfiguration(logLevel: .critical))
    let service = try await RunningService.start(
      process, services: [WhoAmIService()], tenancy: .organizationScoped())
    try await withTestClient(to: service.address) { client in
      let answer = try await call(client, "hi", caller: .tenant(7, user: "u-1"))
      #expect(answer == "org 7 user u-1")
      await #expect {
        _ = try await call(client, "hi", caller: nil)
      } throws: { ($0 as? RPCError)?.code == .unauthenticated }
      await #expect {
        _ = try await call(
          client, "hi", caller: CallerContext(organizationID: nil, userID: "u", requestID: "r"))
      } throws: { ($0 as? RPCError)?.code == .unauthenticated }
      await #expect {
        _ = try await call(client, "bad", caller: .tenant(7))
      } throws: { error in
        let error = error as? RPCError
        return error?.code == .invalidArgument && error?.message == "value: must not be bad"
      }
      await #expect {
        _ = try await call(
          client, "crash",
          caller: CallerContext(organizationID: 7, userID: "u", requestID: "req-crash"))
      } throws: { error in
        let error = error as? RPCError
        return error?.code == .internalError
          && error?.message == "internal error (request id req-crash)"
          && error.map { Array($0.metadata[stringValues: "x-request-id"]) } == ["req-crash"]
      }
    }
    await service.stop()
  }

  @Test("every process serves grpc.health.v1 without caller metadata")
  func health() async throws {
    let process = ServiceProcess(
      name: "healthy", configuration: ServiceConfiguration(logLevel: .critical))
    let service = try await RunningService.start(
      process, services: [], tenancy: .organizationScoped())
    try await withTestClient(to: service.address) { client in
      let health = Grpc_Health_V1_Health.Client(wrapping: client)
      let before = try await health.check(.init()).status
      #expect(before == .serving)
      process.health.set(.notServing)
      let after = try await health.check(.init()).status
      #expect(after == .notServing)
      var unknown = Grpc_Health_V1_HealthCheckRequest()
      unknown.service = "maac.nothing.v1.Nothing"
      await #expect { _ = try await health.check(unknown) } throws: {
        ($0 as? RPCError)?.code == .notFound
      }
    }
    await service.stop()
  }

  @Test("metrics count calls by method and status, served as Prometheus text on the admin port")
  func metrics() async throws {
    let process = ServiceProcess(
      name: "metered",
      configuration: ServiceConfiguration(
        adminListen: HostAndPort(host: "127.0.0.1", port: 0), logLevel: .critical))
    let admin = try await AdminHTTPServer.start(
      at: HostAndPort(host: "127.0.0.1", port: 0), metrics: process.metrics, health: process.health)
    let service = try await RunningService.start(
      process, services: [WhoAmIService()], tenancy: .organizationScoped())
    try await withTestClient(to: service.address) { client in
      _ = try await call(client, "hi", caller: .tenant(1))
      _ = try await call(client, "hi", caller: .tenant(1))
      _ = try? await call(client, "bad", caller: .tenant(1))
    }
    let (body, status) = try await Self.httpGet(admin.localAddress, "/metrics")
    #expect(status == 200)
    #expect(body.contains(#"maac_rpc_calls_total{method="maac.test.v1.WhoAmI/Get",code="ok"} 2"#))
    #expect(
      body.contains(
        #"maac_rpc_errors_total{method="maac.test.v1.WhoAmI/Get",code="invalid_argument"} 1"#))
    #expect(body.contains("maac_rpc_duration_seconds_bucket"))
    #expect(try await Self.httpGet(admin.localAddress, "/healthz").1 == 200)
    process.health.markAllNotServing()
    #expect(try await Self.httpGet(admin.localAddress, "/healthz").1 == 503)
    try await admin.close()
    await service.stop()
  }

  /// A minimal HTTP/1.1 GET over a plain socket, so the test does not share the server's code.
  static func httpGet(_ address: HostAndPort, _ path: String) async throws -> (String, Int) {
    let url = URL(string: "http://\(address.host):\(address.port)\(path)")!
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", "-c",
      """
      import sys, urllib.request, urllib.error
      try:
          r = urllib.request.urlopen(sys.argv[1]); print(r.status); sys.stdout.write(r.read().decode())
      except urllib.error.HTTPError as e:
          print(e.code); sys.stdout.write(e.read().decode())
      """, url.absoluteString,
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    // python talks to a server in this test process: never block a cooperative thread on it.
    let data = try await offCooperativePool {
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return data
    }
    let text = String(decoding: data, as: UTF8.self)
    let firstLine = text.prefix(while: { $0 != "\n" })
    return (String(text.dropFirst(firstLine.count + 1)), Int(firstLine) ?? -1)
  }
}

@Suite("Pool metrics")
struct PoolMetricsTests {
  @Test("pool usage is exported as gauges")
  func poolGauges() async throws {
    try await TestDatabase.withServiceDatabase("poolmetrics") { database in
      let pool = try database.pool(maxConnections: 3)
      let metrics = RPCMetrics()
      try await pool.withConnection { _ in
        PoolMetricsReporter(pool: pool, metrics: metrics).report()
      }
      let text = metrics.render()
      #expect(
        text.contains("maac_db_pool_max_connections 3.0")
          || text.contains("maac_db_pool_max_connections 3\n"), "\(text)")
      #expect(text.contains("maac_db_pool_in_use_connections 1"), "\(text)")
      await pool.shutdown()
    }
  }
}
