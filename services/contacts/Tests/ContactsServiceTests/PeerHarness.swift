import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

/// Runs contacts with the peers a test gives it (segment, CDH, LINE adapter), on a fresh
/// schema, over the real transport.
enum PeerHarness {
  /// - Parameters:
  ///   - admin: admin center as peer `admin` (the known-organization gate and the
  ///     organizations' time zones); `nil` = none configured.
  ///   - metrics: the process's metrics, for tests that read a counter.
  static func start(
    _ database: ServiceDatabase, peers: ContactsPeers,
    directory: StaticOrganizationDirectory = ContactsHarness.directory,
    admin: HostAndPort? = nil, metrics: RPCMetrics = RPCMetrics()
  ) async throws
    -> RunningService
  {
    try await startService(
      database, peers: peers, directory: directory, admin: admin, metrics: metrics
    ).running
  }

  /// ``start(_:peers:directory:admin:metrics:)``, with the assembled service (its time zones,
  /// its retry counts).
  static func startService(
    _ database: ServiceDatabase, peers: ContactsPeers,
    directory: StaticOrganizationDirectory = ContactsHarness.directory,
    admin: HostAndPort? = nil, metrics: RPCMetrics = RPCMetrics()
  ) async throws
    -> (running: RunningService, service: ContactsService)
  {
    let process = ServiceProcess(
      name: "contacts",
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 6,
        peers: admin.map { ["admin": $0] } ?? [:], logLevel: .critical,
        organizationLookupTimeout: TestBudgets.organizationLookup),
      metrics: metrics)
    let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
    let service = ContactsService(
      process: process, pool: pool, directory: directory,
      domainResolver: StandInDomainResolver(), peers: peers)
    let running = try await RunningService.start(
      process, services: service.services, tenancy: service.tenancy, background: service.background)
    return (running, service)
  }

  /// Contacts with `peers`, and a client to it.
  static func run(
    peers: ContactsPeers, directory: StaticOrganizationDirectory = ContactsHarness.directory,
    _ body: (ContactsHarness, GRPCClient<NGHTTP2ClientTransport>) async throws -> Void
  ) async throws {
    try await TestDatabase.withServiceDatabase("contacts_peer") { database in
      let service = try await start(database, peers: peers, directory: directory)
      do {
        try await withTestClient(to: service.address) { client in
          try await body(ContactsHarness(database: database, address: service.address), client)
        }
      } catch {
        await service.stop()
        throw error
      }
      await service.stop()
    }
  }

  /// Serves `services` as a peer process (no database) with the platform's interceptors.
  static func serve(_ name: String, _ services: [any RegistrableRPCService]) async throws
    -> RunningService
  {
    let process = ServiceProcess(
      name: name, configuration: ServiceConfiguration(logLevel: .critical))
    return try await RunningService.start(
      process, services: services, tenancy: .organizationScoped(callerOnly: []))
  }
}

/// Polls `condition` until it holds; records an issue and throws after `attempts` tries (the
/// bound keeps a broken build from hanging, it is not a timing assertion).
func eventually(
  _ what: String, attempts: Int = 400, every pause: Duration = .milliseconds(50),
  sourceLocation: SourceLocation = #_sourceLocation,
  _ condition: () async throws -> Bool
) async throws {
  for _ in 0..<attempts {
    if try await condition() { return }
    try await Task.sleep(for: pause)
  }
  Issue.record("never happened: \(what)", sourceLocation: sourceLocation)
  throw CancellationError()
}

extension Clients {
  /// The first event of org A's stream that satisfies `matches` (reads from the start).
  func firstEvent(
    org: Int64 = ContactsHarness.orgA,
    where matches: @escaping @Sendable (Maac_Common_V1_EventEnvelope) -> Bool
  ) async throws -> Maac_Common_V1_EventEnvelope {
    var request = Maac_Common_V1_SubscribeRequest()
    request.afterSequence = 0
    return try await events.subscribe(request, metadata: As.user(org)) { response in
      for try await envelope in response.messages where matches(envelope) { return envelope }
      throw CancellationError()
    }
  }
}
