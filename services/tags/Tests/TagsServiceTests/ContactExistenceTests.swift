import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import Testing

@testable import TagsService

/// T8 against the REAL contacts service (library `ContactsService`, in process).
@Suite("Never-created contacts")
struct ContactExistenceTests {
  @Test(
    "T8: AttachTags answers contact_not_found for ids contacts never created (or another organization's), asking contacts' BatchGetContacts for ids the copy has not seen; contacts down is UNAVAILABLE for unknown ids, never a silent attach"
  )
  func neverCreated() async throws {
    let org: Int64 = 121
    try await withRealContacts(directory: "\(org):41:line,122:42:line") { contacts in
      try await TagsHarness.withDatabase { base in
        var harness = base
        harness.peers["contacts"] = contacts.address
        let pool = try harness.pool()
        try await harness.withService { client, _ in
          let mine = try await createContacts(at: contacts.address, org: org, channels: [41, 41])
          let foreign = try await createContacts(
            at: contacts.address, org: 122, channels: [42], seed: 10)
          try await eventually {
            try await pool.query(
              "SELECT count(*) AS n FROM contact_channel WHERE organization_id = \(org)"
            )[0].decode("n", as: Int64.self) == 2
          }
          // The copy has not seen mine[1] yet (as if contacts' event were late): contacts is
          // asked and vouches for it.
          try await pool.execute(
            "DELETE FROM contact_channel WHERE organization_id = \(org) AND contact_id = \(mine[1])"
          )
          let tag = try await client.create("seen", org: org)
          let never: Int64 = 987_654_321
          let response = try await client.attach(
            [tag.id], to: [mine[0], mine[1], foreign[0], never], org: org)
          #expect(
            response.results.map(\.outcome) == [
              .attached, .attached, .contactNotFound, .contactNotFound,
            ])
          #expect(try await client.tag(tag.id, org: org).memberCount == 2)

          // Contacts down: known contacts keep the fast path; an unknown id fails the call.
          await contacts.stop()
          let again = try await client.attach([tag.id], to: [mine[0]], org: org)
          #expect(again.results.map(\.outcome) == [.reapplied])
          let other = try await client.create("other", org: org)
          await expectError(.unavailable, reason: "CONTACTS_UNAVAILABLE", field: "contact_ids") {
            _ = try await client.attach([other.id], to: [mine[0], never], org: org)
          }
          #expect(try await client.tag(other.id, org: org).memberCount == 0)
        }
        await pool.shutdown()
      }
    }
  }
}
