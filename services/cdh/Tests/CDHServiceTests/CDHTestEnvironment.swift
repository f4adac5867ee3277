import CdhService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Synchronization
import Testing

/// A real CDH over the nghttp2 transport on a real PostgreSQL schema, following test-only
/// producers that serve the contacts and tags `Subscribe` contracts with ServiceKit's
/// EventStreamService from their own schemas (the contacts and tags services are not in main
/// yet).
final class CDHTestEnvironment: Sendable {
  let cdhDatabase: ServiceDatabase
  let contactsProcess: ServiceProcess
  let contactsPool: PostgresPool
  let contactsService: RunningService
  let tagsProcess: ServiceProcess
  let tagsPool: PostgresPool
  let tagsService: RunningService
  /// The contacts ingest stand-in receiving CDH's write-back calls.
  let ingest: RecordingContactsIngest

  init(
    cdhDatabase: ServiceDatabase, contactsProcess: ServiceProcess, contactsPool: PostgresPool,
    contactsService: RunningService, tagsProcess: ServiceProcess, tagsPool: PostgresPool,
    tagsService: RunningService, ingest: RecordingContactsIngest
  ) {
    self.ingest = ingest
    self.cdhDatabase = cdhDatabase
    self.contactsProcess = contactsProcess
    self.contactsPool = contactsPool
    self.contactsService = contactsService
    self.tagsProcess = tagsProcess
    self.tagsPool = tagsPool
    self.tagsService = tagsService
  }

  static func process(
    _ database: ServiceDatabase, name: String, peers: [String: HostAndPort] = [:]
  ) -> ServiceProcess {
    ServiceProcess(
      name: name,
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, peers: peers, logLevel: .error,
        organizationLookupTimeout: TestBudgets.organizationLookup))
  }

  /// Provisions three schemas (cdh, fake contacts, fake tags) and runs `body`.
  static func with(_ body: (CDHTestEnvironment) async throws -> Void) async throws {
    try await TestDatabase.withServiceDatabase("cdh") { cdh in
      try await TestDatabase.withServiceDatabase("cdhcontacts") { contacts in
        try await TestDatabase.withServiceDatabase("cdhtags") { tags in
          let contactsProcess = process(contacts, name: "contacts")
          let contactsPool = try await contactsProcess.openDatabase(migrations: [])
          let ingest = RecordingContactsIngest()
          let contactsService = try await RunningService.start(
            contactsProcess,
            services: [
              contactsProcess.eventStream(
                method: Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor,
                pool: contactsPool),
              ingest,
            ],
            tenancy: .organizationScoped(callerOnly: ["maac.contacts.v1.ContactsEvents"]))
          let tagsProcess = process(tags, name: "tags")
          let tagsPool = try await tagsProcess.openDatabase(migrations: [])
          let tagsService = try await RunningService.start(
            tagsProcess,
            services: [
              tagsProcess.eventStream(
                method: Maac_Tags_V1_TagsEvents.Method.Subscribe.descriptor, pool: tagsPool)
            ],
            tenancy: .organizationScoped(callerOnly: ["maac.tags.v1.TagsEvents"]))
          let environment = CDHTestEnvironment(
            cdhDatabase: cdh, contactsProcess: contactsProcess, contactsPool: contactsPool,
            contactsService: contactsService, tagsProcess: tagsProcess, tagsPool: tagsPool,
            tagsService: tagsService, ingest: ingest)
          do {
            try await body(environment)
          } catch {
            await contactsService.stop()
            await tagsService.stop()
            throw error
          }
          await contactsService.stop()
          await tagsService.stop()
        }
      }
    }
  }

  /// A running CDH process (start again after `stop()` to test resumption).
  struct CDH: Sendable {
    let service: RunningService
    let runtime: CDHRuntime
    let pool: PostgresPool
  }

  func startCDH(options: CDHRuntimeOptions = CDHRuntimeOptions(), admin: HostAndPort? = nil)
    async throws -> CDH
  {
    // With admin center as peer the platform's known-organization gate guards RPCs, and the
    // runtime applies it to inbound events.
    let process = Self.process(
      cdhDatabase, name: "cdh", peers: admin.map { ["admin": $0] } ?? [:])
    let pool = try await process.openDatabase(migrations: try CDHMigrations.all())
    var options = options
    options.organizationGate = process.organizationGate
    let runtime = try await CDHRuntime.start(
      pool: pool, outbox: process.outbox, logger: process.logger, options: options)
    let contacts = contactsService.address
    let tags = tagsService.address
    let logger = process.logger
    let outbox = process.outbox
    let service = try await RunningService.start(
      process,
      services: CdhServices.all(
        runtime: runtime,
        eventStream: process.eventStream(
          method: Maac_Cdh_V1_CdhEvents.Method.Subscribe.descriptor, pool: pool)),
      tenancy: CdhServices.tenancy,
      background: [
        ClosureService("followers") {
          try await CDHEventFollowers.run(
            runtime: runtime, pool: pool, contacts: contacts, tags: tags, admin: admin,
            logger: logger,
            writeBack: ContactsWriteBack(
              runtime: runtime, pool: pool, outbox: outbox, logger: logger))
        }
      ])
    return CDH(service: service, runtime: runtime, pool: pool)
  }

  // MARK: Producing test events

  static func timestamp(_ seconds: Int64) -> Google_Protobuf_Timestamp {
    Google_Protobuf_Timestamp(seconds: 1_700_000_000 + seconds, nanos: 0)
  }

  static func change(
    _ attribute: String, _ value: String?, at seconds: Int64,
    origin: Maac_Contacts_V1_Origin = .user
  )
    -> Maac_Contacts_V1_AttributeChange
  {
    .with {
      $0.attribute = attribute
      if let value { $0.newValue = value }
      $0.sourceTimestamp = timestamp(seconds)
      $0.origin = origin
    }
  }

  /// Appends contact events to the fake contacts outbox, returning their sequences.
  @discardableResult
  func publishContact(
    _ kind: String, org: Int64, contact: Int64, changes: [Maac_Contacts_V1_AttributeChange] = [],
    origin: Maac_Contacts_V1_Origin = .user
  ) async throws -> Int64 {
    let payload: any SwiftProtobuf.Message
    let state = Maac_Contacts_V1_ContactState.with {
      $0.channelType = .line
      $0.channelID = 7
      $0.reachable = true
    }
    switch kind {
    case "contact.created":
      payload = Maac_Contacts_V1_ContactCreated.with {
        $0.cause = .with { $0.origin = origin }
        $0.contactID = contact
        $0.state = state
        $0.changes = changes
      }
    case "contact.updated":
      payload = Maac_Contacts_V1_ContactUpdated.with {
        $0.cause = .with { $0.origin = origin }
        $0.contactID = contact
        $0.changes = changes
      }
    default:
      payload = Maac_Contacts_V1_ContactDeleted.with {
        $0.cause = .with { $0.origin = origin }
        $0.contactID = contact
      }
    }
    let outbox = contactsProcess.outbox
    return try await contactsPool.withTransaction { connection in
      try await outbox.append(
        OutboundEvent(eventType: kind, organizationID: org, payload: payload, requestID: ""),
        on: connection)
    }
  }

  @discardableResult
  func publishTag(org: Int64, contact: Int64, tag: Int64, name: String, attached: Bool) async throws
    -> Int64
  {
    let payload = Maac_Tags_V1_MemberTagChanged.with {
      $0.orgID = org
      $0.memberSource = .maac
      $0.memberID = contact
      $0.tagSource = .maac
      $0.tagID = tag
      $0.tagName = name
      $0.isAttached = attached
      $0.origin = .direct
      $0.taggedVia = .manual
      $0.occurredAt = Google_Protobuf_Timestamp(date: Date())
    }
    let outbox = tagsProcess.outbox
    return try await tagsPool.withTransaction { connection in
      try await outbox.append(
        OutboundEvent(
          eventType: "tags.member_tag.v1", organizationID: org, payload: payload, requestID: ""),
        on: connection)
    }
  }

  @discardableResult
  func publishTagDeleted(org: Int64, tag: Int64) async throws -> Int64 {
    let payload = Maac_Tags_V1_TagDefinitionChanged.with {
      $0.orgID = org
      $0.tagSource = .maac
      $0.tagID = tag
      $0.eventType = "tag.deleted"
    }
    let outbox = tagsProcess.outbox
    return try await tagsPool.withTransaction { connection in
      try await outbox.append(
        OutboundEvent(
          eventType: "tags.tag.v1", organizationID: org, payload: payload, requestID: ""),
        on: connection)
    }
  }

  /// Waits until CDH's cursor on `producer` reached `sequence` (bounded: fails, never hangs).
  static func waitForCursor(_ pool: PostgresPool, producer: String, sequence: Int64) async throws {
    for _ in 0..<600 {
      let rows = try await pool.query(
        "SELECT last_sequence FROM event_cursors WHERE consumer = 'cdh' AND producer = \(producer)")
      if let last = try rows.first?.decode("last_sequence", as: Int64.self), last >= sequence {
        return
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("cdh did not consume \(producer) up to \(sequence)")
    throw CancellationError()
  }
}

/// Metadata of an org admin of `org`.
func admin(_ org: Int64) -> Metadata { CallerContext.tenant(org, roles: ["org_admin"]).metadata }

func member(_ id: Int64) -> Maac_Common_V1_MemberRef {
  .with {
    $0.source = .maac
    $0.memberID = id
  }
}

/// The field an INVALID_ARGUMENT names (`x-maac-error-field`).
func errorField(_ error: RPCError?) -> String? {
  guard let error else { return nil }
  for value in error.metadata[stringValues: ServiceError.fieldMetadataKey] { return value }
  return nil
}

/// A test-only `ContactsIngest` that records `ApplyProfileBroadcast` calls (contacts is not in
/// main yet); the other methods are not part of CDH's contract with contacts.
final class RecordingContactsIngest: Maac_Contacts_V1_ContactsIngest.SimpleServiceProtocol, Sendable
{
  struct Call: Sendable {
    var organizationID: Int64?
    var request: Maac_Contacts_V1_ApplyProfileBroadcastRequest
  }

  let calls = Mutex<[Call]>([])

  func applyProfileBroadcast(
    request: Maac_Contacts_V1_ApplyProfileBroadcastRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_ApplyProfileBroadcastResponse
  {
    calls.withLock {
      $0.append(Call(organizationID: CallerContext.current?.organizationID, request: request))
    }
    return .with { $0.appliedContactIds = request.memberIds }
  }

  func applyChannelEvent(request: Maac_Contacts_V1_ApplyChannelEventRequest, context: ServerContext)
    async throws -> Maac_Contacts_V1_ApplyChannelEventResponse
  { throw RPCError(code: .unimplemented, message: "not part of the test") }

  func recordInteraction(request: Maac_Contacts_V1_RecordInteractionRequest, context: ServerContext)
    async throws -> Maac_Contacts_V1_RecordInteractionResponse
  { throw RPCError(code: .unimplemented, message: "not part of the test") }

  func updateEmailMessagingStatus(
    request: Maac_Contacts_V1_UpdateEmailMessagingStatusRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_UpdateEmailMessagingStatusResponse {
    throw RPCError(code: .unimplemented, message: "not part of the test")
  }

  func setSystemAttributes(
    request: Maac_Contacts_V1_SetSystemAttributesRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_Contact
  { throw RPCError(code: .unimplemented, message: "not part of the test") }
}
