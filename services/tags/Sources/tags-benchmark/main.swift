import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import TagsService

// Tag manager scale figures (issue #6 "Scale"), printed, never asserted:
//   1. attaching one tag to N contacts (default 1,000,000) by one bulk job: contacts/s,
//      against a reference measured in the same run: plain INSERT ... SELECT of the same rows
//      (associations, history, two outbox rows per contact) into scratch copies of the tables;
//   2. member count (GetTag) and a contact's tag list (ListContactTags) at that many
//      associations: p50/p99 ms over real gRPC calls (nghttp2 transport, real PostgreSQL),
//      against the bare SQL of each lookup through PostgresClient.
// Needs MAAC_TEST_DATABASE_URL (a superuser URL); provisions and drops its own schema.
// Size: TAGS_BENCH_CONTACTS (default 1000000). Samples: TAGS_BENCH_SAMPLES (default 2000).

let environment = ProcessInfo.processInfo.environment
let contactCount = Int64(environment["TAGS_BENCH_CONTACTS"] ?? "") ?? 1_000_000
let samples = Int(environment["TAGS_BENCH_SAMPLES"] ?? "") ?? 2_000
let batchSize = Int(environment["TAGS_BENCH_BATCH"] ?? "") ?? TagManager.Settings().bulkBatchSize
let organizationID: Int64 = 1
let caller = CallerContext(organizationID: organizationID, userID: "bench", requestID: "bench")
  .metadata

func percentile(_ values: [Double], _ p: Double) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return .nan }
  return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func milliseconds(since start: ContinuousClock.Instant) -> Double {
  let elapsed = ContinuousClock.now - start
  return Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
}

func format(_ value: Double) -> String { String(format: "%.2f", value) }

try await TestDatabase.withServiceDatabase("tagsbench") { database in
  let process = ServiceProcess(
    name: "tags",
    configuration: ServiceConfiguration(
      databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 8,
      logLevel: .error))
  let pool = try await process.openDatabase(migrations: try TagManager.migrations())
  let tags = TagManager(
    process: process, pool: pool,
    settings: TagManager.Settings(bulkBatchSize: batchSize, pollInterval: .milliseconds(20)))
  let service = try await RunningService.start(
    process, services: tags.services, tenancy: TagManager.tenancy, background: tags.background)
  let seedPool = try database.pool(maxConnections: 1)
  try await withTestClient(to: service.address) { grpc in
    let client = Maac_Tags_V1_TagManagerService.Client(wrapping: grpc)
    func create(_ name: String) async throws -> Int64 {
      var request = Maac_Tags_V1_CreateTagRequest()
      request.name = name
      return try await client.createTag(request, metadata: caller).id
    }
    let seed = try await create("seed")
    let target = try await create("target")
    // Seed: N contacts carrying `seed` (as imports would have left them), written directly.
    let seedStart = ContinuousClock.now
    try await seedPool.execute(
      """
      INSERT INTO contact_tags (organization_id, contact_id, tag_source, tag_id, origin,
        first_tagged_at, last_tagged_at, first_tagged_via, last_tagged_via)
      SELECT \(organizationID), c, 'maac', \(seed), 'direct', now(), now(), 'import', 'import'
      FROM generate_series(1, \(contactCount)) AS c
      """)
    try await seedPool.execute(
      "UPDATE tag_counters SET member_count = \(contactCount), direct_member_count = \(contactCount) WHERE id = \(seed)"
    )
    try await seedPool.execute("ANALYZE contact_tags")
    print("bulk batch size \(batchSize)")
    print(
      "seeded \(contactCount) associations in \(format(milliseconds(since: seedStart) / 1000)) s")

    // Reference: the same rows written by plain INSERT ... SELECT, no service in between.
    for table in ["contact_tags", "tag_events", "outbox_events"] {
      try await seedPool.execute(
        "CREATE TABLE ref_\(unescaped: table) (LIKE \(unescaped: table) INCLUDING ALL)")
    }
    let referenceStart = ContinuousClock.now
    do {
      try await seedPool.execute(
        """
        INSERT INTO ref_contact_tags (organization_id, contact_id, tag_source, tag_id, origin,
          first_tagged_at, last_tagged_at, first_tagged_via, last_tagged_via, last_ref_kind, last_ref_id)
        SELECT organization_id, contact_id, 'maac', \(target), 'direct', now(), now(), 'bulk_update',
          'bulk_update', 'bulk_job', '1'
        FROM contact_tags WHERE organization_id = \(organizationID) AND tag_id = \(seed)
        """)
      try await seedPool.execute(
        """
        INSERT INTO ref_tag_events (organization_id, contact_id, tag_source, tag_id, action, origin,
          tagged_via, ref_kind, ref_id, occurred_at)
        SELECT organization_id, contact_id, 'maac', \(target), 'add', 'direct', 'bulk_update',
          'bulk_job', '1', now()
        FROM ref_contact_tags
        """)
      // Two events per contact with payloads of the size the service writes (~120 bytes).
      try await seedPool.execute(
        """
        INSERT INTO ref_outbox_events (sequence, event_type, organization_id, request_id,
          payload_type, payload)
        SELECT 2 * contact_id + e, CASE e WHEN 0 THEN 'tags.member_tag.v1' ELSE 'member.tag.update' END,
          organization_id, '', 'type.googleapis.com/maac.tags.v1.MemberTagChanged',
          decode(repeat('ab', 120), 'hex')
        FROM ref_contact_tags, generate_series(0, 1) AS e
        """)
    }
    let referenceSeconds = milliseconds(since: referenceStart) / 1000
    let referenceRate = Double(contactCount) / referenceSeconds
    print(
      "reference INSERT ... SELECT of the same rows: \(format(referenceSeconds)) s = \(format(referenceRate)) contacts/s"
    )
    for table in ["contact_tags", "tag_events", "outbox_events"] {
      try await seedPool.execute("DROP TABLE ref_\(unescaped: table)")
    }

    // 1. One bulk job: add `target` to every contact having `seed`.
    var condition = Maac_Segments_V1_Condition()
    condition.condition = "tag"
    condition.op = "with"
    condition.value.intValue = seed
    var node = Maac_Segments_V1_FilterNode()
    node.condition = condition
    var start = Maac_Tags_V1_StartBulkTagJobRequest()
    start.action = .add
    start.tagIds = [target]
    start.target.filter.tree.match = .all
    start.target.filter.tree.conditions = [node]
    let jobStart = ContinuousClock.now
    let job = try await client.startBulkTagJob(start, metadata: caller)
    var get = Maac_Tags_V1_GetBulkTagJobRequest()
    get.jobID = job.id
    var finished = job
    while ![.succeeded, .failed, .canceled].contains(finished.status) {
      try await Task.sleep(for: .milliseconds(200))
      finished = try await client.getBulkTagJob(get, metadata: caller)
    }
    let jobSeconds = milliseconds(since: jobStart) / 1000
    let jobRate = Double(finished.affectedCount) / jobSeconds
    print(
      "bulk job: status \(finished.status) matched \(finished.matchedCount) affected \(finished.affectedCount) in \(format(jobSeconds)) s = \(format(jobRate)) contacts/s (\(format(jobRate / referenceRate)) of the reference)"
    )

    // 2. Reads at 2N associations (N of `seed`, N of `target`).
    var getTag = Maac_Tags_V1_GetTagRequest()
    getTag.tagID = target
    var counts: [Double] = []
    for _ in 0..<samples {
      let begin = ContinuousClock.now
      let tag = try await client.getTag(getTag, metadata: caller)
      counts.append(milliseconds(since: begin))
      precondition(tag.memberCount == finished.affectedCount, "member count \(tag.memberCount)")
    }
    // Reference: the bare SQL of the count (counter row) through PostgresClient.
    var bareCounts: [Double] = []
    for _ in 0..<samples {
      let begin = ContinuousClock.now
      _ = try await seedPool.query(
        "SELECT member_count FROM tag_counters WHERE organization_id = \(organizationID) AND source = 'maac' AND id = \(target)"
      )
      bareCounts.append(milliseconds(since: begin))
    }
    print(
      "member count (GetTag, \(samples) calls): p50 \(format(percentile(counts, 0.5))) ms, p99 \(format(percentile(counts, 0.99))) ms; bare SQL p50 \(format(percentile(bareCounts, 0.5))) ms, p99 \(format(percentile(bareCounts, 0.99))) ms"
    )
    var lists: [Double] = []
    for _ in 0..<samples {
      var request = Maac_Tags_V1_ListContactTagsRequest()
      request.contactID = Int64.random(in: 1...contactCount)
      let begin = ContinuousClock.now
      let listed = try await client.listContactTags(request, metadata: caller)
      lists.append(milliseconds(since: begin))
      precondition(listed.tags.count == 2, "contact tags \(listed.tags.count)")
    }
    // Reference: the bare SQL of a contact's rows through PostgresClient.
    var bareLists: [Double] = []
    for _ in 0..<samples {
      let contact = Int64.random(in: 1...contactCount)
      let begin = ContinuousClock.now
      _ = try await seedPool.query(
        "SELECT * FROM contact_tags WHERE organization_id = \(organizationID) AND contact_id = \(contact)"
      )
      bareLists.append(milliseconds(since: begin))
    }
    print(
      "contact tag list (ListContactTags, \(samples) calls): p50 \(format(percentile(lists, 0.5))) ms, p99 \(format(percentile(lists, 0.99))) ms; bare SQL p50 \(format(percentile(bareLists, 0.5))) ms, p99 \(format(percentile(bareLists, 0.99))) ms"
    )
    var members = Maac_Tags_V1_ListTagMembersRequest()
    members.tagID = target
    members.pageSize = 1000
    var pages: [Double] = []
    for _ in 0..<min(samples, 200) {
      let begin = ContinuousClock.now
      _ = try await client.listTagMembers(members, metadata: caller)
      pages.append(milliseconds(since: begin))
    }
    print(
      "tag members first page of 1000 (ListTagMembers): p50 \(format(percentile(pages, 0.5))) ms, p99 \(format(percentile(pages, 0.99))) ms"
    )
  }
  await seedPool.shutdown()
  await service.stop()
}
