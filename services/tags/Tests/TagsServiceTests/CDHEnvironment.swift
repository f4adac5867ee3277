import CdhService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Testing

@testable import TagsService

/// The REAL CDH service (library `CdhService`, in-process over nghttp2 on its own schema)
/// beside a real tag manager, each following the other's event stream: CDH follows the tag
/// manager's `TagsEvents/Subscribe` and a contacts event producer; the tag manager follows
/// CDH's `CdhEvents/Subscribe` (T23).
///
/// Contacts' events come from a producer serving the real `ContactsEvents/Subscribe` contract
/// with ServiceKit's `EventStreamService` over a real outbox table in its own schema: CDH only
/// needs contacts' events to build profiles, and publishing them directly lets a test decide
/// which contacts unify.
struct CDHEnvironment {
  var tags: TagsHarness
  let cdhDatabase: ServiceDatabase
  let contactsProcess: ServiceProcess
  let contactsPool: PostgresPool
  let contacts: RunningService
  let cdh: RunningService
  let cdhPool: PostgresPool
  let cdhProcess: ServiceProcess
  let runtime: CDHRuntime
  /// Hands CDH's follower the tag manager's address once it listens.
  let tagsAddress: AsyncStream<HostAndPort>.Continuation

  static func process(_ database: ServiceDatabase, name: String) -> ServiceProcess {
    ServiceProcess(
      name: name,
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, logLevel: .critical))
  }

  /// Provisions the three schemas, starts the contacts producer and CDH, and runs `body`
  /// (which starts the tag manager with ``startTags()``).
  static func with(_ body: (CDHEnvironment) async throws -> Void) async throws {
    try await TagsHarness.withDatabase { harness in
      try await TestDatabase.withServiceDatabase("tgcdh") { cdhDatabase in
        try await TestDatabase.withServiceDatabase("tgcontacts") { contactsDatabase in
          let contactsProcess = process(contactsDatabase, name: "contacts")
          let contactsPool = try await contactsProcess.openDatabase(migrations: [])
          let contacts = try await RunningService.start(
            contactsProcess,
            services: [
              contactsProcess.eventStream(
                method: Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor,
                pool: contactsPool)
            ],
            tenancy: .organizationScoped(callerOnly: ["maac.contacts.v1.ContactsEvents"]))
          // CDH follows the tag manager, which is started after CDH (it needs CDH's address):
          // CDH's follower waits for the tag manager's address.
          let (tagsAddresses, tagsAddress) = AsyncStream.makeStream(of: HostAndPort.self)
          let cdhProcess = process(cdhDatabase, name: "cdh")
          let cdhPool = try await cdhProcess.openDatabase(migrations: try CDHMigrations.all())
          let runtime = try await CDHRuntime.start(
            pool: cdhPool, outbox: cdhProcess.outbox, logger: cdhProcess.logger)
          let contactsAddress = contacts.address
          let logger = cdhProcess.logger
          let cdh = try await RunningService.start(
            cdhProcess,
            services: CdhServices.all(
              runtime: runtime,
              eventStream: cdhProcess.eventStream(
                method: Maac_Cdh_V1_CdhEvents.Method.Subscribe.descriptor, pool: cdhPool)),
            tenancy: CdhServices.tenancy,
            background: [
              ClosureService("followers") {
                var iterator = tagsAddresses.makeAsyncIterator()
                let tags = await iterator.next()
                try await CDHEventFollowers.run(
                  runtime: runtime, pool: cdhPool, contacts: contactsAddress, tags: tags,
                  logger: logger)
              }
            ])
          var tags = harness
          tags.peers["cdh"] = cdh.address
          let environment = CDHEnvironment(
            tags: tags, cdhDatabase: cdhDatabase, contactsProcess: contactsProcess,
            contactsPool: contactsPool, contacts: contacts, cdh: cdh, cdhPool: cdhPool,
            cdhProcess: cdhProcess, runtime: runtime, tagsAddress: tagsAddress)
          defer { tagsAddress.finish() }
          do {
            try await body(environment)
          } catch {
            await cdh.stop()
            await runtime.idle()
            await contacts.stop()
            throw error
          }
          await cdh.stop()
          await runtime.idle()
          await contacts.stop()
        }
      }
    }
  }

  /// Starts the tag manager (following CDH) and tells CDH where it is (first start only).
  func startTags() async throws -> RunningService {
    let service = try await tags.start()
    tagsAddress.yield(service.address)
    return service
  }

  // MARK: Driving CDH

  /// Sets the unify keys of `org` (CDH's UnifySettingsService) and waits for the job.
  func setKeys(_ keys: [Maac_Cdh_V1_UnifyAttribute], org: Int64) async throws {
    try await withTestClient(to: cdh.address) { client in
      let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
      _ = try await settings.updateUnifyKeys(
        .with { $0.unifyKeys = keys.map { key in .with { $0.attribute = key } } },
        metadata: CallerContext.tenant(org, roles: ["org_admin"]).metadata)
      try await eventually {
        try await settings.getMergeState(
          .init(), metadata: CallerContext.tenant(org, roles: ["org_admin"]).metadata
        ).isFinished
      }
    }
  }

  /// Links `caacOrg` into the unify scope of the MAAC organization `org` (CdhOps), which
  /// makes `org` CDH-connected (T3).
  func link(org: Int64, caacOrg: Int64) async throws {
    try await withTestClient(to: cdh.address) { client in
      let admin = CallerContext.tenant(org, roles: ["platform_admin"]).metadata
      let settings = try await Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
        .getUnifySettings(.init(), metadata: admin)
      _ = try await Maac_Cdh_V1_CdhOps.Client(wrapping: client).moveOrgsToScope(
        .with {
          $0.unifyScopeID = settings.unifyScopeID
          $0.orgs = [
            .with {
              $0.orgID = caacOrg
              $0.source = .caac
            }
          ]
        }, metadata: admin)
    }
  }

  /// Publishes `contact.created` of a LINE contact with `customID` (a unify key) on the
  /// contacts stream CDH follows; returns its sequence.
  @discardableResult
  func contactCreated(org: Int64, contact: Int64, customID: String) async throws -> Int64 {
    let payload = Maac_Contacts_V1_ContactCreated.with {
      $0.cause = .with { $0.origin = .user }
      $0.contactID = contact
      $0.state = .with {
        $0.channelType = .line
        $0.channelID = 7
        $0.reachable = true
      }
      $0.changes = [
        .with {
          $0.attribute = "custom_id"
          $0.newValue = customID
          $0.sourceTimestamp = Google_Protobuf_Timestamp(date: Date())
          $0.origin = .user
        }
      ]
    }
    let outbox = contactsProcess.outbox
    return try await contactsPool.withTransaction { connection in
      try await outbox.append(
        OutboundEvent(
          eventType: "contact.created", organizationID: org, payload: payload, requestID: ""),
        on: connection)
    }
  }

  /// Waits until CDH consumed `producer` up to `sequence`.
  func waitForCDH(producer: String, sequence: Int64) async throws {
    let pool = cdhPool
    try await eventually {
      let rows = try await pool.query(
        "SELECT last_sequence FROM event_cursors WHERE consumer = 'cdh' AND producer = \(producer)")
      return try (rows.first?.decode("last_sequence", as: Int64.self) ?? 0) >= sequence
    }
  }

  /// Appends a `cdh.member_tag.v1` event to the real CDH's own outbox table, which its real
  /// `CdhEvents/Subscribe` (ServiceKit's `EventStreamService`) serves: used for what CDH cannot
  /// be driven to emit here (CAAC tags need a CAAC producer, which does not exist).
  @discardableResult
  func injectTagEvent(
    org: Int64, members: [Int64], tag: Int64, source: Maac_Common_V1_TagSource, name: String,
    action: Maac_Cdh_V1_PropagatedTag.Action, inherited: Bool = false, at timestamp: Date = Date()
  ) async throws -> Int64 {
    var message = Maac_Cdh_V1_MemberTagPropagated()
    message.schemaVersion = 1
    message.metadata.type = inherited ? .unificationInherit : .memberTagUpdate
    message.events = [
      .with {
        $0.topic = "member.tag.update"
        $0.timestamp = Google_Protobuf_Timestamp(date: timestamp)
        $0.unifiedChannelEntities = members.map { id in
          .with {
            $0.source = .maac
            $0.memberID = id
          }
        }
        $0.tags = [
          .with {
            $0.tagID = tag
            $0.source = source
            $0.tagName = name
            $0.action = action
            $0.inherited = inherited
            $0.createdAt = Google_Protobuf_Timestamp(date: timestamp)
          }
        ]
      }
    ]
    let outbox = cdhProcess.outbox
    return try await cdhPool.withTransaction { connection in
      try await outbox.append(
        OutboundEvent(
          eventType: "cdh.member_tag.v1", organizationID: org, payload: message, requestID: ""),
        on: connection)
    }
  }
}

/// Waits until the tag manager on `pool` consumed CDH's stream up to `sequence`.
func waitForTags(_ pool: PostgresPool, cdhSequence sequence: Int64) async throws {
  try await eventually {
    let rows = try await pool.query(
      "SELECT last_sequence FROM event_cursors WHERE consumer = 'tags' AND producer = 'cdh'")
    return try (rows.first?.decode("last_sequence", as: Int64.self) ?? 0) >= sequence
  }
}
