import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import TagsDomain
import Testing

@testable import TagsService

typealias TagsClient = Maac_Tags_V1_TagManagerService.Client<NGHTTP2ClientTransport>

/// A real tag manager: its own PostgreSQL role and schema, served over the nghttp2 transport.
struct TagsHarness {
  let database: ServiceDatabase
  let settings: TagManager.Settings
  /// Other services this process talks to (e.g. `contacts`).
  var peers: [String: HostAndPort] = [:]

  /// Provisions a fresh database and runs `body` against it.
  static func withDatabase<T>(
    settings: TagManager.Settings = TagManager.Settings(pollInterval: .milliseconds(50)),
    _ body: (TagsHarness) async throws -> T
  ) async throws -> T {
    try await TestDatabase.withServiceDatabase("tags") { database in
      try await body(TagsHarness(database: database, settings: settings))
    }
  }

  /// Starts one service process on the database; `stop()` it like a crash would.
  func start() async throws -> RunningService {
    let process = ServiceProcess(
      name: "tags",
      configuration: ServiceConfiguration(
        databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 6,
        peers: peers, logLevel: .critical))
    let pool = try await process.openDatabase(migrations: try TagManager.migrations())
    let tags = TagManager(process: process, pool: pool, settings: settings)
    return try await RunningService.start(
      process, services: tags.services, tenancy: TagManager.tenancy, background: tags.background)
  }

  /// Starts a service and runs `body` with a generated client connected to it.
  func withService<T: Sendable>(
    _ body: (TagsClient, GRPCClient<NGHTTP2ClientTransport>) async throws -> T
  )
    async throws -> T
  {
    let service = try await start()
    do {
      let value = try await withTestClient(to: service.address) { client in
        try await body(TagsClient(wrapping: client), client)
      }
      await service.stop()
      return value
    } catch {
      await service.stop()
      throw error
    }
  }

  /// A pool on the service's schema, for seeding what another context would deliver.
  func pool() throws -> PostgresPool { try database.pool(maxConnections: 2) }
}

/// Caller metadata of a tenant user.
func tenant(_ organizationID: Int64) -> Metadata { CallerContext.tenant(organizationID).metadata }

/// Caller metadata of a service caller acting for an organization.
func service(_ organizationID: Int64?) -> Metadata {
  CallerContext(organizationID: organizationID, userID: "system:contacts", requestID: "r").metadata
}

/// Asserts that `body` fails with `code`, the spec's `reason` and (when given) `field`.
func expectError(
  _ code: RPCError.Code, reason: String, field: String? = nil,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () async throws -> Void
) async {
  do {
    try await body()
    Issue.record("expected \(code) \(reason), the call succeeded", sourceLocation: sourceLocation)
  } catch let error as RPCError {
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    #expect(
      error.metadata[stringValues: "x-maac-error-reason"].first(where: { _ in true }) == reason,
      "\(error)", sourceLocation: sourceLocation)
    if let field {
      #expect(
        error.metadata[stringValues: "x-maac-error-field"].first(where: { _ in true }) == field,
        "\(error)", sourceLocation: sourceLocation)
      if code == .invalidArgument {
        #expect(error.message.hasPrefix(field), "\(error.message)", sourceLocation: sourceLocation)
      }
    }
  } catch {
    Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
  }
}

/// Polls `condition` until it holds; fails after `attempts` (never a timing assertion: the
/// bound only keeps a broken run from hanging).
func eventually(
  attempts: Int = 600, sourceLocation: SourceLocation = #_sourceLocation,
  _ condition: () async throws -> Bool
) async throws {
  for _ in 0..<attempts {
    if try await condition() { return }
    try await Task.sleep(for: .milliseconds(50))
  }
  Issue.record("condition never held", sourceLocation: sourceLocation)
}

extension TagsClient {
  /// Creates a tag named `name` for `organizationID`.
  func create(_ name: String, org organizationID: Int64, expiry: Maac_Tags_V1_Expiry? = nil)
    async throws
    -> Maac_Tags_V1_Tag
  {
    var request = Maac_Tags_V1_CreateTagRequest()
    request.name = name
    if let expiry { request.expiry = expiry }
    return try await createTag(request, metadata: tenant(organizationID))
  }

  /// Attaches tags to contacts.
  func attach(
    _ tagIDs: [Int64], to contacts: [Int64], org organizationID: Int64,
    via: Maac_Tags_V1_TaggedVia = .manual, key: String = "",
    source: Maac_Common_V1_TagSource = .unspecified
  ) async throws -> Maac_Tags_V1_AttachTagsResponse {
    var request = Maac_Tags_V1_AttachTagsRequest()
    request.contactIds = contacts
    request.tagIds = tagIDs
    request.taggedVia = via
    request.idempotencyKey = key
    request.tagSource = source
    return try await attachTags(request, metadata: tenant(organizationID))
  }

  /// Reads one tag (including deleted ones when asked).
  func tag(_ id: Int64, org organizationID: Int64, includeDeleted: Bool = false) async throws
    -> Maac_Tags_V1_Tag
  {
    var request = Maac_Tags_V1_GetTagRequest()
    request.tagID = id
    request.includeDeleted = includeDeleted
    return try await getTag(request, metadata: tenant(organizationID))
  }

  /// A contact's tags.
  func contactTags(_ contact: Int64, org organizationID: Int64) async throws
    -> [Maac_Tags_V1_ContactTag]
  {
    var request = Maac_Tags_V1_ListContactTagsRequest()
    request.contactID = contact
    return try await listContactTags(request, metadata: tenant(organizationID)).tags
  }

  /// A bulk job.
  func job(_ id: Int64, org organizationID: Int64) async throws -> Maac_Tags_V1_BulkTagJob {
    var request = Maac_Tags_V1_GetBulkTagJobRequest()
    request.jobID = id
    return try await getBulkTagJob(request, metadata: tenant(organizationID))
  }

  /// Starts a bulk job.
  func startJob(
    _ action: Maac_Tags_V1_BulkAction, tags: [Int64], target: Maac_Tags_V1_BulkTagTarget,
    org organizationID: Int64
  ) async throws -> Maac_Tags_V1_BulkTagJob {
    var request = Maac_Tags_V1_StartBulkTagJobRequest()
    request.action = action
    request.tagIds = tags
    request.target = target
    return try await startBulkTagJob(request, metadata: tenant(organizationID))
  }
}

/// A bulk target of explicit contacts.
func contactsTarget(_ ids: [Int64]) -> Maac_Tags_V1_BulkTagTarget {
  var target = Maac_Tags_V1_BulkTagTarget()
  var explicit = Maac_Tags_V1_ContactIdsTarget()
  explicit.contactIds = ids
  target.contactIds = explicit
  return target
}

/// A bulk target "contacts having every one of `tags`".
func tagFilterTarget(_ tags: [Int64], match: Maac_Segments_V1_FilterMatch = .all)
  -> Maac_Tags_V1_BulkTagTarget
{
  var tree = Maac_Segments_V1_FilterTree()
  tree.match = match
  tree.conditions = tags.map { id in
    var condition = Maac_Segments_V1_Condition()
    condition.condition = "tag"
    condition.op = "with"
    condition.value.intValue = id
    var node = Maac_Segments_V1_FilterNode()
    node.condition = condition
    return node
  }
  var filter = Maac_Tags_V1_FilterTarget()
  filter.tree = tree
  var target = Maac_Tags_V1_BulkTagTarget()
  target.filter = filter
  return target
}

/// Whether a job reached a terminal state.
func isTerminal(_ job: Maac_Tags_V1_BulkTagJob) -> Bool {
  [.succeeded, .failed, .canceled].contains(job.status)
}

extension TagsClient {
  /// Polls `GetTagJob` until the job is succeeded or failed (T14, T21).
  func finishedJob(_ id: Int64, org organizationID: Int64) async throws -> Maac_Tags_V1_TagJob {
    var request = Maac_Tags_V1_GetTagJobRequest()
    request.jobID = id
    var job = try await getTagJob(request, metadata: tenant(organizationID))
    try await eventually {
      job = try await getTagJob(request, metadata: tenant(organizationID))
      return job.status == .succeeded || job.status == .failed
    }
    return job
  }

  /// `RecomputeTagCoverage` of `start...end` (channel 0 = all), waited for to its end.
  func recompute(
    _ start: CalendarDay, _ end: CalendarDay, channel: Int64 = 0, org organizationID: Int64,
    ops: Maac_Tags_V1_TagManagerOps.Client<NGHTTP2ClientTransport>
  ) async throws -> Maac_Tags_V1_TagJob {
    var request = Maac_Tags_V1_RecomputeTagCoverageRequest()
    request.startDate = start.description
    request.endDate = end.description
    request.channelID = channel
    let response = try await ops.recomputeTagCoverage(request, metadata: service(organizationID))
    #expect(response.jobID > 0)
    return try await finishedJob(response.jobID, org: organizationID)
  }
}
