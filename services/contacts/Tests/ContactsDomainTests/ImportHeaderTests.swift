import ContactsDomain
import Foundation
import Testing

@Suite("Import request and headers")
struct ImportHeaderTests {
  @Test("C18: allowed keys per target; other keys KEY_NOT_ALLOWED")
  func keysPerTarget() {
    #expect(ImportTarget.line.allowedKeys == [.lineUID, .phone, .customerID])
    #expect(ImportTarget.email.allowedKeys == [.email])
    #expect(ImportTarget.whatsapp.allowedKeys == [.phone])
    for (target, key) in [
      (ImportTarget.line, ImportKey.email), (.email, .phone), (.whatsapp, .lineUID),
    ] {
      let error = Fixture.domainError { try ImportRequestRules.checkKey(key, for: target) }
      #expect(error?.reason == .keyNotAllowed)
      #expect(error?.field == "key")
    }
  }

  @Test("C18: the key column must exist; email and WhatsApp need messaging_status")
  func requiredColumns() {
    #expect(
      Fixture.domainError {
        _ = try Fixture.header(["name", "phone"], target: .line, key: .lineUID)
      }?.reason
        == .keyColumnMissing)
    #expect(
      Fixture.domainError {
        _ = try Fixture.header(["email", "display_name"], target: .email, key: .email)
      }?.reason
        == .requiredColumnMissing)
    #expect(
      Fixture.domainError {
        _ = try Fixture.header(["phone", "messaging_status"], target: .whatsapp, key: .phone)
      }?
      .reason == .keyColumnMissing)
    #expect(
      (try? Fixture.header(["WhatsApp_mobile", "status"], target: .whatsapp, key: .phone)) != nil)
  }

  @Test(
    "C27: headers are trimmed and matched case-sensitively; aliases accepted; unknown columns warned once"
  )
  func headerMatching() throws {
    let header = try Fixture.header(
      [" line_uid ", "Name", "display_name", "tag", "favourite_colour", "Member Tier"],
      target: .line, key: .lineUID,
      customFields: [.init(key: "customized_field_1", label: "Member Tier")])
    #expect(
      header.columns == [
        .lineUID, nil, .displayName, .tags, nil, .customField(key: "customized_field_1"),
      ])
    #expect(header.warnings.count == 1)
    #expect(header.warnings[0].code == "UNKNOWN_COLUMN")
    #expect(header.warnings[0].columns == ["Name", "favourite_colour"])
    #expect(header.warnings[0].blocking == false)
    let email = try Fixture.header(
      ["email", "messaging_ status", "mobile"], target: .email, key: .email)
    #expect(email.columns == [.email, .messagingStatus, .mobile])
  }

  @Test("C27: two headers for one field are DUPLICATE_COLUMN")
  func duplicateColumns() {
    let error = Fixture.domainError {
      _ = try Fixture.header(["line_uid", "name", "display_name"], target: .line, key: .lineUID)
    }
    // On the LINE template both name and display_name write the display name.
    #expect(error?.reason == .duplicateColumn)
    #expect(error?.field == "display_name")
    #expect(
      Fixture.domainError {
        _ = try Fixture.header(
          ["email", "status", "messaging_status"], target: .email, key: .email)
      }?
      .reason == .duplicateColumn)
  }

  @Test(
    "C28: external_member_id, fb_id, ig_id and read-only columns are ignored with NON_IMPORTABLE_COLUMN"
  )
  func nonImportable() throws {
    let header = try Fixture.header(
      ["line_uid", "external_member_id", "fb_id", "ig_id", "original_name", "created_at"],
      target: .line, key: .lineUID)
    #expect(header.columns == [.lineUID, nil, nil, nil, nil, nil])
    #expect(header.warnings.map(\.code) == ["NON_IMPORTABLE_COLUMN"])
    #expect(
      header.warnings[0].columns == [
        "external_member_id", "fb_id", "ig_id", "original_name", "created_at",
      ])
  }

  @Test("C29: a LINE import with a phone column needs a default country; email/WhatsApp do not")
  func countryRequired() throws {
    let error = Fixture.domainError {
      _ = try Fixture.header(["line_uid", "phone"], target: .line, key: .lineUID, country: nil)
    }
    #expect(error?.reason == .missingDefaultCountry)
    #expect(error?.field == "default_country")
    #expect(
      (try? Fixture.header(["line_uid", "name"], target: .line, key: .lineUID, country: nil)) != nil
    )
    #expect(
      (try? Fixture.header(
        ["email", "messaging_status", "mobile"], target: .email, key: .email, country: nil)) != nil)
    #expect(Fixture.violation { _ = try Country.parse("XX") }?.reason == .invalidCountry)
    #expect(try Country.parse(" tw ") == "TW")
  }

  @Test("§2.4: GetImportTemplate gives the target's headers followed by the custom-field labels")
  func template() throws {
    let csv = ImportTemplate.csv(target: .whatsapp, customFields: [.init(key: "k1", label: "Tier")])
    let records = try CSVReader.records(of: Array(csv.utf8))
    #expect(
      records[0].fields == [
        "WhatsApp_mobile", "messaging_status", "display_name", "gender", "customer_id", "email",
        "birthday", "tag", "Tier",
      ])
    // The template's own headers are accepted by the import of the same target.
    for target in ImportTarget.allCases {
      let headers = ImportColumn.templateHeaders(for: target)
      #expect(throws: Never.self) {
        _ = try Fixture.header(headers, target: target, key: target.allowedKeys[0])
      }
    }
  }

  @Test(
    "C32: one running import per organization, at most 5 pending; C17 status only moves forward")
  func queueAndLifecycle() {
    #expect(Fixture.domainError { try ImportLimits.admit(pendingCount: 4) } == nil)
    let full = Fixture.domainError { try ImportLimits.admit(pendingCount: 5) }
    #expect(full?.kind == .resourceExhausted)
    #expect(full?.reason == .importQueueFull)
    #expect(TaskStatus.pending.canMove(to: .running))
    #expect(TaskStatus.running.canMove(to: .completed))
    #expect(TaskStatus.running.canMove(to: .failed))
    #expect(!TaskStatus.completed.canMove(to: .running))
    #expect(!TaskStatus.failed.canMove(to: .pending))
    #expect(!TaskStatus.running.canMove(to: .pending))
  }

  @Test(
    "C30: upload size limits — FILE_EMPTY and FILE_TOO_LARGE; JSON imports take at most 1,000 rows")
  func limits() {
    #expect(Fixture.domainError { try ImportLimits.checkSize(0) }?.reason == .fileEmpty)
    #expect(
      Fixture.domainError { try ImportLimits.checkSize(100 * 1024 * 1024 + 1) }?.reason
        == .fileTooLarge)
    #expect(Fixture.domainError { try ImportLimits.checkSize(100 * 1024 * 1024) } == nil)
    let rows = Array(repeating: ["line_uid": "x"], count: 1001)
    #expect(
      Fixture.domainError { _ = try JSONImportRows.records(columns: ["line_uid"], rows: rows) }?
        .reason == .tooManyRows)
    let records = try? JSONImportRows.records(
      columns: ["line_uid", "name"], rows: [["line_uid": "U1"]])
    #expect(records?.first?.number == 1)
    #expect(records?.first?.fields == ["U1", ""])
  }
}
