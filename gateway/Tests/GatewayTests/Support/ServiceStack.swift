import AdminService
import CdhService
import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import Gateway
import Logging
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import TagsService

/// The real services behind the real gateway: admin center, contacts, tags and CDH, each on
/// its own role and schema of the test cluster, served in-process over the nghttp2 transport
/// (as `./maac up` runs them); contacts reads channels from this admin center.
///
/// Admin center is provisioned through its Ops RPCs with organization A (an email and a LINE
/// channel, credentials set), organization B (a LINE channel) and an inactive organization.
struct ServiceStack {
  let keys: TestSigningKeys
  let gateway: RunningGateway
  let orgA: Int64
  let orgB: Int64
  let inactiveOrg: Int64
  let emailA: Int64
  let lineA: Int64
  let lineB: Int64
  let adminAddress: HostAndPort
  let contactsAddress: HostAndPort
  let tagsAddress: HostAndPort
  let cdhAddress: HostAndPort
  /// Admin center's Ops surface (never routed by the gateway), to arrange data.
  let ops: Maac_Admin_V1_AdminOps.Client<NGHTTP2ClientTransport>
  var client: HTTPTestClient { gateway.client }

  /// Credentials given to the channels; none may ever appear in a gateway answer (A22).
  static let secrets = [
    "a1b2c3d4e5f60718293a4b5c6d7e8f90", "line-token-SECRET-0001", "SG.email-key-SECRET-0005",
    "webhook-SECRET-0006", "lineB-token-SECRET-0007",
  ]

  /// An access token of `organization`.
  func token(_ organization: Int64, roles: [String]? = nil, user: String = "user-1") async throws
    -> String
  {
    try await keys.token(TestSigningKeys.claims(org: organization, user: user, roles: roles))
  }

  /// Runs `body` against a fresh stack; everything is stopped and dropped afterwards.
  static func with(
    gatewayLogger: Logger? = nil, _ body: (ServiceStack) async throws -> Void
  ) async throws {
    try await StackLimiter.shared.withSlot {
      try await run(gatewayLogger: gatewayLogger, body)
    }
  }

  private static func run(
    gatewayLogger: Logger?, _ body: (ServiceStack) async throws -> Void
  ) async throws {
    try await TestDatabase.withServiceDatabase("gw_admin") { adminDB in
      try await TestDatabase.withServiceDatabase("gw_contacts") { contactsDB in
        try await TestDatabase.withServiceDatabase("gw_tags") { tagsDB in
          try await TestDatabase.withServiceDatabase("gw_cdh") { cdhDB in
            var running: [RunningService] = []
            var pools: [PostgresPool] = []
            var runtimes: [CDHRuntime] = []
            var gateway: RunningGateway?
            var followers: Task<Void, any Error>?
            do {
              let admin = try await startAdmin(adminDB, pools: &pools)
              running.append(admin)
              try await withTestClient(to: admin.address) { adminClient in
                // CDH first: contacts writes person-level changes through it (C48, C69), and
                // CDH follows contacts' event stream once contacts listens.
                let (cdh, cdhRuntime, cdhProcess, cdhPool) = try await startCDH(
                  cdhDB, pools: &pools, runtimes: &runtimes)
                try await withTestClient(to: cdh.address) { cdhClient in
                  let contacts = try await startContacts(
                    contactsDB, admin: adminClient, cdh: cdhClient, pools: &pools)
                  running.append(contacts)
                  running.append(try await startTags(tagsDB, pools: &pools))
                  running.append(cdh)
                  let logger = cdhProcess.logger
                  let outbox = cdhProcess.outbox
                  followers = Task {
                    try await CDHEventFollowers.run(
                      runtime: cdhRuntime, pool: cdhPool, contacts: contacts.address, tags: nil,
                      logger: logger,
                      writeBack: ContactsWriteBack(
                        runtime: cdhRuntime, pool: cdhPool, outbox: outbox, logger: logger))
                  }
                  let ops = Maac_Admin_V1_AdminOps.Client(wrapping: adminClient)
                  let keys = try TestSigningKeys()
                  let started = try await RunningGateway.start(
                    jwksFile: keys.jwksPath,
                    peers: [
                      "admin": admin.address, "contacts": running[1].address,
                      "tags": running[2].address, "cdh": running[3].address,
                    ], logger: gatewayLogger)
                  gateway = started
                  let stack = try await provision(
                    ops: ops, keys: keys, gateway: started, addresses: running.map(\.address))
                  try await body(stack)
                }
              }
            } catch {
              followers?.cancel()
              await stop(gateway, running, pools, runtimes)
              throw error
            }
            followers?.cancel()
            await stop(gateway, running, pools, runtimes)
          }
        }
      }
    }
  }

  private static func stop(
    _ gateway: RunningGateway?, _ running: [RunningService], _ pools: [PostgresPool],
    _ runtimes: [CDHRuntime]
  ) async {
    await gateway?.stop()
    for service in running.reversed() { await service.stop() }
    // CDH's re-unification jobs run beside its RPCs: let them finish before the schema goes.
    for runtime in runtimes { await runtime.idle() }
    for pool in pools { await pool.shutdown() }
  }

  private static func process(_ database: ServiceDatabase, name: String) -> ServiceProcess {
    ServiceProcess(
      name: name,
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 2,
        logLevel: .critical))
  }

  private static func startAdmin(_ database: ServiceDatabase, pools: inout [PostgresPool])
    async throws -> RunningService
  {
    let process = process(database, name: AdminServer.name)
    let pool = try await process.openDatabase(migrations: try AdminServer.migrations())
    pools.append(pool)
    return try await RunningService.start(
      process, services: AdminServer.services(process: process, pool: pool),
      tenancy: AdminServer.tenancy)
  }

  private static func startContacts(
    _ database: ServiceDatabase, admin: GRPCClient<NGHTTP2ClientTransport>,
    cdh: GRPCClient<NGHTTP2ClientTransport>, pools: inout [PostgresPool]
  ) async throws -> RunningService {
    let process = process(database, name: "contacts")
    let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
    pools.append(pool)
    let contacts = ContactsService(
      process: process, pool: pool, directory: AdminOrganizationDirectory(client: admin),
      peers: ContactsPeers(profiles: CdhProfileClient(client: cdh)))
    return try await RunningService.start(
      process, services: contacts.services, tenancy: contacts.tenancy,
      background: contacts.background)
  }

  private static func startTags(_ database: ServiceDatabase, pools: inout [PostgresPool])
    async throws -> RunningService
  {
    let process = process(database, name: "tags")
    let pool = try await process.openDatabase(migrations: try TagManager.migrations())
    pools.append(pool)
    let tags = TagManager(process: process, pool: pool)
    return try await RunningService.start(
      process, services: tags.services, tenancy: TagManager.tenancy, background: tags.background)
  }

  /// CDH's RPCs; its follower of contacts' stream starts once contacts listens.
  private static func startCDH(
    _ database: ServiceDatabase, pools: inout [PostgresPool], runtimes: inout [CDHRuntime]
  ) async throws -> (RunningService, CDHRuntime, ServiceProcess, PostgresPool) {
    let process = process(database, name: "cdh")
    let pool = try await process.openDatabase(migrations: try CDHMigrations.all())
    pools.append(pool)
    let runtime = try await CDHRuntime.start(
      pool: pool, outbox: process.outbox, logger: process.logger)
    runtimes.append(runtime)
    let running = try await RunningService.start(
      process,
      services: CdhServices.all(
        runtime: runtime,
        eventStream: process.eventStream(
          method: Maac_Cdh_V1_CdhEvents.Method.Subscribe.descriptor, pool: pool)),
      tenancy: CdhServices.tenancy)
    return (running, runtime, process, pool)
  }

  static let operatorCaller = CallerContext(
    organizationID: nil, userID: "system:gateway-test", requestID: RequestID.generate()
  ).metadata

  private static func provision(
    ops: Maac_Admin_V1_AdminOps.Client<NGHTTP2ClientTransport>, keys: TestSigningKeys,
    gateway: RunningGateway, addresses: [HostAndPort]
  ) async throws -> ServiceStack {
    func organization(_ name: String, active: Bool = true) async throws -> Int64 {
      try await ops.createOrganization(
        .with {
          $0.name = name
          $0.active = active
        }, metadata: operatorCaller
      ).id
    }
    let orgA = try await organization("Org A")
    let orgB = try await organization("Org B")
    let inactive = try await organization("Org Closed", active: false)
    let emailA = try await ops.createChannel(
      .with {
        $0.organizationID = orgA
        $0.type = .email
        $0.name = "EDM"
        $0.email = .with { $0.brandDomain = "brand.example" }
        $0.credentials = .with {
          $0.email = .with {
            $0.apiKey = secrets[2]
            $0.webhookVerificationKey = secrets[3]
          }
        }
      }, metadata: operatorCaller
    ).id
    let lineA = try await ops.createChannel(
      .with {
        $0.organizationID = orgA
        $0.type = .line
        $0.name = "OA"
        $0.status = .connected
        $0.credentials = .with {
          $0.line = .with {
            $0.channelSecret = secrets[0]
            $0.channelAccessToken = secrets[1]
          }
        }
      }, metadata: operatorCaller
    ).id
    let lineB = try await ops.createChannel(
      .with {
        $0.organizationID = orgB
        $0.type = .line
        $0.name = "OA B"
        $0.credentials = .with {
          $0.line = .with {
            $0.channelSecret = secrets[0]
            $0.channelAccessToken = secrets[4]
          }
        }
      }, metadata: operatorCaller
    ).id
    return ServiceStack(
      keys: keys, gateway: gateway, orgA: orgA, orgB: orgB, inactiveOrg: inactive,
      emailA: emailA, lineA: lineA, lineB: lineB, adminAddress: addresses[0],
      contactsAddress: addresses[1], tagsAddress: addresses[2], cdhAddress: addresses[3], ops: ops)
  }
}
