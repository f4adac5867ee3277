import GRPCCore
import GRPCNGHTTP2Transport
import Logging
import NIOCore
import NIOPosix
import PostgresClient
import ServiceLifecycle
import Synchronization

/// Everything one service process has in common with every other: configuration, logging,
/// its database pool with migrations applied, health, metrics, and the gRPC server on the
/// nghttp2 transport with the platform's interceptors, shut down gracefully on SIGTERM/SIGINT.
///
/// A service's entry point is a few lines:
/// ```swift
/// let process = try ServiceProcess(name: "contacts")
/// let pool = try await process.openDatabase(migrations: ContactsMigrations.all)
/// try await process.serve(services: [ContactsHandler(pool: pool)], tenancy: .organizationScoped())
/// ```
public final class ServiceProcess: Sendable {
  /// The context name: logger label, metrics namespace, database role and schema.
  public let name: String
  public let configuration: ServiceConfiguration
  public let logger: Logger
  public let metrics: RPCMetrics
  public let health: HealthStatusRegistry
  /// Wakes this process's event subscribers when its outbox commits.
  public let outboxWakeups: OutboxWakeups
  private let openedPool = Mutex<PostgresPool?>(nil)
  private let peerClients = Mutex<[String: GRPCClient<NGHTTP2ClientTransport>]>([:])
  private let gate = Mutex<OrganizationGate??>(nil)

  /// - Parameter outboxPollInterval: how long event subscribers wait for a NOTIFY before
  ///   they look at the outbox anyway.
  public init(
    name: String,
    configuration: ServiceConfiguration,
    metrics: RPCMetrics = RPCMetrics(),
    outboxPollInterval: Duration = .milliseconds(500)
  ) {
    LoggingBootstrap.bootstrap(level: configuration.logLevel)
    var logger = Logger(label: "maac.\(name)")
    logger.logLevel = configuration.logLevel
    self.name = name
    self.configuration = configuration
    self.logger = logger
    self.metrics = metrics
    self.health = HealthStatusRegistry()
    self.outboxWakeups = OutboxWakeups(pollInterval: outboxPollInterval)
  }

  /// A process configured from its command line and environment.
  public convenience init(name: String) throws(ConfigurationError) {
    self.init(name: name, configuration: try .fromProcess())
  }

  /// Connects the pool to the configured database and applies the platform's migrations
  /// (outbox, event cursors) and then `migrations` to the service's own schema.
  ///
  /// The pool is shut down when ``serve(services:tenancy:background:onListening:)`` returns.
  public func openDatabase(migrations: [PostgresMigration]) async throws -> PostgresPool {
    let pool = PostgresPool(
      configuration: try PostgresConfiguration(url: try configuration.requiredDatabaseURL()),
      maxConnections: configuration.databasePoolSize,
      logger: logger
    )
    let migrator = try PostgresMigrator(
      schema: configuration.databaseSchema ?? name,
      migrations: try PlatformMigrations.followed(by: migrations),
      lateVersions: PlatformMigrations.reservedVersions,
      logger: logger
    )
    try await migrator.migrate(pool: pool)
    openedPool.withLock { $0 = pool }
    return pool
  }

  /// This service's outbox.
  public var outbox: Outbox { Outbox(producer: name) }

  /// This service's `<Context>Events/Subscribe`, serving its outbox from `pool`.
  ///
  /// - Parameter method: the generated descriptor, e.g.
  ///   `Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor`.
  public func eventStream(method: MethodDescriptor, pool: PostgresPool) -> EventStreamService {
    EventStreamService(method: method, outbox: outbox, pool: pool, wakeups: outboxWakeups)
  }

  /// A client of peer `name` (`--peer NAME=host:port`), made once per process. Its
  /// connections run while ``serve(services:tenancy:background:onListening:)`` runs, so ask
  /// for every client before serving.
  public func client(forPeer name: String) throws(ConfigurationError)
    -> GRPCClient<NGHTTP2ClientTransport>
  {
    let address = try configuration.peer(name)
    return peerClients.withLock { clients in
      if let client = clients[name] { return client }
      let client = GRPCClient(
        transport: NGHTTP2ClientTransport(
          target: address.isIPv6
            ? .ipv6(host: address.host, port: address.port)
            : .ipv4(host: address.host, port: address.port)))
      clients[name] = client
      return client
    }
  }

  /// The known-organization check, present whenever admin center is configured as peer
  /// `admin` (every service but admin center itself; the launcher always configures it).
  /// The platform interceptors run it on every call that names an organization; services
  /// use it too for work that does not arrive by RPC.
  public var organizationGate: OrganizationGate? {
    if let made = gate.withLock({ $0 }) { return made }
    var made: OrganizationGate?
    if name != "admin", configuration.peers["admin"] != nil,
      let admin = try? client(forPeer: "admin")
    {
      made = OrganizationGate(
        registry: AdminOrganizationRegistry(
          client: admin, service: name, timeout: configuration.organizationLookupTimeout))
    }
    return gate.withLock { stored in
      if let existing = stored { return existing }
      stored = .some(made)
      return made
    }
  }

  /// Follows admin center's `organization.updated` so ``organizationGate`` asks again about a
  /// changed organization at once (``OrganizationUpdatesFollower``); `nil` without a gate. Its cursor
  /// is kept under consumer `<name>-organization-gate`, apart from any other follower of
  /// admin center's stream the service runs.
  public func organizationUpdatesFollower(pool: PostgresPool) -> OrganizationUpdatesFollower? {
    guard let gate = organizationGate, let admin = try? client(forPeer: "admin") else {
      return nil
    }
    return OrganizationUpdatesFollower(
      consumer: "\(name)-organization-gate", gate: gate, admin: admin, pool: pool, logger: logger)
  }

  /// The interceptors every service runs, outermost first: metrics see the final status,
  /// tenancy binds the caller before anything else runs, the known-organization check (when
  /// admin center is configured) refuses unknown tenants before any handler, errors are
  /// mapped innermost so their log lines carry the caller.
  public func interceptors(tenancy: TenancyPolicy) -> [any ServerInterceptor] {
    var interceptors: [any ServerInterceptor] = [
      MetricsInterceptor(metrics: metrics),
      TenancyInterceptor(policy: tenancy),
    ]
    if let organizationGate {
      interceptors.append(KnownOrganizationInterceptor(gate: organizationGate))
    }
    interceptors.append(
      ErrorMappingInterceptor(translators: [PostgresErrorTranslator()], logger: logger))
    return interceptors
  }

  /// Serves `services` (plus health) until SIGTERM/SIGINT or cancellation, running
  /// `background` work beside them.
  ///
  /// - Parameter onListening: called once with the bound RPC address (tests bind port 0).
  public func serve(
    services: [any RegistrableRPCService],
    tenancy: TenancyPolicy,
    background: [any Service] = [],
    onListening: @escaping @Sendable (HostAndPort) -> Void = { _ in }
  ) async throws {
    let listen = configuration.listen
    let transport = NGHTTP2ServerTransport(
      address: listen.isIPv6
        ? .ipv6(host: listen.host, port: listen.port) : .ipv4(host: listen.host, port: listen.port)
    )
    let server = GRPCServer(
      transport: transport,
      services: services + [HealthService(registry: health)],
      interceptors: interceptors(tenancy: tenancy)
    )
    let clients = Array(peerClients.withLock { $0.values })
    var admin: AdminHTTPServer?
    if let adminListen = configuration.adminListen {
      admin = try await AdminHTTPServer.start(at: adminListen, metrics: metrics, health: health)
      logger.info("admin HTTP listening", metadata: ["address": "\(admin!.localAddress)"])
    }
    let logger = self.logger
    let announce = ClosureService("announce") {
      let address = try await transport.listeningAddress
      let bound = HostAndPort(host: address.host, port: address.port)
      logger.info("serving", metadata: ["address": "\(bound)"])
      onListening(bound)
    }
    let pool = openedPool.withLock { $0 }
    var background = background
    if !clients.isEmpty {
      background.append(
        ClosureService("peer-clients") {
          try await withThrowingDiscardingTaskGroup { group in
            for client in clients {
              group.addTask { try await client.runConnections() }
            }
          }
        })
    }
    if let pool {
      background.append(
        outboxWakeups.following(outbox: outbox, configuration: pool.configuration, logger: logger))
      let reporter = PoolMetricsReporter(pool: pool, metrics: metrics)
      background.append(
        ClosureService("pool-metrics") {
          await cancelWhenGracefulShutdown { await reporter.run() }
        })
    }
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        // Graceful shutdown runs in reverse order: the gRPC server first (GOAWAY, in-flight
        // calls finish), then background work, which is cancelled rather than waited for:
        // it is transactional and resumes after a restart.
        services: background.map { service in
          .init(
            service: ClosureService("\(service)") {
              try await cancelWhenGracefulShutdown { try await service.run() }
            })
        } + [
          .init(service: announce, successTerminationBehavior: .ignore),
          .init(service: GRPCServerService(server: server, health: health)),
        ],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger
      )
    )
    do {
      try await group.run()
    } catch {
      try? await admin?.close()
      await pool?.shutdown()
      throw error
    }
    try? await admin?.close()
    await pool?.shutdown()
  }
}
