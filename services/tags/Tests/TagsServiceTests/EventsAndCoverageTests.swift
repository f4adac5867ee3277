import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import SwiftProtobuf
import Testing

@testable import TagsService

@Suite("Events and coverage over gRPC")
struct EventsAndCoverageTests {
  /// Reads `count` events of the caller's organization from TagsEvents/Subscribe.
  func events(_ client: GRPCClient<some ClientTransport>, org: Int64, count: Int) async throws
    -> [Maac_Common_V1_EventEnvelope]
  {
    let events = Maac_Tags_V1_TagsEvents.Client(wrapping: client)
    return try await events.subscribe(Maac_Common_V1_SubscribeRequest(), metadata: tenant(org)) {
      response in
      var received: [Maac_Common_V1_EventEnvelope] = []
      for try await envelope in response.messages {
        received.append(envelope)
        if received.count == count { break }
      }
      return received
    }
  }

  @Test("T22/T24/T14: both streams carry association changes; deletions publish one tag.deleted")
  func publishedStreams() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, client in
        let tag = try await tags.create("Evented", org: 1)
        _ = try await tags.create("Other org", org: 2)
        _ = try await tags.attach([tag.id], to: [9], org: 1)
        var detach = Maac_Tags_V1_DetachTagsRequest()
        detach.contactIds = [9]
        detach.tagIds = [tag.id]
        _ = try await tags.detachTags(detach, metadata: tenant(1))
        _ = try await tags.attach([tag.id], to: [9, 10], org: 1)
        var delete = Maac_Tags_V1_DeleteTagRequest()
        delete.tagID = tag.id
        _ = try await tags.deleteTag(delete, metadata: tenant(1))
        try await eventually {
          try await tags.tag(tag.id, org: 1, includeDeleted: true).memberCount == 0
        }
        // created, (changed + trigger) × 4 associations, deleted = 10 events for org 1.
        let received = try await events(client, org: 1, count: 10)
        #expect(received.allSatisfy { $0.organizationID == 1 && $0.producer == "tags" })
        #expect(
          received.map(\.eventType) == [
            "tags.tag.v1", "tags.member_tag.v1", "member.tag.update", "tags.member_tag.v1",
            "member.tag.update", "tags.member_tag.v1", "member.tag.update", "tags.member_tag.v1",
            "member.tag.update", "tags.tag.v1",
          ])
        #expect(zip(received, received.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
        let added = try Maac_Tags_V1_MemberTagChanged(unpackingAny: received[1].payload)
        #expect(added.isAttached)
        #expect(added.memberID == 9)
        #expect(added.tagID == tag.id)
        #expect(added.tagName == "Evented")
        #expect(added.origin == .direct)
        #expect(added.isNewAttachment)
        #expect(added.eventID == received[1].sequence)
        let trigger = try Maac_Tags_V1_MemberTagUpdate(unpackingAny: received[2].payload)
        #expect(trigger.metadata.type == "member_tag_update")
        #expect(trigger.events[0].topic == "member.tag.update")
        #expect(trigger.events[0].unifiedChannelEntities[0].memberID == 9)
        #expect(trigger.events[0].tags[0].action == .add)
        let removed = try Maac_Tags_V1_MemberTagChanged(unpackingAny: received[3].payload)
        #expect(!removed.isAttached)
        #expect(removed.reason == .manual)
        let deleted = try Maac_Tags_V1_TagDefinitionChanged(unpackingAny: received[9].payload)
        #expect(deleted.eventType == "tag.deleted")
        #expect(deleted.tagID == tag.id)
      }
    }
  }

  @Test(
    "T22: StreamTagEvents replays the tag history in order from a cursor, for service callers only")
  func streamTagEvents() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("History", org: 1)
        _ = try await tags.attach([tag.id], to: [1, 2, 3], org: 1)
        var detach = Maac_Tags_V1_DetachTagsRequest()
        detach.contactIds = [2]
        detach.tagIds = [tag.id]
        _ = try await tags.detachTags(detach, metadata: tenant(1))
        func read(_ request: Maac_Tags_V1_StreamTagEventsRequest) async throws
          -> [Maac_Tags_V1_TagEventBatch]
        {
          try await tags.streamTagEvents(request, metadata: service(1)) { response in
            var batches: [Maac_Tags_V1_TagEventBatch] = []
            for try await batch in response.messages { batches.append(batch) }
            return batches
          }
        }
        var request = Maac_Tags_V1_StreamTagEventsRequest()
        request.maxEvents = 2
        let first = try await read(request)
        let firstEvents = first.flatMap(\.events)
        #expect(firstEvents.map(\.contactID) == [1, 2])
        request.cursor = try #require(first.last).nextCursor
        request.maxEvents = 0
        let rest = try await read(request).flatMap(\.events)
        #expect(rest.map(\.contactID) == [3, 2])
        #expect(rest.map(\.action) == [.add, .remove])
        await #expect(throws: RPCError.self) {
          _ = try await tags.streamTagEvents(request, metadata: tenant(1)) { response in
            for try await _ in response.messages {}
          }
        }
        request.cursor = "garbage"
        await expectError(.invalidArgument, reason: "INVALID_PAGINATION", field: "cursor") {
          _ = try await read(request)
        }
      }
    }
  }

  @Test(
    "T21: coverage days without a computed snapshot are missing, never 0; bad ranges name the field"
  )
  func coverage() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let pool = try harness.pool()
        try await pool.execute(
          """
          INSERT INTO coverage_daily (organization_id, channel_id, day, state, total_contacts, tagged_contacts)
          VALUES (1, 0, '2026-03-01', 'computed', 200, 50)
          """)
        try await pool.execute(
          """
          INSERT INTO coverage_daily (organization_id, channel_id, day, state, failure_reason)
          VALUES (1, 0, '2026-03-02', 'failed', 'pipeline failed')
          """)
        await pool.shutdown()
        var request = Maac_Tags_V1_GetTagCoverageRequest()
        request.startDate = "2026-02-28"
        request.endDate = "2026-03-03"
        let points = try await tags.getTagCoverage(request, metadata: tenant(1)).points
        #expect(points.map(\.date) == ["2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03"])
        #expect(points.map(\.state) == [.missing, .computed, .missing, .missing])
        #expect(points[1].coverageRate == 0.25)
        #expect(!points[0].hasCoverageRate)
        #expect(points[2].totalContacts == 0 && !points[2].hasCoverageRate)
        // Another organization sees only missing days.
        let foreign = try await tags.getTagCoverage(request, metadata: tenant(2)).points
        #expect(foreign.allSatisfy { $0.state == .missing })
        request.endDate = "2026-02-27"
        await expectError(.invalidArgument, reason: "INVALID_DATE_RANGE", field: "end_date") {
          _ = try await tags.getTagCoverage(request, metadata: tenant(1))
        }
        request.startDate = "2026/02/01"
        await expectError(.invalidArgument, reason: "INVALID_DATE_RANGE", field: "start_date") {
          _ = try await tags.getTagCoverage(request, metadata: tenant(1))
        }
      }
    }
  }
}
