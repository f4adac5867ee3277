import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import SwiftProtobuf
import Testing

@testable import TagsService

@Suite("Associations over gRPC")
struct AssociationTests {
  @Test("T8/T9/T12: attach, re-apply (intensity), detach and re-attach keep exact counts")
  func attachDetach() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("VIP", org: 1)
        let first = try await tags.attach([tag.id], to: [1, 2, 2], org: 1)
        #expect(first.results.map(\.outcome) == [.attached, .attached])
        #expect(try await tags.tag(tag.id, org: 1).memberCount == 2)
        let again = try await tags.attach([tag.id], to: [1], org: 1, via: .deepLink)
        #expect(again.results[0].outcome == .reapplied)
        #expect(again.results[0].tagCount == 2)
        #expect(try await tags.tag(tag.id, org: 1).memberCount == 2)
        let entry = try #require(try await tags.contactTags(1, org: 1).first)
        #expect(entry.tagCount == 2)
        #expect(entry.firstTaggedVia == .manual)
        #expect(entry.lastTaggedVia == .deepLink)
        #expect(entry.lastTaggedAt.date >= entry.firstTaggedAt.date)

        var detach = Maac_Tags_V1_DetachTagsRequest()
        detach.contactIds = [1, 3]
        detach.tagIds = [tag.id]
        let removed = try await tags.detachTags(detach, metadata: tenant(1))
        #expect(removed.results.map(\.outcome) == [.detached, .notAttached])
        #expect(try await tags.tag(tag.id, org: 1).memberCount == 1)
        #expect(try await tags.contactTags(1, org: 1).isEmpty)
        let reattached = try await tags.attach([tag.id], to: [1], org: 1)
        #expect(reattached.results[0].outcome == .attached)
        #expect(reattached.results[0].tagCount == 1)
        #expect(try await tags.tag(tag.id, org: 1).memberCount == 2)
        #expect(try await tags.tag(tag.id, org: 1).directMemberCount == 2)

        var history = Maac_Tags_V1_GetContactTagHistoryRequest()
        history.contactID = 1
        let events = try await tags.getContactTagHistory(history, metadata: tenant(1)).events
        #expect(events.map(\.action) == [.add, .remove, .add, .add])
        #expect(events.dropFirst().first?.reason == .manual)
      }
    }
  }

  @Test("T8: a repeated idempotency key is duplicate_request and changes nothing")
  func idempotency() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("Once", org: 1)
        let first = try await tags.attach([tag.id], to: [5], org: 1, key: "k-1")
        #expect(first.results[0].outcome == .attached)
        let second = try await tags.attach([tag.id], to: [5], org: 1, key: "k-1")
        #expect(second.results[0].outcome == .duplicateRequest)
        #expect(try await tags.contactTags(5, org: 1).first?.tagCount == 1)
        // The same key in another organization is another key.
        let foreignTag = try await tags.create("Once", org: 2)
        #expect(
          try await tags.attach([foreignTag.id], to: [5], org: 2, key: "k-1").results[0].outcome
            == .attached)
      }
    }
  }

  @Test("T8/T28: bad attach requests are refused naming the field")
  func attachValidation() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("V", org: 1)
        await expectError(.invalidArgument, reason: "TAGGED_VIA_REQUIRED", field: "tagged_via") {
          _ = try await tags.attach([tag.id], to: [1], org: 1, via: .unspecified)
        }
        await expectError(.invalidArgument, reason: "EMPTY_REQUEST", field: "contact_ids") {
          _ = try await tags.attach([tag.id], to: [], org: 1)
        }
        await expectError(.invalidArgument, reason: "BATCH_TOO_LARGE", field: "contact_ids") {
          _ = try await tags.attach([tag.id], to: Array(1...1001), org: 1)
        }
        await expectError(.invalidArgument, reason: "INVALID_CONTACT_ID", field: "contact_ids[1]") {
          _ = try await tags.attach([tag.id], to: [4, 0], org: 1)
        }
        var backdated = Maac_Tags_V1_AttachTagsRequest()
        backdated.contactIds = [1]
        backdated.tagIds = [tag.id]
        backdated.taggedVia = .import
        backdated.occurredAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-3600))
        await expectError(.permissionDenied, reason: "BACKDATING_NOT_ALLOWED", field: "occurred_at")
        {
          _ = try await tags.attachTags(backdated, metadata: tenant(1))
        }
        let imported = try await tags.attachTags(backdated, metadata: service(1))
        #expect(imported.results[0].outcome == .attached)
        let stored = try #require(try await tags.contactTags(1, org: 1).first).firstTaggedAt.date
        // PostgreSQL keeps microseconds.
        #expect(abs(stored.timeIntervalSince(backdated.occurredAt.date)) < 0.001)
        backdated.occurredAt = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(3600))
        await expectError(.invalidArgument, reason: "OCCURRED_AT_IN_FUTURE", field: "occurred_at") {
          _ = try await tags.attachTags(backdated, metadata: service(1))
        }
      }
    }
  }

  @Test("T11: a contact's tags are newest first by first_tagged_at, then tag_id")
  func contactOrder() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let a = try await tags.create("A", org: 1)
        let b = try await tags.create("B", org: 1)
        let c = try await tags.create("C", org: 1)
        _ = try await tags.attach([b.id], to: [7], org: 1)
        _ = try await tags.attach([a.id, c.id], to: [7], org: 1)
        _ = try await tags.attach([b.id], to: [7], org: 1)
        let listed = try await tags.contactTags(7, org: 1).map(\.tagID)
        #expect(listed == [c.id, a.id, b.id])
        await expectError(.invalidArgument, reason: "INVALID_CONTACT_ID", field: "contact_id") {
          _ = try await tags.contactTags(0, org: 1)
        }
        #expect(try await tags.contactTags(7, org: 2).isEmpty)
      }
    }
  }

  @Test(
    "T7/T4: caac tags (delivered by CDH) can be attached by (id, source) without touching maac ids")
  func caacAttach() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let maac = try await tags.create("Same", org: 1)
        // Seed a caac definition with the same id, as the CDH consumer would (T23).
        let pool = try harness.pool()
        try await pool.execute(
          """
          INSERT INTO tags (organization_id, source, id, name, created_via) VALUES (1, 'caac', \(maac.id), 'Same', 'caac');
          """)
        try await pool.execute(
          "INSERT INTO tag_counters (organization_id, source, id) VALUES (1, 'caac', \(maac.id))")
        await pool.shutdown()
        let attached = try await tags.attach([maac.id], to: [3], org: 1, source: .caac)
        #expect(attached.results[0].outcome == .attached)
        let listed = try await tags.contactTags(3, org: 1)
        #expect(listed.map(\.tagSource) == [.caac])
        #expect(try await tags.tag(maac.id, org: 1).memberCount == 0)
        var create = Maac_Tags_V1_CreateTagRequest()
        create.name = "Made in MAAC"
        create.createdVia = .caac
        await expectError(
          .invalidArgument, reason: "TAG_MANAGED_BY_OTHER_SOURCE", field: "created_via"
        ) {
          _ = try await tags.createTag(create, metadata: tenant(1))
        }
      }
    }
  }

  @Test(
    "T20: an absolute expiry hides associations at once, skips new applications, and the sweep removes them"
  )
  func absoluteExpiry() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, client in
        var expiry = Maac_Tags_V1_Expiry()
        expiry.mode = .absolute
        let end = Date().addingTimeInterval(6)
        expiry.expireAt = Google_Protobuf_Timestamp(date: end)
        let tag = try await tags.create("Flash sale", org: 1, expiry: expiry)
        let attached = try await tags.attach([tag.id], to: [1, 2], org: 1)
        let before = try await tags.tag(tag.id, org: 1)
        if Date() < end {
          #expect(attached.results.map(\.outcome) == [.attached, .attached])
          #expect(before.memberCount == 2)
          let expiresAt = try await tags.contactTags(1, org: 1).first?.expiresAt.date
          #expect(expiresAt.map { abs($0.timeIntervalSince(end)) < 0.001 } ?? (Date() >= end))
        }
        try await eventually { Date() > end.addingTimeInterval(0.1) }
        #expect(try await tags.contactTags(1, org: 1).isEmpty)
        let expired = try await tags.tag(tag.id, org: 1)
        #expect(expired.status == .expired)
        #expect(expired.memberCount == 0)
        #expect(
          try await tags.attach([tag.id], to: [3], org: 1).results[0].outcome == .skippedTagExpired)
        var listExpired = Maac_Tags_V1_ListTagsRequest()
        listExpired.status = .expired
        #expect(
          try await tags.listTags(listExpired, metadata: tenant(1)).tags.map(\.id) == [tag.id])
        let ops = Maac_Tags_V1_TagManagerOps.Client(wrapping: client)
        var sweep = Maac_Tags_V1_RunExpirySweepRequest()
        sweep.orgID = 1
        await #expect(throws: RPCError.self) {
          _ = try await ops.runExpirySweep(sweep, metadata: tenant(1))
        }
        // On a loaded machine the attach can land after the expiry instant (then it is skipped,
        // checked above): the sweep removes exactly what was attached.
        let attachedCount = attached.results.filter { $0.outcome == .attached }.count
        #expect(
          try await ops.runExpirySweep(sweep, metadata: service(nil)).removedCount
            == Int64(attachedCount))
        #expect(try await tags.tag(tag.id, org: 1).memberCount == 0)
        // tag.expired is published once; a second sweep finds nothing.
        #expect(try await ops.runExpirySweep(sweep, metadata: service(nil)).removedCount == 0)
        let stream = Maac_Tags_V1_TagsEvents.Client(wrapping: client)
        let definitions = try await stream.subscribe(
          {
            var request = Maac_Common_V1_SubscribeRequest()
            request.eventTypes = ["tags.tag.v1"]
            return request
          }(), metadata: tenant(1)
        ) { response in
          var types: [String] = []
          for try await envelope in response.messages {
            types.append(
              try Maac_Tags_V1_TagDefinitionChanged(unpackingAny: envelope.payload).eventType)
            if types.count == 2 { break }
          }
          return types
        }
        #expect(definitions == ["tag.created", "tag.expired"])
      }
    }
  }

  @Test(
    "T14/T15: delete hides at once, clean-up brings members to 0, ids of configured actions restore"
  )
  func deleteAndRestore() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("Doomed", org: 1)
        _ = try await tags.attach([tag.id], to: Array(1...40), org: 1)
        var delete = Maac_Tags_V1_DeleteTagRequest()
        delete.tagID = tag.id
        let deleted = try await tags.deleteTag(delete, metadata: tenant(1))
        #expect(deleted.tag.status == .deleted)
        // Hidden at once from reads, name matching and contact tag lists.
        await expectError(.notFound, reason: "TAG_NOT_FOUND") {
          _ = try await tags.tag(tag.id, org: 1)
        }
        #expect(try await tags.contactTags(1, org: 1).isEmpty)
        #expect(
          try await tags.listTags(Maac_Tags_V1_ListTagsRequest(), metadata: tenant(1)).tags.isEmpty)
        try await eventually {
          try await tags.tag(tag.id, org: 1, includeDeleted: true).memberCount == 0
        }
        // Idempotent repeat.
        #expect(try await tags.deleteTag(delete, metadata: tenant(1)).tag.status == .deleted)
        // T15: manual application of a deleted id is tag_not_found; a deep link restores it.
        #expect(try await tags.attach([tag.id], to: [1], org: 1).results[0].outcome == .tagNotFound)
        let restored = try await tags.attach([tag.id], to: [1], org: 1, via: .deepLink)
        #expect(restored.results[0].outcome == .attached)
        let back = try await tags.tag(tag.id, org: 1)
        #expect(back.status == .active)
        #expect(back.memberCount == 1)
        // Once an active tag holds the name, restoration is refused.
        _ = try await tags.deleteTag(delete, metadata: tenant(1))
        _ = try await tags.create("Doomed", org: 1)
        #expect(
          try await tags.attach([tag.id], to: [2], org: 1, via: .deepLink).results[0].outcome
            == .tagDeleted)
        var batch = Maac_Tags_V1_BatchDeleteTagsRequest()
        batch.tagIds = [tag.id, 424_242]
        let results = try await tags.batchDeleteTags(batch, metadata: tenant(1)).results
        #expect(results.map(\.outcome) == [.alreadyDeleted, .notFound])
        await expectError(.invalidArgument, reason: "EMPTY_REQUEST", field: "tag_ids") {
          _ = try await tags.batchDeleteTags(
            Maac_Tags_V1_BatchDeleteTagsRequest(), metadata: tenant(1))
        }
      }
    }
  }

  @Test("T12/T27: tag members are paged exactly; other organizations get NOT_FOUND")
  func members() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { tags, _ in
        let tag = try await tags.create("M", org: 1)
        _ = try await tags.attach([tag.id], to: Array(1...25), org: 1)
        var request = Maac_Tags_V1_ListTagMembersRequest()
        request.tagID = tag.id
        request.pageSize = 10
        var members: [Int64] = []
        repeat {
          let page = try await tags.listTagMembers(request, metadata: tenant(1))
          members += page.contactIds
          request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        #expect(members == Array(1...25))
        request.pageToken = ""
        await expectError(.notFound, reason: "TAG_NOT_FOUND") {
          _ = try await tags.listTagMembers(request, metadata: tenant(2))
        }
        var stream = Maac_Tags_V1_StreamTagMembersRequest()
        stream.tagID = tag.id
        let streamed = try await tags.streamTagMembers(stream, metadata: tenant(1)) { response in
          var ids: [Int64] = []
          for try await batch in response.messages { ids += batch.contactIds }
          return ids
        }
        #expect(streamed == Array(1...25))
      }
    }
  }
}
