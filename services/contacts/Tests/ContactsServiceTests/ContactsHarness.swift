import ContactsDomain
import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import Testing

/// A stand-in resolver for C39: names under `.invalid` do not exist, `.slow` times out.
struct StandInDomainResolver: EmailDomainResolver {
  func check(domain: String) async -> EmailDomainCheck {
    if domain.hasSuffix(".invalid") { return .invalid }
    if domain.hasSuffix(".slow") { return .unverified }
    return .valid
  }
}

/// The contacts service on a private schema of the test cluster, served over the real nghttp2
/// transport, with generated clients.
struct ContactsHarness {
  static let orgA: Int64 = 101
  static let orgB: Int64 = 202
  static let line: Int64 = 11
  static let email: Int64 = 21
  static let whatsapp: Int64 = 31
  static let lineB: Int64 = 12

  static let directory = StaticOrganizationDirectory(
    channels: [
      orgA: [
        ChannelInfo(id: line, type: .line), ChannelInfo(id: email, type: .email),
        ChannelInfo(id: whatsapp, type: .whatsapp),
      ],
      orgB: [ChannelInfo(id: lineB, type: .line)],
    ],
    definitions: [orgA: [CustomFieldDefinition(key: "customized_field_1", label: "Member Tier")]])

  let database: ServiceDatabase
  let address: HostAndPort

  /// Starts one service process on `database`.
  static func start(
    _ database: ServiceDatabase, batchSize: Int = 500, lease: Duration = .seconds(1)
  ) async throws -> RunningService {
    let process = ServiceProcess(
      name: "contacts",
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 6,
        logLevel: .critical))
    let pool = try await process.openDatabase(migrations: try ContactsService.migrations())
    let service = ContactsService(
      process: process, pool: pool, directory: directory, domainResolver: StandInDomainResolver(),
      importBatchSize: batchSize, importLease: lease)
    return try await RunningService.start(
      process, services: service.services, tenancy: service.tenancy, background: service.background)
  }

  /// Runs `body` against a fresh service and schema.
  static func run(
    batchSize: Int = 500,
    _ body: (ContactsHarness, GRPCClient<NGHTTP2ClientTransport>) async throws -> Void
  ) async throws {
    try await TestDatabase.withServiceDatabase("contacts_test") { database in
      let service = try await start(database, batchSize: batchSize)
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
}

/// Call options for a tenant user and for a service.
enum As {
  static func user(_ org: Int64) -> Metadata { CallerContext.tenant(org, user: "user-9").metadata }
  static func service(_ org: Int64) -> Metadata {
    CallerContext(organizationID: org, userID: "system:tests", requestID: RequestID.generate())
      .metadata
  }
  static func serviceWithoutOrg() -> Metadata {
    CallerContext(organizationID: nil, userID: "system:tests", requestID: RequestID.generate())
      .metadata
  }
}

/// Expects an RPC to fail with `code` and, when given, a message naming `field` and `reason`.
func expectRPCError(
  _ code: RPCError.Code, field: String? = nil, reason: String? = nil,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () async throws -> Void
) async {
  do {
    try await body()
    Issue.record("expected \(code) but the call succeeded", sourceLocation: sourceLocation)
  } catch let error as RPCError {
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    if let field {
      #expect(
        Array(error.metadata[stringValues: ServiceError.fieldMetadataKey]) == [field], "\(error)",
        sourceLocation: sourceLocation)
      #expect(
        error.message.hasPrefix("\(field): "), "\(error.message)", sourceLocation: sourceLocation)
    }
    if let reason {
      #expect(error.message.contains(reason), "\(error.message)", sourceLocation: sourceLocation)
    }
  } catch {
    Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
  }
}

func uid(_ n: Int) -> String { "U" + String(format: "%032x", n) }

extension Maac_Contacts_V1_ContactFields {
  static func with(_ configure: (inout Maac_Contacts_V1_ContactFields) -> Void) -> Self {
    var fields = Self()
    configure(&fields)
    return fields
  }
}

/// Helpers over the generated clients.
struct Clients {
  let contacts: Maac_Contacts_V1_Contacts.Client<NGHTTP2ClientTransport>
  let ingest: Maac_Contacts_V1_ContactsIngest.Client<NGHTTP2ClientTransport>
  let internals: Maac_Contacts_V1_ContactsInternal.Client<NGHTTP2ClientTransport>
  let events: Maac_Contacts_V1_ContactsEvents.Client<NGHTTP2ClientTransport>

  init(_ client: GRPCClient<NGHTTP2ClientTransport>) {
    contacts = .init(wrapping: client)
    ingest = .init(wrapping: client)
    internals = .init(wrapping: client)
    events = .init(wrapping: client)
  }

  func createLine(
    _ n: Int, org: Int64 = ContactsHarness.orgA, channel: Int64 = ContactsHarness.line,
    fields: Maac_Contacts_V1_ContactFields = .init()
  ) async throws -> Maac_Contacts_V1_Contact {
    var request = Maac_Contacts_V1_CreateContactRequest()
    request.channelType = .line
    request.channelID = channel
    request.externalID = uid(n)
    request.fields = fields
    return try await contacts.createContact(request, metadata: As.user(org))
  }

  func get(_ id: Int64, org: Int64 = ContactsHarness.orgA) async throws -> Maac_Contacts_V1_Contact
  {
    var request = Maac_Contacts_V1_GetContactRequest()
    request.contactID = id
    return try await contacts.getContact(request, metadata: As.user(org))
  }

  /// Uploads `csv` and starts an import.
  func importCSV(
    _ csv: String, target: Maac_Contacts_V1_ImportTarget = .line,
    key: Maac_Contacts_V1_ImportKey = .lineUid,
    channel: Int64 = ContactsHarness.line, country: String = "TW", org: Int64 = ContactsHarness.orgA
  ) async throws -> Maac_Contacts_V1_ImportTask {
    try await importBytes(
      Array(csv.utf8), target: target, key: key, channel: channel, country: country, org: org)
  }

  func importBytes(
    _ bytes: [UInt8], target: Maac_Contacts_V1_ImportTarget = .line,
    key: Maac_Contacts_V1_ImportKey = .lineUid,
    channel: Int64 = ContactsHarness.line, country: String = "TW", org: Int64 = ContactsHarness.orgA
  ) async throws -> Maac_Contacts_V1_ImportTask {
    let upload = try await contacts.uploadImportFile(metadata: As.user(org)) { writer in
      var offset = 0
      repeat {
        var chunk = Maac_Contacts_V1_FileChunk()
        chunk.data = Data(bytes[offset..<min(bytes.count, offset + 64 * 1024)])
        if offset == 0 { chunk.fileName = "contacts.csv" }
        try await writer.write(chunk)
        offset += 64 * 1024
      } while offset < bytes.count
    }
    var request = Maac_Contacts_V1_CreateImportTaskRequest()
    request.target = target
    request.key = key
    request.channelID = channel
    request.defaultCountry = country
    request.uploadID = upload.uploadID
    return try await contacts.createImportTask(request, metadata: As.user(org))
  }

  /// Polls until the task finished (no wall-clock assertion: the test's own time limit applies).
  func finished(_ taskID: Int64, org: Int64 = ContactsHarness.orgA) async throws
    -> Maac_Contacts_V1_ImportTask
  {
    var request = Maac_Contacts_V1_GetImportTaskRequest()
    request.taskID = taskID
    while true {
      let task = try await contacts.getImportTask(request, metadata: As.user(org))
      if task.status == .succeeded || task.status == .failed { return task }
      try await Task.sleep(for: .milliseconds(50))
    }
  }

  func rows(_ taskID: Int64, org: Int64 = ContactsHarness.orgA) async throws
    -> [Maac_Contacts_V1_RowResult]
  {
    var all: [Maac_Contacts_V1_RowResult] = []
    var request = Maac_Contacts_V1_ListImportRowResultsRequest()
    request.taskID = taskID
    request.pageSize = 1000
    while true {
      let page = try await contacts.listImportRowResults(request, metadata: As.user(org))
      all += page.rows
      if page.nextPageToken.isEmpty { return all }
      request.pageToken = page.nextPageToken
    }
  }

  /// Events of org A after `sequence`, read until `count` arrived.
  func events(after sequence: Int64 = 0, count: Int, org: Int64 = ContactsHarness.orgA) async throws
    -> [Maac_Common_V1_EventEnvelope]
  {
    var request = Maac_Common_V1_SubscribeRequest()
    request.afterSequence = sequence
    return try await events.subscribe(request, metadata: As.user(org)) { response in
      var received: [Maac_Common_V1_EventEnvelope] = []
      for try await envelope in response.messages {
        received.append(envelope)
        if received.count >= count { break }
      }
      return received
    }
  }
}
