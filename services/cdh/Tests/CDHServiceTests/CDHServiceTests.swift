import CdhService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import GRPCProtobuf
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Testing

@Suite("CDH service over nghttp2 against PostgreSQL")
struct CDHServiceTests {
  /// Sets keys through the RPC and waits for the job to finish (bounded).
  static func setKeys(
    _ keys: [Maac_Cdh_V1_UnifyAttribute], org: Int64, client: GRPCClient<NGHTTP2ClientTransport>
  ) async throws -> Maac_Cdh_V1_UpdateUnifyKeysResponse {
    let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
    let response = try await settings.updateUnifyKeys(
      .with { $0.unifyKeys = keys.map { key in .with { $0.attribute = key } } },
      metadata: admin(org))
    try await waitUntilMerged(org: org, client: client)
    return response
  }

  /// Waits (bounded) until the merge state of the org's scope is finished (U7).
  static func waitUntilMerged(org: Int64, client: GRPCClient<NGHTTP2ClientTransport>)
    async throws
  {
    let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
    for _ in 0..<600 {
      if try await settings.getMergeState(.init(), metadata: admin(org)).isFinished { return }
      try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("re-unification job did not finish")
  }

  static func members(_ id: Int64, org: Int64, client: GRPCClient<NGHTTP2ClientTransport>)
    async throws -> [Int64]
  {
    try await Maac_Cdh_V1_ProfileService.Client(wrapping: client)
      .listUnifiedMembers(.with { $0.member = member(id) }, metadata: admin(org)).members.map(
        \.memberID)
  }

  static func merged(_ id: Int64, org: Int64, client: GRPCClient<NGHTTP2ClientTransport>)
    async throws
    -> Maac_Cdh_V1_MergedProfile
  {
    try await Maac_Cdh_V1_ProfileService.Client(wrapping: client)
      .getMergedProfile(.with { $0.member = member(id) }, metadata: admin(org))
  }

  @Test(
    "U5, U15, U18, U42, U43: contact events from a real producer apply exactly once, out of order safely, and resume after a CDH restart"
  )
  func consumesContactEvents() async throws {
    try await CDHTestEnvironment.with { env in
      var cdh = try await env.startCDH()
      try await withTestClient(to: cdh.service.address) { client in
        let response = try await Self.setKeys([.customID], org: 100, client: client)
        #expect(response.changed)
        #expect(response.jobID > 0)
        #expect(response.settings.unifyKeys.map(\.attribute) == [.customID])
        // U5: the same set again changes nothing.
        let again = try await Self.setKeys([.customID], org: 100, client: client)
        #expect(!again.changed)
        #expect(again.jobID == 0)
        // U18: a job that influenced nothing still publishes one empty last batch.
        var subscription = Maac_Common_V1_SubscribeRequest()
        subscription.eventTypes = ["cdh.contact_profile.v1"]
        let system = CallerContext(organizationID: nil, userID: "system:contacts", requestID: "t")
          .metadata
        let jobMessage = try await Maac_Cdh_V1_CdhEvents.Client(wrapping: client).subscribe(
          subscription, metadata: system
        ) { stream in
          for try await envelope in stream.messages {
            let message = try Maac_Cdh_V1_ContactProfileChanged(unpackingAny: envelope.payload)
            if message.metadata.jobID == response.jobID { return message }
          }
          return Maac_Cdh_V1_ContactProfileChanged()
        }
        #expect(jobMessage.metadata.type == .unifyScopeSettingUpdate)
        #expect(jobMessage.metadata.isLastBatch)
        #expect(jobMessage.events.isEmpty)
      }
      try await env.publishContact(
        "contact.created", org: 100, contact: 1,
        changes: [
          CDHTestEnvironment.change("custom_id", "A", at: 10),
          CDHTestEnvironment.change("display_name", "Ann", at: 10),
          CDHTestEnvironment.change("city", "X", at: 10),
        ])
      try await env.publishContact(
        "contact.created", org: 100, contact: 2,
        changes: [CDHTestEnvironment.change("custom_id", "A", at: 11)])
      // Older than what CDH holds (U43) and an echo of CDH's own broadcast (U42).
      try await env.publishContact(
        "contact.updated", org: 100, contact: 1,
        changes: [CDHTestEnvironment.change("city", "Old", at: 5)])
      let echo = try await env.publishContact(
        "contact.updated", org: 100, contact: 1,
        changes: [CDHTestEnvironment.change("city", "Echo", at: 50, origin: .cdh)],
        origin: .cdh)
      try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "contacts", sequence: echo)
      try await withTestClient(to: cdh.service.address) { client in
        #expect(try await Self.members(1, org: 100, client: client) == [1, 2])
        let profile = try await Self.merged(2, org: 100, client: client)
        #expect(profile.fields.city == "X")
        #expect(profile.fields.displayName == "Ann")
        #expect(profile.entities.count == 2)
      }
      // CDH goes down; events published meanwhile are consumed after the restart.
      await cdh.service.stop()
      await cdh.runtime.idle()
      await cdh.pool.shutdown()
      let late = try await env.publishContact(
        "contact.updated", org: 100, contact: 2,
        changes: [CDHTestEnvironment.change("city", "Y", at: 20)])
      cdh = try await env.startCDH()
      try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "contacts", sequence: late)
      try await withTestClient(to: cdh.service.address) { client in
        let profile = try await Self.merged(1, org: 100, client: client)
        #expect(profile.fields.city == "Y")
        #expect(try await Self.members(2, org: 100, client: client) == [1, 2])
      }
      // Exactly once: one attribute_changed entry per applied change, none for ignored ones.
      let rows = try await cdh.pool.query(
        "SELECT new_value FROM audit_log WHERE event_type = 'attribute_changed' AND attribute = 'city' ORDER BY id"
      )
      #expect(try rows.map { try $0.decode("new_value", as: String.self) } == ["X", "Y"])
      await cdh.service.stop()
      await cdh.runtime.idle()
      await cdh.pool.shutdown()
    }
  }

  @Test(
    "U1, U16, U27, U31, U35, U38, U44: profile writes (written back to contacts), unmerge, tag propagation, audit queries and CdhEvents/Subscribe"
  )
  func profileOperations() async throws {
    try await CDHTestEnvironment.with { env in
      let cdh = try await env.startCDH()
      try await withTestClient(to: cdh.service.address) { client in
        _ = try await Self.setKeys([.customID], org: 100, client: client)
        try await env.publishContact(
          "contact.created", org: 100, contact: 1,
          changes: [CDHTestEnvironment.change("custom_id", "A", at: 1)])
        let last = try await env.publishContact(
          "contact.created", org: 100, contact: 2,
          changes: [CDHTestEnvironment.change("custom_id", "A", at: 2)])
        try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "contacts", sequence: last)
        // U35: a tag attached to one member propagates to the other as a normal tag.
        let tag = try await env.publishTag(
          org: 100, contact: 1, tag: 11, name: "vip", attached: true)
        try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "tags", sequence: tag)
        let profiles = Maac_Cdh_V1_ProfileService.Client(wrapping: client)
        let tags = try await profiles.getProfileTags(
          .with { $0.member = member(2) }, metadata: admin(100))
        #expect(tags.tags.map(\.tagID) == [11])
        #expect(tags.tags.first?.inherited == false)
        // U27: a profile-level set reaches every member.
        let updated = try await profiles.updateProfile(
          .with {
            $0.member = member(1)
            $0.updates = [
              .with {
                $0.field = "company"
                $0.setValue = "Acme"
              }
            ]
          }, metadata: admin(100))
        #expect(updated.fields.company == "Acme")
        #expect(try await Self.merged(2, org: 100, client: client).fields.company == "Acme")
        // §1.4.4: the merged profile is written back to contacts through its ingest RPC.
        var written: RecordingContactsIngest.Call?
        for _ in 0..<600 where written == nil {
          written = env.ingest.calls.withLock { calls in
            calls.last { $0.request.metadataType == "profile_update" }
          }
          if written == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(written?.organizationID == 100)
        #expect(written?.request.memberIds.sorted() == [1, 2])
        #expect(written?.request.fields["company"] == "Acme")
        #expect(written?.request.clearedFields.contains("city") == true)
        // U31: unmerge takes member 1 out, keeping the other fields.
        let unmerged = try await profiles.unmergeMember(
          .with { $0.member = member(1) }, metadata: admin(100))
        #expect(!unmerged.stillUnified)
        #expect(unmerged.clearedAttributes == [.customID])
        #expect(try await Self.members(2, org: 100, client: client) == [2])
        #expect(try await Self.merged(1, org: 100, client: client).fields.company == "Acme")
        // U44: the audit log answers by member, with paging.
        let audit = Maac_Cdh_V1_AuditService.Client(wrapping: client)
        let range = Maac_Cdh_V1_QueryAuditLogRequest.with {
          $0.from = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(-86_400 * 30))
          $0.to = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(86_400))
          $0.member = member(1)
        }
        let entries = try await audit.queryAuditLog(range, metadata: admin(100)).entries
        let types = Set(entries.map(\.eventType))
        #expect(
          types.isSuperset(of: [.profileUpdated, .unmerged, .unificationChanged, .tagChanged]))
        var paged = range
        paged.pageSize = 1
        let first = try await audit.queryAuditLog(paged, metadata: admin(100))
        #expect(first.entries.count == 1)
        #expect(!first.nextPageToken.isEmpty)
        paged.pageToken = first.nextPageToken
        let second = try await audit.queryAuditLog(paged, metadata: admin(100))
        #expect(second.entries.first?.id != first.entries.first?.id)
        paged.pageToken = "bm9wZQ=="
        let badToken = await #expect(throws: RPCError.self) {
          try await audit.queryAuditLog(paged, metadata: admin(100))
        }
        #expect(badToken?.code == .invalidArgument)
        #expect(errorField(badToken) == "page_token")
        // U38: a deleted tag disappears from every member.
        let deletion = try await env.publishTagDeleted(org: 100, tag: 11)
        try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "tags", sequence: deletion)
        #expect(
          try await profiles.getProfileTags(.with { $0.member = member(2) }, metadata: admin(100))
            .tags.isEmpty)
        // U16: a deleted contact is gone.
        let gone = try await env.publishContact("contact.deleted", org: 100, contact: 2)
        try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "contacts", sequence: gone)
        let deleted = await #expect(throws: RPCError.self) {
          try await Self.merged(2, org: 100, client: client)
        }
        #expect(deleted?.code == .notFound)
        // U1: an org never seen before gets its own scope without keys.
        let fresh = try await Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
          .getUnifySettings(.init(), metadata: admin(300))
        #expect(fresh.unifyScopeName == "maac_300")
        #expect(fresh.unifyKeys.isEmpty)
        #expect(!fresh.isCdhConnected)
        // §5.2: the profile update was published to both members on CDH's own stream.
        var subscription = Maac_Common_V1_SubscribeRequest()
        subscription.eventTypes = ["cdh.contact_profile.v1"]
        let system = CallerContext(organizationID: nil, userID: "system:contacts", requestID: "t")
          .metadata
        let found = try await Maac_Cdh_V1_CdhEvents.Client(wrapping: client).subscribe(
          subscription, metadata: system
        ) {
          response in
          for try await envelope in response.messages {
            let message = try Maac_Cdh_V1_ContactProfileChanged(unpackingAny: envelope.payload)
            if message.metadata.type == .profileUpdate {
              return message.events.first?.unifiedChannelEntities.map(\.memberID) ?? []
            }
          }
          return []
        }
        #expect(found == [1, 2])
      }
      await cdh.service.stop()
      await cdh.runtime.idle()
      await cdh.pool.shutdown()
    }
  }

  @Test(
    "U4, U6, U40, U41 and tenancy: imports with per-row results, cross-organization NOT_FOUND, INVALID_ARGUMENT naming the field"
  )
  func importsAndBadInput() async throws {
    try await CDHTestEnvironment.with { env in
      let cdh = try await env.startCDH()
      try await withTestClient(to: cdh.service.address) { client in
        _ = try await Self.setKeys([.connectID], org: 100, client: client)
        try await env.publishContact(
          "contact.created", org: 100, contact: 1,
          changes: [CDHTestEnvironment.change("connect_id", "K", at: 1)])
        try await env.publishContact("contact.created", org: 100, contact: 2, changes: [])
        let last = try await env.publishContact(
          "contact.created", org: 200, contact: 3,
          changes: [CDHTestEnvironment.change("connect_id", "K", at: 1)])
        try await CDHTestEnvironment.waitForCursor(cdh.pool, producer: "contacts", sequence: last)
        let imports = Maac_Cdh_V1_ImportService.Client(wrapping: client)
        let task = try await imports.submitImportTask(
          .with {
            $0.rows = [
              .with {
                $0.memberID = 2
                $0.updates = [
                  .with {
                    $0.field = "connect_id"
                    $0.setValue = "K"
                  }
                ]
              },
              .with {
                $0.memberID = 999
                $0.updates = [
                  .with {
                    $0.field = "city"
                    $0.setValue = "x"
                  }
                ]
              },
              .with {
                $0.memberID = 3
                $0.updates = [
                  .with {
                    $0.field = "city"
                    $0.setValue = "x"
                  }
                ]
              },
            ]
            $0.idempotencyKey = "import-1"
          }, metadata: admin(100))
        await cdh.runtime.idle()
        let done = try await imports.getImportTask(
          .with { $0.taskID = task.taskID }, metadata: admin(100))
        #expect(done.status == .succeeded)
        #expect(done.processedRows == 3)
        #expect(done.failedRows == 2)
        #expect(done.errors.map(\.code) == ["member_not_found", "member_not_found"])
        #expect(try await Self.members(1, org: 100, client: client) == [1, 2])
        // The same idempotency key returns the same task.
        let again = try await imports.submitImportTask(
          .with {
            $0.rows = [
              .with {
                $0.memberID = 2
                $0.updates = [
                  .with {
                    $0.field = "city"
                    $0.setValue = "y"
                  }
                ]
              }
            ]
            $0.idempotencyKey = "import-1"
          }, metadata: admin(100))
        #expect(again.taskID == task.taskID)
        // Another organization sees neither the task nor the members.
        let foreignTask = await #expect(throws: RPCError.self) {
          try await imports.getImportTask(.with { $0.taskID = task.taskID }, metadata: admin(200))
        }
        #expect(foreignTask?.code == .notFound)
        let profiles = Maac_Cdh_V1_ProfileService.Client(wrapping: client)
        let foreign = await #expect(throws: RPCError.self) {
          try await profiles.getMergedProfile(.with { $0.member = member(1) }, metadata: admin(200))
        }
        #expect(foreign?.code == .notFound)
        #expect(foreign?.message.contains("member not found") == true)
        let foreignProfile = try await Self.merged(1, org: 100, client: client).profileID
        let byID = await #expect(throws: RPCError.self) {
          try await profiles.getMergedProfile(
            .with { $0.profileID = foreignProfile }, metadata: admin(200))
        }
        #expect(byID?.code == .notFound)
        // INVALID_ARGUMENT names the field.
        let unknown = await #expect(throws: RPCError.self) {
          try await profiles.updateProfile(
            .with {
              $0.member = member(1)
              $0.updates = [
                .with {
                  $0.field = "shoe_size"
                  $0.setValue = "9"
                }
              ]
            }, metadata: admin(100))
        }
        #expect(unknown?.code == .invalidArgument)
        #expect(unknown?.message.contains("unknown profile field: shoe_size") == true)
        #expect(errorField(unknown) == "updates[0].field")
        let badMember = await #expect(throws: RPCError.self) {
          try await profiles.getMergedProfile(
            .with {
              $0.member = .with {
                $0.source = .maac
                $0.memberID = 0
              }
            }, metadata: admin(100))
        }
        #expect(badMember?.code == .invalidArgument)
        #expect(errorField(badMember) == "member.member_id")
        let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
        let tooMany = await #expect(throws: RPCError.self) {
          try await settings.updateUnifyKeys(
            .with {
              $0.unifyKeys = [.customID, .displayMobile, .displayEmail, .lineUid].map { key in
                .with { $0.attribute = key }
              }
            }, metadata: admin(100))
        }
        #expect(tooMany?.code == .invalidArgument)
        #expect(errorField(tooMany) == "unify_keys")
        let emptyImport = await #expect(throws: RPCError.self) {
          try await imports.submitImportTask(.init(), metadata: admin(100))
        }
        #expect(errorField(emptyImport) == "rows")
        // U6: a platform operation moves org 200 into org 100's scope; its contact now links.
        let scopeID = try await settings.getUnifySettings(.init(), metadata: admin(100))
          .unifyScopeID
        let platformOperator = CallerContext(
          organizationID: nil, userID: "system:admin", requestID: "op"
        ).metadata
        let moved = try await Maac_Cdh_V1_CdhOps.Client(wrapping: client).moveOrgsToScope(
          .with {
            $0.unifyScopeID = scopeID
            $0.orgs = [
              .with {
                $0.orgID = 200
                $0.source = .maac
              }
            ]
          }, metadata: platformOperator)
        #expect(moved.isCdhConnected)
        #expect(moved.orgs.map(\.orgID) == [100, 200])
        try await Self.waitUntilMerged(org: 100, client: client)
        #expect(try await Self.members(3, org: 100, client: client) == [1, 2, 3])
        // Connected: the app-level (org) update is refused (U4).
        let connected = await #expect(throws: RPCError.self) {
          try await settings.updateUnifyKeys(
            .with { $0.unifyKeys = [.with { $0.attribute = .customID }] }, metadata: admin(100))
        }
        #expect(connected?.code == .failedPrecondition)
        #expect(connected?.message.contains("CDH_ALREADY_CONNECTED") == true)
        // Settings writes need org_admin.
        let denied = await #expect(throws: RPCError.self) {
          try await settings.updateUnifyKeys(.init(), metadata: CallerContext.tenant(100).metadata)
        }
        #expect(denied?.code == .permissionDenied)
      }
      await cdh.service.stop()
      await cdh.runtime.idle()
      await cdh.pool.shutdown()
    }
  }
}
