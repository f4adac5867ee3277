// Gateway overhead: requests/s and p99 of an authenticated GET through the gateway vs. the
// same RPC called directly, 64 concurrent connections. Not run by tests.
//   swift run -c release GatewayBenchmarks [seconds]
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

typealias HTTPConnection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

func connectHTTP(port: Int) async throws -> HTTPConnection {
  try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .channelOption(.socketOption(.tcp_nodelay), value: 1)
    .connect(host: "127.0.0.1", port: port) { channel in
      channel.eventLoop.makeCompletedFuture {
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        return try HTTPConnection(wrappingChannelSynchronously: channel)
      }
    }
}

func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
  sorted.isEmpty ? .zero : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func report(_ name: String, _ latencies: [Duration], seconds: Double) {
  let sorted = latencies.sorted()
  let us = { (d: Duration) in
    Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6
  }
  print(
    String(
      format: "%@: %.0f req/s, p50 %.0f µs, p99 %.0f µs (%d requests)", name,
      Double(sorted.count) / seconds,
      us(percentile(sorted, 0.5)), us(percentile(sorted, 0.99)), sorted.count))
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
  openAPIPath: nil)
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
let gatewayLatencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
  let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
  for _ in 0..<concurrency {
    group.addTask {
      let connection = try await connectHTTP(port: gatewayPort)
      return try await connection.executeThenClose { inbound, outbound in
        var iterator = inbound.makeAsyncIterator()
        var latencies: [Duration] = []
        var headers = HTTPHeaders()
        headers.add(name: "host", value: "127.0.0.1")
        headers.add(name: "authorization", value: "Bearer \(token)")
        while ContinuousClock.now < deadline {
          let start = ContinuousClock.now
          try await outbound.write(
            .head(
              HTTPRequestHead(
                version: .http1_1, method: .GET,
                uri: "/api/member/v1/contacts/5", headers: headers)))
          try await outbound.write(.end(nil))
          loop: while let part = try await iterator.next() {
            switch part {
            case .head(let head):
              precondition(head.status == .ok, "gateway answered \(head.status)")
            case .body: break
            case .end: break loop
            }
          }
          latencies.append(ContinuousClock.now - start)
        }
        return latencies
      }
    }
  }
  var all: [Duration] = []
  for try await part in group { all += part }
  return all
}
report("through gateway", gatewayLatencies, seconds: seconds)

// Direct: 64 concurrent callers, one nghttp2 client connection (as the gateway uses).
let directLatencies = try await withGRPCClient(
  transport: NGHTTP2ClientTransport(target: .ipv4(host: "127.0.0.1", port: upstreamPort))
) { client in
  let contacts = Maac_Contacts_V1_Contacts.Client(wrapping: client)
  let metadata = CallerContext(organizationID: 1, userID: "bench", requestID: "r").metadata
  return try await withThrowingTaskGroup(of: [Duration].self) { group in
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    for _ in 0..<concurrency {
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
report("direct gRPC", directLatencies, seconds: seconds)
gatewayTask.cancel()
upstream.beginGracefulShutdown()
upstreamTask.cancel()
