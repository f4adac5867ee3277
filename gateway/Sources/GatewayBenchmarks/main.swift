// Gateway overhead (issue #8, Scale): requests/s, p50/p99 and CPU per request of an
// authenticated GET through the gateway vs. the same RPC called directly, 64 concurrent
// connections each. Not run by tests. See docs/gateway.md "Benchmark" for the method.
//   .build/release/GatewayBenchmarks [slices]          the driver (load generator)
//   .build/release/GatewayBenchmarks upstream          (started by the driver)
//   .build/release/GatewayBenchmarks gateway PORT JWKS (started by the driver)
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

let arguments = Array(CommandLine.arguments.dropFirst())

// A child role's event-loop threads (GATEWAY_BENCH_GATEWAY_LOOPS, GATEWAY_BENCH_UPSTREAM_LOOPS;
// default one per core), set before anything touches the singleton group.
if let role = arguments.first, role == "gateway" || role == "upstream",
  let loops = ProcessInfo.processInfo.environment["GATEWAY_BENCH_\(role.uppercased())_LOOPS"]
    .flatMap(Int.init), loops > 0
{
  NIOSingletons.groupLoopCountSuggestion = loops
}

switch arguments.first {
case "upstream":
  let transport = NGHTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0))
  let server = GRPCServer(transport: transport, services: [ContactsStub()])
  try await withThrowingDiscardingTaskGroup { group in
    group.addTask { try await server.serve() }
    announce(try await transport.listeningAddress.port)
  }
case "gateway":
  guard arguments.count == 3, let upstreamPort = Int(arguments[1]) else {
    throw BenchmarkFailure(description: "usage: GatewayBenchmarks gateway UPSTREAM_PORT JWKS_FILE")
  }
  let upstream = HostAndPort(host: "127.0.0.1", port: upstreamPort)
  let configuration = GatewayConfiguration(
    port: 0, grpcPort: nil, jwksFile: arguments[2], issuer: DevelopmentKeys.issuer,
    audience: DevelopmentKeys.audience, peers: ["contacts": upstream, "admin": upstream],
    openAPIPath: nil, limits: .unlimited)
  var logger = Logger(label: "bench")
  logger.logLevel = .error
  try await GatewayServer(configuration: configuration, logger: logger).run { announce($0) }
default:
  try await BenchmarkDriver(slices: Int(arguments.first ?? "8") ?? 8).run()
}

/// The child's first line, read by the driver (unbuffered: stdout is a pipe).
func announce(_ port: Int) {
  FileHandle.standardOutput.write(Data("port \(port)\n".utf8))
}
