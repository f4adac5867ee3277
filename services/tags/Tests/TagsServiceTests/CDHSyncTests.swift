import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Testing

@testable import TagsService

/// T3, T9, T10, T12, T23 against the real CDH service (see ``CDHEnvironment``).
@Suite("Tag manager ⇄ real CDH")
struct CDHSyncTests {
  /// Rows of `tag_events` for a tag: (contact, action, origin, tagged_via or reason).
  static func history(_ pool: PostgresPool, tag: Int64) async throws -> [String] {
    try await pool.query(
      """
      SELECT contact_id, action, origin, COALESCE(tagged_via, reason) AS why FROM tag_events
      WHERE tag_id = \(tag) ORDER BY id
      """
    ).map {
      "\(try $0.decode("contact_id", as: Int64.self)) \(try $0.decode("action", as: String.self)) \(try $0.decode("origin", as: String.self)) \(try $0.decode("why", as: String.self))"
    }
  }

  /// Contacts named by the tag manager's published events of `type` for `tag`.
  static func published(_ pool: PostgresPool, type: String, tag: Int64) async throws -> [Int64] {
    var contacts: [Int64] = []
    for row in try await pool.query(
      "SELECT payload FROM outbox_events WHERE event_type = \(type) ORDER BY sequence")
    {
      let data = try row.decode("payload", as: Data.self)
      if type == "member.tag.update" {
        let event = try Maac_Tags_V1_MemberTagUpdate(serializedBytes: data)
        for item in event.events where item.tags.contains(where: { $0.tagID == tag }) {
          contacts += item.unifiedChannelEntities.map(\.memberID)
        }
      } else {
        let event = try Maac_Tags_V1_MemberTagChanged(serializedBytes: data)
        if event.tagID == tag { contacts.append(event.memberID) }
      }
    }
    return contacts
  }

  static func entry(_ client: TagsClient, contact: Int64, tag: Int64, org: Int64) async throws
    -> Maac_Tags_V1_ContactTag?
  {
    try await client.contactTags(contact, org: org).first { $0.tagID == tag }
  }

  @Test(
    "T23, T10, T9, T11, T12, T22: CDH's propagation from the real CDH service becomes cdh and inherited rows, exactly once across a restart, without echo loops"
  )
  func propagationFromRealCDH() async throws {
    try await CDHEnvironment.with { env in
      // CDH starts following once the tag manager listens.
      let pool = try env.tags.pool()
      var tags = try await env.startTags()
      try await env.setKeys([.customID], org: 100)
      try await env.contactCreated(org: 100, contact: 1, customID: "A")
      let second = try await env.contactCreated(org: 100, contact: 2, customID: "A")
      try await env.waitForCDH(producer: "contacts", sequence: second)
      let gold = try await withTestClient(to: tags.address) { raw -> Int64 in
        let client = TagsClient(wrapping: raw)
        let vip = try await client.create("vip", org: 100)
        let attached = try await client.attach([vip.id], to: [1], org: 100)
        #expect(attached.results.map(\.outcome) == [.attached])
        // CDH propagates the tag to the other member of the profile as a normal tag (U35);
        // the tag manager writes a direct `cdh` row (T10, T23).
        try await eventually {
          try await Self.entry(client, contact: 2, tag: vip.id, org: 100) != nil
        }
        let two = try #require(try await Self.entry(client, contact: 2, tag: vip.id, org: 100))
        #expect(two.origin == .direct)
        #expect(two.refType == .cdh)
        #expect(two.firstTaggedVia == .cdhSync)
        // CDH names contact 1 too; it already has the tag, so nothing is applied twice.
        let one = try #require(try await Self.entry(client, contact: 1, tag: vip.id, org: 100))
        #expect(one.tagCount == 1)
        #expect(one.refType == .none)
        var tag = try await client.tag(vip.id, org: 100)
        #expect(tag.memberCount == 2)
        #expect(tag.directMemberCount == 2)

        // A third contact joins the profile: CDH gives it the tag as inherited (U36) with
        // the original attach time; the tag manager writes an inherited row (T10).
        let third = try await env.contactCreated(org: 100, contact: 3, customID: "A")
        try await env.waitForCDH(producer: "contacts", sequence: third)
        try await eventually {
          try await Self.entry(client, contact: 3, tag: vip.id, org: 100) != nil
        }
        let three = try #require(
          try await Self.entry(client, contact: 3, tag: vip.id, org: 100))
        #expect(three.origin == .inherited)
        #expect(three.refType == .cdhInherited)
        #expect(three.firstTaggedVia == .unification)
        #expect(
          abs(three.firstTaggedAt.date.timeIntervalSince(one.firstTaggedAt.date)) < 0.001)
        tag = try await client.tag(vip.id, org: 100)
        #expect(tag.memberCount == 3)
        #expect(tag.directMemberCount == 2)
        // Inherited rows are published on the record stream, never on the trigger feed
        // that journeys and webhooks read (T10, T24).
        #expect(
          try await Self.published(pool, type: "tags.member_tag.v1", tag: vip.id).contains(3))
        #expect(
          try await Self.published(pool, type: "member.tag.update", tag: vip.id).sorted()
            == [1, 2])

        // T11: a direct application on top of the inherited row is one entry, direct first.
        _ = try await client.attach([vip.id], to: [3], org: 100)
        let listed = try await client.contactTags(3, org: 100).filter { $0.tagID == vip.id }
        #expect(listed.count == 1)
        #expect(listed.first?.origin == .direct)
        #expect(listed.first?.alsoInherited == true)
        tag = try await client.tag(vip.id, org: 100)
        #expect(tag.memberCount == 3)
        #expect(tag.directMemberCount == 3)
        // T9: detaching removes the direct row only; the inherited row keeps the tag (the
        // counts of this case are checked where CDH does not react, in the CAAC test).
        var detach = Maac_Tags_V1_DetachTagsRequest()
        detach.contactIds = [3]
        detach.tagIds = [vip.id]
        let detached = try await client.detachTags(detach, metadata: tenant(100))
        #expect(detached.results.map(\.outcome) == [.detached])
        #expect(detached.results.first?.stillHasTag == true)
        // CDH then removes the tag from the whole profile (O22) and says so: every row goes,
        // the inherited one by the CDH consumer only (T9, T23).
        try await eventually { try await client.tag(vip.id, org: 100).memberCount == 0 }
        for contact: Int64 in [1, 2, 3] {
          #expect(try await Self.entry(client, contact: contact, tag: vip.id, org: 100) == nil)
        }
        #expect(try await client.tag(vip.id, org: 100).directMemberCount == 0)

        // Another tag, propagated to every member before the tag manager goes down.
        let gold = try await client.create("gold", org: 100).id
        _ = try await client.attach([gold], to: [1], org: 100)
        try await eventually { try await client.tag(gold, org: 100).memberCount == 3 }
        return gold
      }
      // T23 exactly once and resumable: CDH publishes while the tag manager is down.
      await tags.stop()
      let fourth = try await env.contactCreated(org: 100, contact: 4, customID: "A")
      try await env.waitForCDH(producer: "contacts", sequence: fourth)
      tags = try await env.startTags()
      try await withTestClient(to: tags.address) { raw in
        let client = TagsClient(wrapping: raw)
        try await eventually { try await client.tag(gold, org: 100).memberCount == 4 }
        let four = try #require(try await Self.entry(client, contact: 4, tag: gold, org: 100))
        #expect(four.origin == .inherited)
        #expect(try await client.tag(gold, org: 100).directMemberCount == 3)
      }
      // One application per contact: nothing was applied twice across the restart, and the
      // tag manager's own cdh_sync records were not echoed back by CDH (T22).
      #expect(
        try await Self.history(pool, tag: gold).sorted() == [
          "1 add direct manual", "2 add direct cdh_sync", "3 add direct cdh_sync",
          "4 add inherited unification",
        ])
      await tags.stop()
      await pool.shutdown()
    }
  }

  @Test(
    "T3, T23, T1, T7: CAAC tags from CDH are created with their id, renamed by CDH, guard MAAC names only in CDH-linked organizations, and stale items are ignored"
  )
  func caacTagsAndLinkedNames() async throws {
    try await CDHEnvironment.with { env in
      // Org 100 is linked to CAAC org 200 in CDH; org 300 is not.
      try await env.link(org: 100, caacOrg: 200)
      let pool = try env.tags.pool()
      let tags = try await env.startTags()
      try await withTestClient(to: tags.address) { raw in
        let client = TagsClient(wrapping: raw)
        // Injected into CDH's own outbox (CDH emits CAAC tags only for a CAAC producer).
        let longName = String(repeating: "長", count: 120)
        let t0 = Date()
        try await env.injectTagEvent(
          org: 100, members: [7], tag: 9_001, source: .caac, name: "Gold", action: .add, at: t0)
        try await env.injectTagEvent(
          org: 300, members: [8], tag: 9_001, source: .caac, name: "Gold", action: .add, at: t0)
        let last = try await env.injectTagEvent(
          org: 100, members: [7], tag: 9_002, source: .caac, name: longName, action: .add, at: t0)
        try await waitForTags(pool, cdhSequence: last)
        var get = Maac_Tags_V1_GetTagRequest()
        get.tagID = 9_001
        get.tagSource = .caac
        let caac = try await client.getTag(get, metadata: tenant(100))
        #expect(caac.source == .caac)
        #expect(caac.name == "Gold")
        #expect(caac.createdVia == .caac)
        #expect(caac.memberCount == 1)
        // T1: CAAC names from CDH are accepted up to 255 characters.
        get.tagID = 9_002
        #expect(try await client.getTag(get, metadata: tenant(100)).name == longName)
        let entry = try #require(try await Self.entry(client, contact: 7, tag: 9_001, org: 100))
        #expect(entry.tagSource == .caac)
        #expect(entry.refType == .cdh)
        #expect(entry.firstTaggedVia == .cdhSync)

        // T3: linked org — a MAAC tag may not take a CAAC tag's name; unlinked org — it may.
        await expectError(.alreadyExists, reason: "TAG_NAME_EXISTS_OTHER_SOURCE", field: "name") {
          _ = try await client.create("Gold", org: 100)
        }
        var ensure = Maac_Tags_V1_EnsureTagsRequest()
        ensure.names = ["Gold", "Silver"]
        let ensured = try await client.ensureTags(ensure, metadata: tenant(100)).results
        #expect(ensured.map(\.outcome) == [.invalid, .created])
        #expect(ensured.first?.errorReason == "TAG_NAME_EXISTS_OTHER_SOURCE")
        let unlinked = try await client.create("Gold", org: 300)
        #expect(unlinked.source == .maac)
        // T7: the CAAC definition is read-only in MAAC.
        var rename = Maac_Tags_V1_UpdateTagRequest()
        rename.tagID = 9_001
        rename.tagSource = .caac
        rename.name = "Other"
        await expectError(.failedPrecondition, reason: "TAG_MANAGED_BY_OTHER_SOURCE") {
          _ = try await client.updateTag(rename, metadata: tenant(100))
        }

        // T23: an item older than the association's last change is ignored.
        let stale = try await env.injectTagEvent(
          org: 100, members: [7], tag: 9_001, source: .caac, name: "Gold", action: .delete,
          at: t0.addingTimeInterval(-60))
        try await waitForTags(pool, cdhSequence: stale)
        #expect(try await Self.entry(client, contact: 7, tag: 9_001, org: 100)?.origin == .direct)

        // T10/T12: an inherited copy on top of the cdh row is the same member, one entry (T11).
        let inherit = try await env.injectTagEvent(
          org: 100, members: [7], tag: 9_001, source: .caac, name: "Gold", action: .add,
          inherited: true, at: t0.addingTimeInterval(10))
        try await waitForTags(pool, cdhSequence: inherit)
        let both = try await client.contactTags(7, org: 100).filter { $0.tagID == 9_001 }
        #expect(both.count == 1)
        #expect(both.first?.origin == .direct)
        #expect(both.first?.alsoInherited == true)
        get.tagID = 9_001
        var counted = try await client.getTag(get, metadata: tenant(100))
        #expect(counted.memberCount == 1)
        #expect(counted.directMemberCount == 1)
        // T9: MAAC detaches the direct row only; the inherited row keeps the tag and the member.
        var detach = Maac_Tags_V1_DetachTagsRequest()
        detach.contactIds = [7]
        detach.tagIds = [9_001]
        detach.tagSource = .caac
        let detached = try await client.detachTags(detach, metadata: tenant(100))
        #expect(detached.results.map(\.outcome) == [.detached])
        #expect(detached.results.first?.stillHasTag == true)
        counted = try await client.getTag(get, metadata: tenant(100))
        #expect(counted.memberCount == 1)
        #expect(counted.directMemberCount == 0)
        #expect(
          try await Self.entry(client, contact: 7, tag: 9_001, org: 100)?.origin == .inherited)

        // CDH's rename (postfix at enablement, T3) frees the name.
        let renamed = try await env.injectTagEvent(
          org: 100, members: [7], tag: 9_001, source: .caac, name: "Gold_CAAC", action: .delete,
          at: t0.addingTimeInterval(60))
        try await waitForTags(pool, cdhSequence: renamed)
        let after = try await client.getTag(get, metadata: tenant(100))
        #expect(after.name == "Gold_CAAC")
        // A normal delete from CDH means the member no longer has the tag: every row goes.
        #expect(after.memberCount == 0)
        #expect(after.directMemberCount == 0)
        #expect(try await Self.entry(client, contact: 7, tag: 9_001, org: 100) == nil)
        let created = try await client.create("Gold", org: 100)
        #expect(created.source == .maac)
      }
      await tags.stop()
      await pool.shutdown()
    }
  }
}
