import ContactsDomain
import Foundation
import Testing

@Suite("Export and paging")
struct ExportPagingTests {
  let tier = CustomFieldDefinition(key: "customized_field_1", label: "Member Tier")

  @Test(
    "C75: export headers use the import template names plus read-only columns; no identifier is fabricated"
  )
  func exportColumns() throws {
    let columns = try ContactExport.columns(requested: [], customFields: [tier])
    #expect(
      columns.map(\.header) == [
        "line_uid", "phone", "customer_id", "name", "email", "note", "tags", "gender", "birthday",
        "messaging_status",
        "WhatsApp_mobile", "Member Tier", "contact_id", "contact_type", "channel_id",
        "external_member_id",
        "original_name", "line_follow_status", "email_status", "whatsapp_status", "created_at",
        "last_interaction_at",
      ])
    var email = Fixture.contact(.email, id: 5, key: "amy@example.com")
    email.externalIDRaw = "Amy@Example.com"
    email.emailStatus = .subscribed
    let cells = ContactExport.cells(of: email, columns: columns, tags: ["vip", "new"])
    let row = Dictionary(uniqueKeysWithValues: zip(columns.map(\.header), cells))
    #expect(row["line_uid"] == "")
    #expect(row["email"] == "Amy@Example.com")
    #expect(row["messaging_status"] == "subscribed")
    #expect(row["tags"] == "vip,new")
    #expect(row["contact_type"] == "email")
    #expect(row["WhatsApp_mobile"] == "")
    let requested = try ContactExport.columns(
      requested: ["line_uid", "Member Tier"], customFields: [tier])
    #expect(requested.map(\.header) == ["line_uid", "Member Tier"])
    let unknown = Fixture.domainError {
      _ = try ContactExport.columns(requested: ["x"], customFields: [])
    }
    #expect(unknown?.field == "columns[0]")
  }

  @Test(
    "C75: an export of LINE contacts re-imports as updates of the same contacts (import-compatible headers)"
  )
  func exportReimports() throws {
    var a = Fixture.contact(.line, id: 1)
    a.displayName = "Amy"
    a.note = "n, with comma"
    a.displayMobile = "+886912345678"
    a.customFields = ["customized_field_1": "Gold"]
    let columns = try ContactExport.columns(requested: [], customFields: [tier])
    var writer = CSVWriter()
    writer.append(columns.map(\.header))
    writer.append(ContactExport.cells(of: a, columns: columns))
    let (header, plan) = try Fixture.plan(
      writer.text, target: .line, key: .lineUID, existing: [a], customFields: [tier])
    #expect(plan.rows.map(\.outcome) == [.updated])
    #expect(plan.updates.isEmpty)  // same values: nothing changes
    #expect(header.warnings.map(\.code).contains("NON_IMPORTABLE_COLUMN"))
  }

  @Test("C65: page tokens round-trip, are bound to their query and expire after 24 hours")
  func pageTokens() throws {
    let print = Fingerprint.of(["search", "name=amy"])
    let token = PageToken(
      asOfMicros: Int64(Fixture.now.timeIntervalSince1970 * 1_000_000), lastCreatedAtMicros: 123,
      lastID: 9,
      fingerprint: print)
    #expect(try PageToken.decode(token.encoded, fingerprint: print, now: Fixture.now) == token)
    let other = Fixture.domainError {
      _ = try PageToken.decode(
        token.encoded, fingerprint: Fingerprint.of(["search", "name=bo"]), now: Fixture.now)
    }
    #expect(other?.reason == .invalidCursor)
    #expect(other?.field == "page_token")
    #expect(
      Fixture.domainError {
        _ = try PageToken.decode("garbage!", fingerprint: print, now: Fixture.now)
      }?.reason == .invalidCursor)
    let expired = Fixture.domainError {
      _ = try PageToken.decode(
        token.encoded, fingerprint: print, now: Fixture.now.addingTimeInterval(86_401))
    }
    #expect(expired?.reason == .invalidCursor)
  }

  @Test(
    "C65: page_size 0 means 100; 1..1,000 allowed; anything else INVALID_LIMIT naming page_size")
  func pageSize() throws {
    #expect(try PageSize.resolve(0) == 100)
    #expect(try PageSize.resolve(1000) == 1000)
    for bad: Int32 in [-1, 1001] {
      let error = Fixture.domainError { _ = try PageSize.resolve(bad) }
      #expect(error?.reason == .invalidLimit)
      #expect(error?.field == "page_size")
    }
  }
}
