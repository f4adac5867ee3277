import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

@testable import TagsService

/// T23 when one unify scope holds several MAAC organizations: CDH's `cdh.member_tag.v1` items
/// name members by id only and the message one organization.
@Suite("CDH members of several organizations")
struct CDHOrganizationTests {
  @Test(
    "T23: a CDH member is written only under an organization that owns it (the copy, then the REAL contacts' BatchGetContacts); another organization's member or one contacts never created is skipped, never written under the message's organization"
  )
  func membersPlacedByOrganization() async throws {
    try await withRealContacts(directory: "131:51:line,132:52:line") { contacts in
      try await CDHEnvironment.with { base in
        var env = base
        env.tags.peers["contacts"] = contacts.address
        let pool = try env.tags.pool()
        let tags = try await env.startTags()
        try await withTestClient(to: tags.address) { raw in
          let client = TagsClient(wrapping: raw)
          let mine = try await createContacts(at: contacts.address, org: 131, channels: [51, 51])
          let theirs = try await createContacts(
            at: contacts.address, org: 132, channels: [52], seed: 20)
          try await eventually {
            try await pool.query(
              "SELECT count(*) AS n FROM contact_channel WHERE contact_id = ANY(\(mine + theirs)::bigint[])"
            )[0].decode("n", as: Int64.self) == 3
          }
          // mine[1] is not in the copy yet: contacts vouches for it.
          try await pool.execute("DELETE FROM contact_channel WHERE contact_id = \(mine[1])")
          let vip = try await client.create("vip", org: 131)
          let never: Int64 = 876_543_210
          let last = try await env.injectTagEvent(
            org: 131, members: [mine[0], mine[1], theirs[0], never], tag: vip.id, source: .maac,
            name: "vip", action: .add)
          try await waitForTags(pool, cdhSequence: last)
          #expect(try await client.contactTags(mine[0], org: 131).map(\.tagID) == [vip.id])
          #expect(try await client.contactTags(mine[1], org: 131).map(\.tagID) == [vip.id])
          #expect(try await client.tag(vip.id, org: 131).memberCount == 2)
          let stray = try await pool.query(
            "SELECT count(*) AS n FROM contact_tags WHERE contact_id IN (\(theirs[0]), \(never))")
          #expect(try stray[0].decode("n", as: Int64.self) == 0)
        }
        await tags.stop()
        await pool.shutdown()
      }
    }
  }
}
