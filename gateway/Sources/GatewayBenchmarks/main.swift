// Gateway overhead: requests/s and p99 of an authenticated GET through the gateway vs. the
// same RPC called directly, 64 concurrent connections. Not run by tests.
//   swift run -c release GatewayBenchmarks [seconds]  (that many 1 s slices of each path,
//   alternating)
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import GRPCProtobuf
import Gateway
import Logging
import MAACContracts
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceKit

/// The upstream: GetContact answered from memory, so the figures are transport + gateway cost.
struct ContactsStub: RegistrableRPCService {
  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandler(
      forMethod: Maac_Contacts_V1_Contacts.Method.GetContact.descriptor,
      deserializer: ProtobufDeserializer<Maac_Contacts_V1_GetContactRequest>(),
      serializer: ProtobufSerializer<Maac_Contacts_V1_Contact>()
    ) { request, _ in
      var id: Int64 = 0
      for try await message in request.messages { id = message.contactID }
      var contact = Maac_Contacts_V1_Contact()
      contact.id = id
      return StreamingServerResponse(single: ServerResponse(message: contact))
    }
    // GQ6: the gateway asks admin center once per organization and TTL (cached).
    router.registerHandler(
      forMethod: Maac_Admin_V1_AdminInternal.Method.GetOrganization.descriptor,
      deserializer: ProtobufDeserializer<Maac_Admin_V1_GetOrganizationRequest>(),
      serializer: ProtobufSerializer<Maac_Admin_V1_Organization>()
    ) { request, _ in
      var organization = Maac_Admin_V1_Organization()
      for try await message in request.messages { organization.id = message.organizationID }
      organization.active = true
      return StreamingServerResponse(single: ServerResponse(message: organization))
    }
  }
}

func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
  sorted.isEmpty ? .zero : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// Requests/s and p99 (µs) of one run.
struct Figures {
  var perSecond: Double
  var p99: Double
}

@discardableResult
func report(_ name: String, _ latencies: [Duration], seconds: Double) -> Figures {
  let sorted = latencies.sorted()
  let us = { (d: Duration) in
    Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6
  }
  print(
    String(
      format: "%@: %.0f req/s, p50 %.0f µs, p99 %.0f µs (%d requests)", name,
      Double(sorted.count) / seconds,
      us(percentile(sorted, 0.5)), us(percentile(sorted, 0.99)), sorted.count))
  return Figures(perSecond: Double(sorted.count) / seconds, p99: us(percentile(sorted, 0.99)))
}

let seconds = Double(CommandLine.arguments.dropFirst().first ?? "10") ?? 10
let concurrency = 64
let upstreamTransport = NGHTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0))
let upstream = GRPCServer(transport: upstreamTransport, services: [ContactsStub()])
let upstreamTask = Task { try await upstream.serve() }
let upstreamPort = try await upstreamTransport.listeningAddress.port

let state = FileManager.default.temporaryDirectory.appendingPathComponent(
  "gw-bench-\(UUID().uuidString)"
).path
let keys = DevelopmentKeys(state: state)
let token = try await keys.mintToken(organizationID: 1, userID: "bench", roles: [])
let configuration = GatewayConfiguration(
  port: 0, grpcPort: nil, jwksFile: keys.jwksPath.path, issuer: DevelopmentKeys.issuer,
  audience: DevelopmentKeys.audience,
  peers: [
    "contacts": HostAndPort(host: "127.0.0.1", port: upstreamPort),
    "admin": HostAndPort(host: "127.0.0.1", port: upstreamPort),
  ],
  openAPIPath: nil, limits: .unlimited)
var logger = Logger(label: "bench")
logger.logLevel = .error
let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
let gatewayTask = Task {
  try await GatewayServer(configuration: configuration, logger: logger).run {
    continuation.yield($0)
  }
}
var gatewayPort = 0
for await port in ports {
  gatewayPort = port
  break
}

// Through the gateway: 64 keep-alive HTTP/1.1 connections.
var requestHeaders = HTTPHeaders()
requestHeaders.add(name: "host", value: "127.0.0.1")
requestHeaders.add(name: "authorization", value: "Bearer \(token)")
let requestHead = HTTPRequestHead(
  version: .http1_1, method: .GET, uri: "/api/member/v1/contacts/5", headers: requestHeaders)

/// One slice through the gateway: 64 keep-alive HTTP/1.1 connections.
func throughGatewaySlice(_ duration: Duration) async throws -> [Duration] {
  try await withThrowingTaskGroup(of: [Duration].self) { group in
    let deadline =
      NIODeadline.now() + .nanoseconds(Int64(duration.components.seconds * 1_000_000_000))
    for _ in 0..<concurrency {
      group.addTask {
        try await runHTTPLoad(port: gatewayPort, head: requestHead, deadline: deadline)
      }
    }
    var all: [Duration] = []
    for try await part in group { all += part }
    return all
  }
}

/// One slice direct: 64 concurrent callers, each on `clients[index % clients.count]` (one
/// shared multiplexed connection, or one connection per caller).
func directSlice(
  _ clients: [Maac_Contacts_V1_Contacts.Client<NGHTTP2ClientTransport>], _ duration: Duration
)
  async throws -> [Duration]
{
  let metadata = CallerContext(organizationID: 1, userID: "bench", requestID: "r").metadata
  return try await withThrowingTaskGroup(of: [Duration].self) { group in
    let deadline = ContinuousClock.now + duration
    for index in 0..<concurrency {
      let contacts = clients[index % clients.count]
      group.addTask {
        var latencies: [Duration] = []
        var request = Maac_Contacts_V1_GetContactRequest()
        request.contactID = 5
        while ContinuousClock.now < deadline {
          let start = ContinuousClock.now
          _ = try await contacts.getContact(request, metadata: metadata)
          latencies.append(ContinuousClock.now - start)
        }
        return latencies
      }
    }
    var all: [Duration] = []
    for try await part in group { all += part }
    return all
  }
}

// The paths alternate in 1 s slices, so a change in the machine's load (other builds on the
// same cores) hits them alike and the ratios stay meaningful. "Direct" is measured twice: with
// 64 connections (one per caller, the "64 concurrent connections" on both sides) and
// with 64 callers multiplexed on one connection (cheaper: many calls per socket write).
let rounds = max(1, Int(seconds.rounded()))
var gatewayLatencies: [Duration] = []
var directLatencies: [Duration] = []
var multiplexedLatencies: [Duration] = []
let clients = (0..<concurrency).map { _ in
  GRPCClient(
    transport: NGHTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: upstreamPort)))
}
try await withThrowingDiscardingTaskGroup { group in
  for client in clients { group.addTask { try await client.runConnections() } }
  let stubs = clients.map { Maac_Contacts_V1_Contacts.Client(wrapping: $0) }
  // GATEWAY_BENCH_ONLY=gateway|direct|multiplexed runs one path (for profiling it alone).
  let only = ProcessInfo.processInfo.environment["GATEWAY_BENCH_ONLY"]
  for _ in 0..<rounds {
    if only == nil || only == "gateway" {
      gatewayLatencies += try await throughGatewaySlice(.seconds(1))
    }
    if only == nil || only == "direct" {
      directLatencies += try await directSlice(stubs, .seconds(1))
    }
    if only == nil || only == "multiplexed" {
      multiplexedLatencies += try await directSlice([stubs[0]], .seconds(1))
    }
  }
  for client in clients { client.beginGracefulShutdown() }
}
let throughGateway = report(
  "through gateway (64 HTTP/1.1 connections)", gatewayLatencies, seconds: Double(rounds))
let direct = report(
  "direct gRPC (64 connections)", directLatencies, seconds: Double(rounds))
let multiplexed = report(
  "direct gRPC (64 callers, 1 connection)", multiplexedLatencies, seconds: Double(rounds))
print(
  String(
    format:
      "gateway vs direct, 64 connections each: throughput %.0f %% (target >= 70 %%), added p99 %.0f µs (target < 500 µs)",
    throughGateway.perSecond / direct.perSecond * 100, throughGateway.p99 - direct.p99))
print(
  String(
    format: "gateway vs direct on 1 multiplexed connection: throughput %.0f %%, added p99 %.0f µs",
    throughGateway.perSecond / multiplexed.perSecond * 100, throughGateway.p99 - multiplexed.p99))
gatewayTask.cancel()
upstream.beginGracefulShutdown()
upstreamTask.cancel()
