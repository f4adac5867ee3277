import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import TagsDomain
import Testing

@testable import TagsService

@Suite("Clean-up and coverage jobs")
struct JobsTests {
  @Test(
    "T14: DeleteTag answers a real clean-up job whose status is readable; a re-delete answers the same job; BatchDeleteTags has one job for the tags it deletes"
  )
  func deletionJobs() async throws {
    try await TagsHarness.withDatabase { harness in
      try await harness.withService { client, _ in
        let org: Int64 = 31
        let tag = try await client.create("doomed", org: org)
        _ = try await client.attach([tag.id], to: [1, 2, 3], org: org)
        var delete = Maac_Tags_V1_DeleteTagRequest()
        delete.tagID = tag.id
        let deleted = try await client.deleteTag(delete, metadata: tenant(org))
        #expect(deleted.jobID > 0)
        #expect(deleted.tag.status == .deleted)
        let job = try await client.finishedJob(deleted.jobID, org: org)
        #expect(job.kind == .tagCleanup)
        #expect(job.status == .succeeded)
        #expect(job.processed == 3)
        #expect(try await client.tag(tag.id, org: org, includeDeleted: true).memberCount == 0)
        // Idempotent: the existing job.
        #expect(try await client.deleteTag(delete, metadata: tenant(org)).jobID == deleted.jobID)
        // Another organization's job is NOT_FOUND like a missing one (T27).
        await expectError(.notFound, reason: "JOB_NOT_FOUND", field: "job_id") {
          var request = Maac_Tags_V1_GetTagJobRequest()
          request.jobID = deleted.jobID
          _ = try await client.getTagJob(request, metadata: tenant(32))
        }

        let a = try await client.create("a", org: org)
        let b = try await client.create("b", org: org)
        _ = try await client.attach([a.id, b.id], to: [5, 6], org: org)
        var batch = Maac_Tags_V1_BatchDeleteTagsRequest()
        batch.tagIds = [a.id, b.id, tag.id]
        let response = try await client.batchDeleteTags(batch, metadata: tenant(org))
        #expect(response.results.map(\.outcome) == [.deleted, .deleted, .alreadyDeleted])
        #expect(response.jobID > 0)
        #expect(response.jobID != deleted.jobID)
        let batchJob = try await client.finishedJob(response.jobID, org: org)
        #expect(batchJob.status == .succeeded)
        #expect(batchJob.processed == 4)
        // Only already deleted tags: their job.
        batch.tagIds = [tag.id]
        #expect(
          try await client.batchDeleteTags(batch, metadata: tenant(org)).jobID == deleted.jobID)
      }
    }
  }

  @Test(
    "T21: past days are recomputed by a job as of their end from the copy's change log and the application history; later deletions and detachments do not change them; CHANNEL_NOT_FOUND; no future days"
  )
  func pastDays() async throws {
    let org: Int64 = 111
    try await withRealContacts(directory: "\(org):21:line,\(org):22:line") { contacts in
      try await TagsHarness.withDatabase { base in
        var harness = base
        harness.peers["contacts"] = contacts.address
        let pool = try harness.pool()
        let zone = CoverageCalculator.defaultTimeZone
        let today = CalendarDay(containing: Date(), in: zone)
        let day = { (offset: Int) in
          CalendarDay(containing: Date().addingTimeInterval(Double(offset) * 86_400), in: zone)
        }
        try await harness.withService { client, raw in
          let ops = Maac_Tags_V1_TagManagerOps.Client(wrapping: raw)
          let ids = try await createContacts(
            at: contacts.address, org: org, channels: [21, 21, 22])
          try await eventually {
            try await pool.query(
              "SELECT count(*) AS n FROM contact_channel_log WHERE organization_id = \(org)"
            )[0].decode("n", as: Int64.self) >= 3
          }
          let vip = try await client.create("vip", org: org)
          _ = try await client.attach([vip.id], to: [ids[0], ids[2]], org: org)
          // Everything so far happened two days ago: move the tag manager's own history back
          // (contacts cannot be asked to backdate its events).
          try await pool.execute(
            "UPDATE contact_channel_log SET changed_at = changed_at - interval '2 days' WHERE organization_id = \(org)"
          )
          try await pool.execute(
            "UPDATE tag_events SET occurred_at = occurred_at - interval '2 days' WHERE organization_id = \(org)"
          )
          // Today: ids[1] is deleted in contacts, ids[2] loses its tag.
          _ = try await withTestClient(to: contacts.address) { contactsRaw in
            var delete = Maac_Contacts_V1_DeleteContactRequest()
            delete.contactID = ids[1]
            return try await Maac_Contacts_V1_Contacts.Client(wrapping: contactsRaw)
              .deleteContact(delete, metadata: CallerContext.tenant(org).metadata)
          }
          var detach = Maac_Tags_V1_DetachTagsRequest()
          detach.contactIds = [ids[2]]
          detach.tagIds = [vip.id]
          _ = try await client.detachTags(detach, metadata: tenant(org))
          try await eventually {
            try await pool.query(
              "SELECT count(*) AS n FROM contact_channel WHERE organization_id = \(org) AND deleted_at IS NOT NULL"
            )[0].decode("n", as: Int64.self) == 1
          }

          let job = try await client.recompute(day(-3), day(-1), org: org, ops: ops)
          #expect(job.status == .succeeded, "\(job.errorMessage)")
          #expect(job.processed == 3)
          #expect(job.startDate == day(-3).description)
          let before = try #require(
            try await CoverageTests.coverage(client, org: org, channel: 0, day: day(-3)))
          #expect(before.state == .computed)
          #expect(before.totalContacts == 0)
          for past in [day(-2), day(-1)] {
            let all = try #require(
              try await CoverageTests.coverage(client, org: org, channel: 0, day: past))
            #expect(all.state == .computed)
            #expect(all.totalContacts == 3)
            #expect(all.taggedContacts == 2)
            let first = try #require(
              try await CoverageTests.coverage(client, org: org, channel: 21, day: past))
            #expect(first.totalContacts == 2)
            #expect(first.taggedContacts == 1)
            let second = try #require(
              try await CoverageTests.coverage(client, org: org, channel: 22, day: past))
            #expect(second.totalContacts == 1)
            #expect(second.taggedContacts == 1)
          }
          // The current day from contacts' totals: the deletion and the detachment count.
          #expect(try await client.recompute(today, today, org: org, ops: ops).status == .succeeded)
          let now = try #require(
            try await CoverageTests.coverage(client, org: org, channel: 0, day: today))
          #expect(now.totalContacts == 2)
          #expect(now.taggedContacts == 1)
          // One channel only.
          let single = try await client.recompute(day(-1), day(-1), channel: 22, org: org, ops: ops)
          #expect(single.status == .succeeded)
          #expect(single.channelID == 22)

          await expectError(.notFound, reason: "CHANNEL_NOT_FOUND", field: "channel_id") {
            _ = try await client.recompute(day(-1), day(-1), channel: 99, org: org, ops: ops)
          }
          await expectError(.notFound, reason: "CHANNEL_NOT_FOUND", field: "channel_id") {
            _ = try await CoverageTests.coverage(client, org: org, channel: 99, day: today)
          }
          #expect(
            try await CoverageTests.coverage(client, org: org, channel: 22, day: day(-1)) != nil)
          await expectError(.invalidArgument, reason: "INVALID_DATE_RANGE", field: "end_date") {
            _ = try await client.recompute(today, day(1), org: org, ops: ops)
          }
        }
        await pool.shutdown()
      }
    }
  }
}
