import ContactsDomain
import Foundation
import Testing

@Suite("Import planning")
struct ImportPlannerTests {
  let older = Fixture.now.addingTimeInterval(-86_400 * 10)
  let newer = Fixture.now.addingTimeInterval(-86_400)

  @Test("C19: a match updates, no match creates; one file may do both")
  func matchOrCreate() throws {
    let existing = Fixture.contact(.line, id: 5)
    let csv = "line_uid,name\n\(existing.externalID),Amy\n\(Fixture.uid(99)),Bo\n"
    let (_, plan) = try Fixture.plan(csv, target: .line, key: .lineUID, existing: [existing])
    #expect(plan.rows.map(\.outcome) == [.updated, .created])
    #expect(plan.rows[0].contact == .existing(5))
    #expect(plan.updates[5]?.after.displayName == "Amy")
    #expect(plan.newContacts.count == 1)
    #expect(plan.newContacts[0].externalID == Fixture.uid(99))
    #expect(plan.newContacts[0].displayName == "Bo")
  }

  @Test("C19: customer_id never creates — a miss is skipped KEY_NOT_FOUND")
  func customerIDNeverCreates() throws {
    var bound = Fixture.contact(.line, id: 5)
    bound.customerID = "C-1"
    let (_, plan) = try Fixture.plan(
      "customer_id,name\nC-1,Amy\nC-2,Bo\n", target: .line, key: .customerID, existing: [bound])
    #expect(plan.rows.map(\.outcome) == [.updated, .skipped])
    #expect(plan.rows[1].issues.first?.code == "KEY_NOT_FOUND")
    #expect(plan.rows[1].issues.first?.blocking == true)
    #expect(plan.newContacts.isEmpty)
  }

  @Test("C19: a blank key cell fails the row with MISSING_KEY_VALUE")
  func blankKey() throws {
    let (_, plan) = try Fixture.plan("line_uid,name\n ,Amy\n", target: .line, key: .lineUID)
    #expect(plan.rows[0].outcome == .failed)
    #expect(plan.rows[0].issues.map(\.code) == ["MISSING_KEY_VALUE"])
    #expect(plan.rows[0].issues[0].column == "line_uid")
  }

  @Test(
    "C20: several matches update only the most recently created (tie: highest id) with MULTIPLE_MATCHES"
  )
  func multipleMatches() throws {
    var a = Fixture.contact(.line, id: 1, createdAt: older)
    var b = Fixture.contact(.line, id: 2, createdAt: newer)
    var c = Fixture.contact(.sms, id: 3, key: "+886912345678", createdAt: older)
    a.displayMobile = "+886912345678"
    b.displayMobile = "+886912345678"
    c.displayName = nil
    let (_, plan) = try Fixture.plan(
      "phone,name\n0912345678,Amy\n", target: .line, key: .phone, existing: [a, b, c])
    #expect(plan.rows[0].outcome == .updated)
    #expect(plan.rows[0].contact == .existing(2))
    #expect(plan.rows[0].issues.map(\.code) == ["MULTIPLE_MATCHES"])
    #expect(plan.rows[0].issues[0].message.contains("3"))
    #expect(plan.updateOrder == [2])

    // Equal creation times: the highest id wins (customer id keys, Q1).
    var x = Fixture.contact(.line, id: 8, createdAt: older)
    var y = Fixture.contact(.sms, id: 9, key: "+886900000009", createdAt: older)
    x.customerID = "C"
    y.customerID = "C"
    let (_, tie) = try Fixture.plan(
      "customer_id,note\nC,hello\n", target: .line, key: .customerID, existing: [x, y])
    #expect(tie.rows[0].contact == .existing(9))
  }

  @Test("C4: contacts sharing a customer id are never merged; only the chosen one changes")
  func neverMerges() throws {
    var a = Fixture.contact(.line, id: 1, createdAt: older)
    var b = Fixture.contact(.line, id: 2, createdAt: newer)
    a.customerID = "C"
    b.customerID = "C"
    let (_, plan) = try Fixture.plan(
      "customer_id,name\nC,Amy\n", target: .line, key: .customerID, existing: [a, b])
    #expect(Set(plan.updates.keys) == [2])
    #expect(plan.newContacts.isEmpty)
  }

  @Test(
    "C21: keys look only where specified — another LINE channel or an email contact never matches")
  func whereKeysLook() throws {
    let otherChannel = Fixture.contact(.line, id: 1, channelID: 999)
    var emailContact = Fixture.contact(.email, id: 2)
    emailContact.displayMobile = "+886912345678"
    let (_, plan) = try Fixture.plan(
      "line_uid\n\(otherChannel.externalID)\n", target: .line, key: .lineUID,
      existing: [otherChannel])
    #expect(plan.rows[0].outcome == .created)
    let (_, phonePlan) = try Fixture.plan(
      "phone\n0912345678\n", target: .line, key: .phone, existing: [emailContact])
    #expect(phonePlan.rows[0].outcome == .created)
    let scopes = ImportMatchScope.scopes(target: .line, key: .phone, channelID: 11)
    #expect(
      scopes == [
        .init(channelType: .line, channelID: 11, field: .displayMobile),
        .init(channelType: .sms, channelID: nil, field: .primaryKey),
      ])
    #expect(
      ImportMatchScope.scopes(target: .email, key: .email, channelID: 21) == [
        .init(channelType: .email, channelID: 21, field: .primaryKey)
      ])
    // Email keys match case-insensitively.
    let stored = Fixture.contact(.email, id: 3, key: "amy@example.com")
    let (_, emailPlan) = try Fixture.plan(
      "email,messaging_status\nAMY@Example.com,subscribed\n", target: .email, key: .email,
      existing: [stored])
    #expect(emailPlan.rows[0].contact == .existing(3))
  }

  @Test(
    "C22, C5: a phone-key miss creates an sms contact named Unnamed Contact; other targets create their type"
  )
  func whatRowsCreate() throws {
    let (_, phone) = try Fixture.plan("phone\n0912 345 678\n", target: .line, key: .phone)
    let sms = phone.newContacts[0]
    #expect(sms.channelType == .sms)
    #expect(sms.channelID == nil)
    #expect(sms.externalID == "+886912345678")
    #expect(sms.resolvedName.name == "Unnamed Contact")
    #expect(sms.acquisitionSource == .import)
    let (_, email) = try Fixture.plan(
      "email,messaging_status\nAmy@Example.com,subscribed\n", target: .email, key: .email)
    #expect(email.newContacts[0].channelType == .email)
    #expect(email.newContacts[0].externalIDRaw == "Amy@Example.com")
    #expect(email.newContacts[0].externalID == "amy@example.com")
    #expect(email.newContacts[0].emailStatus == .subscribed)
    let (_, whatsapp) = try Fixture.plan(
      "WhatsApp_mobile,messaging_status\n+886912345678,opted_in\n", target: .whatsapp, key: .phone)
    #expect(whatsapp.newContacts[0].channelType == .whatsapp)
    #expect(whatsapp.newContacts[0].whatsappStatus == .optedIn)
  }

  @Test(
    "C33: LINE contacts created by an import start syncing (names fetched in the background), status unknown"
  )
  func importedLineContactsSync() throws {
    let (_, plan) = try Fixture.plan("line_uid\n\(Fixture.uid(1))\n", target: .line, key: .lineUID)
    #expect(plan.newContacts[0].nameSyncState == .syncing)
    #expect(plan.newContacts[0].resolvedName.source == .placeholderSyncing)
    #expect(plan.newContacts[0].lineFollowStatus == nil)
  }

  @Test(
    "C23: only the selected key matches; a customer_id column in a line_uid import sets the customer id"
  )
  func selectedKeyDecides() throws {
    var other = Fixture.contact(.line, id: 1)
    other.customerID = "C-9"
    let (_, plan) = try Fixture.plan(
      "line_uid,customer_id\n\(Fixture.uid(50)),C-9\n", target: .line, key: .lineUID,
      existing: [other])
    #expect(plan.rows[0].outcome == .created)
    #expect(plan.newContacts[0].customerID == "C-9")
  }

  @Test(
    "C2: a cell that would change a primary key is ignored with PRIMARY_KEY_IGNORED; the rest applies"
  )
  func primaryKeyIgnoredInImport() throws {
    var lineContact = Fixture.contact(.line, id: 1)
    lineContact.customerID = "C"
    let (_, plan) = try Fixture.plan(
      "customer_id,line_uid,name\nC,\(Fixture.uid(77)),Amy\n", target: .line, key: .customerID,
      existing: [lineContact])
    #expect(plan.rows[0].outcome == .updated)
    #expect(plan.rows[0].issues.map(\.code) == ["PRIMARY_KEY_IGNORED"])
    #expect(plan.updates[1]?.after.externalID == lineContact.externalID)
    #expect(plan.updates[1]?.after.displayName == "Amy")
    var sms = Fixture.contact(.sms, id: 2, key: "+886911111111")
    sms.customerID = "D"
    let (_, smsPlan) = try Fixture.plan(
      "customer_id,phone\nD,0922222222\n", target: .line, key: .customerID, existing: [sms])
    #expect(smsPlan.rows[0].issues.map(\.code) == ["PRIMARY_KEY_IGNORED"])
    #expect(smsPlan.updates[2] == nil)
  }

  @Test(
    "C24: a blank cell keeps the stored value, a filled cell overwrites, an import never clears")
  func blankKeeps() throws {
    var contact = Fixture.contact(.line, id: 1)
    contact.displayName = "Old"
    contact.note = "keep me"
    contact.customFields = ["k1": "Silver"]
    let (_, plan) = try Fixture.plan(
      "line_uid,name,note,Tier\n\(contact.externalID),New,,\n", target: .line, key: .lineUID,
      existing: [contact],
      customFields: [.init(key: "k1", label: "Tier")])
    let after = try #require(plan.updates[1]?.after)
    #expect(after.displayName == "New")
    #expect(after.note == "keep me")
    #expect(after.customFields == ["k1": "Silver"])
  }

  @Test("C25: an imported phone sets the LINE contact's display phone, never original_mobile")
  func phoneGoesToDisplay() throws {
    var contact = Fixture.contact(.line, id: 1)
    contact.originalMobile = "+886900000000"
    let (_, plan) = try Fixture.plan(
      "line_uid,phone\n\(contact.externalID),0912345678\n", target: .line, key: .lineUID,
      existing: [contact])
    #expect(plan.updates[1]?.after.displayMobile == "+886912345678")
    #expect(plan.updates[1]?.after.originalMobile == "+886900000000")
  }

  @Test(
    "C26: tag cells are split on commas, trimmed, deduplicated; names over 50 characters are TAG_INVALID"
  )
  func tags() throws {
    let long = String(repeating: "t", count: 51)
    let (_, plan) = try Fixture.plan(
      "line_uid,tags\n\(Fixture.uid(1)),\" vip , vip,,new, \(long)\"\n", target: .line,
      key: .lineUID)
    #expect(plan.rows[0].outcome == .created)
    #expect(plan.rows[0].tags == ["vip", "new"])
    #expect(plan.rows[0].issues.map(\.code) == ["TAG_INVALID"])
    #expect(plan.rows[0].issues[0].blocking == false)
    #expect(ImportSource.ui.tagCreatedVia == "maac")
    #expect(ImportSource.api.tagCreatedVia == "api")
    #expect(ImportSource.ui.taggedVia == "import")
    #expect(ImportSource.api.taggedVia == "open_api")
  }

  @Test("C27: unknown columns are skipped for every row and the rows still apply")
  func unknownColumnsSkipped() throws {
    let (header, plan) = try Fixture.plan(
      "line_uid,favourite_colour\n\(Fixture.uid(1)),blue\n", target: .line, key: .lineUID)
    #expect(header.warnings.map(\.code) == ["UNKNOWN_COLUMN"])
    #expect(plan.rows[0].outcome == .created)
    #expect(plan.rows[0].issues.isEmpty)
  }

  @Test(
    "C29: with a default country every phone must be of that country; others fail PHONE_COUNTRY_MISMATCH"
  )
  func oneCountry() throws {
    let (_, plan) = try Fixture.plan(
      "line_uid,phone\n\(Fixture.uid(1)),+85291234567\n\(Fixture.uid(2)),0912345678\n",
      target: .line, key: .lineUID)
    #expect(plan.rows.map(\.outcome) == [.failed, .created])
    #expect(plan.rows[0].issues.map(\.code) == ["PHONE_COUNTRY_MISMATCH"])
    #expect(plan.rows[0].issues[0].column == "phone")
    #expect(plan.rows[0].issues[0].message.contains("TW"))
    // WhatsApp: optional country, enforced when set.
    let (_, wa) = try Fixture.plan(
      "WhatsApp_mobile,messaging_status\n+85291234567,opted_in\n", target: .whatsapp, key: .phone,
      country: nil)
    #expect(wa.rows[0].outcome == .created)
    let (_, waTW) = try Fixture.plan(
      "WhatsApp_mobile,messaging_status\n+85291234567,opted_in\n", target: .whatsapp, key: .phone,
      country: "TW")
    #expect(waTW.rows[0].issues.map(\.code) == ["PHONE_COUNTRY_MISMATCH"])
  }

  @Test("C30: a row with a different cell count fails COLUMN_COUNT_MISMATCH; the others continue")
  func columnCount() throws {
    let (_, plan) = try Fixture.plan(
      "line_uid,name\n\(Fixture.uid(1)),Amy,extra\n\(Fixture.uid(2)),Bo\n", target: .line,
      key: .lineUID)
    #expect(plan.rows.map(\.outcome) == [.failed, .created])
    #expect(plan.rows[0].issues.map(\.code) == ["COLUMN_COUNT_MISMATCH"])
  }

  @Test("C31: rows apply in file order — two rows with one new line_uid create once, then update")
  func fileOrder() throws {
    let uid = Fixture.uid(42)
    let (_, plan) = try Fixture.plan(
      "line_uid,name,note\n\(uid),A,first\n\(uid),B,\n", target: .line, key: .lineUID)
    #expect(plan.rows.map(\.outcome) == [.created, .updated])
    #expect(plan.rows.map(\.contact) == [.new(0), .new(0)])
    #expect(plan.newContacts.count == 1)
    #expect(plan.newContacts[0].displayName == "B")
    #expect(plan.newContacts[0].note == "first")
    // A phone created by an earlier row is the most recent match of a later row.
    var old = Fixture.contact(.line, id: 1, createdAt: older)
    old.displayMobile = "+886912345678"
    let (_, phones) = try Fixture.plan(
      "phone,name\n0912345678,X\n", target: .line, key: .phone, existing: [old])
    #expect(phones.rows[0].contact == .existing(1))
  }

  @Test("C34: a row with any blocking problem writes nothing and lists every problem")
  func wholeRowOrNothing() throws {
    var contact = Fixture.contact(.line, id: 1)
    contact.displayName = "Keep"
    let (_, plan) = try Fixture.plan(
      "line_uid,name,phone,note\n\(contact.externalID),\(String(repeating: "n", count: 256)),+85291234567,\(String(repeating: "x", count: 2049))\n",
      target: .line, key: .lineUID, existing: [contact])
    #expect(plan.rows[0].outcome == .failed)
    #expect(
      Set(plan.rows[0].issues.map(\.code)) == [
        "FIELD_TOO_LONG", "PHONE_COUNTRY_MISMATCH", "NOTE_TOO_LONG",
      ])
    #expect(plan.rows[0].issues.allSatisfy { $0.blocking })
    #expect(plan.updates.isEmpty)
    #expect(plan.newContacts.isEmpty)
  }

  @Test(
    "C35: email imports need an address and one of four statuses; blank status fails MISSING_MESSAGING_STATUS"
  )
  func emailImportRules() throws {
    let (_, plan) = try Fixture.plan(
      "email,messaging_status\na@example.com,\nb@example.com,suppressed\nnot-an-email,subscribed\nc@example.com,SPAM_REPORT\n",
      target: .email, key: .email)
    #expect(plan.rows.map(\.outcome) == [.failed, .failed, .failed, .created])
    #expect(plan.rows[0].issues.map(\.code) == ["MISSING_MESSAGING_STATUS"])
    #expect(plan.rows[1].issues.map(\.code) == ["INVALID_MESSAGING_STATUS"])
    #expect(plan.rows[2].issues.map(\.code) == ["INVALID_EMAIL"])
    #expect(plan.newContacts[0].emailStatus == .spamReport)
  }

  @Test(
    "C37: an import cannot re-subscribe; the status stays, other cells apply, STATUS_CHANGE_IGNORED"
  )
  func importStatusIrreversible() throws {
    var contact = Fixture.contact(.email, id: 1)
    contact.emailStatus = .unsubscribed
    let (_, plan) = try Fixture.plan(
      "email,messaging_status,display_name\nuser1@example.com,subscribed,Amy\n", target: .email,
      key: .email,
      existing: [contact])
    #expect(plan.rows[0].outcome == .updated)
    #expect(plan.rows[0].issues.map(\.code) == ["STATUS_CHANGE_IGNORED"])
    #expect(plan.updates[1]?.after.emailStatus == .unsubscribed)
    #expect(plan.updates[1]?.after.displayName == "Amy")
  }

  @Test(
    "C41: importing a cleaned list with hard_bounce suppresses subscribed addresses (the documented remedy)"
  )
  func cleanedListRemedy() throws {
    var contact = Fixture.contact(.email, id: 1)
    contact.emailStatus = .subscribed
    let (_, plan) = try Fixture.plan(
      "email,messaging_status\nuser1@example.com,hard_bounce\n", target: .email, key: .email,
      existing: [contact])
    #expect(plan.updates[1]?.after.emailStatus == .hardBounce)
    #expect(plan.updates[1]?.after.reachable == false)
  }

  @Test(
    "C39: a created address with an invalid domain is stored suppressed(invalid_domain); a timeout only warns"
  )
  func domainCheck() throws {
    let (_, plan) = try Fixture.plan(
      "email,messaging_status\na@nowhere.invalid,subscribed\nb@slow.example,subscribed\nc@ok.example,subscribed\n",
      target: .email, key: .email,
      domainChecks: [
        "nowhere.invalid": .invalid, "slow.example": .unverified, "ok.example": .valid,
      ])
    #expect(plan.rows.map(\.outcome) == [.created, .created, .created])
    #expect(plan.newContacts[0].emailStatus == .suppressed)
    #expect(plan.newContacts[0].suppressionReason == .invalidDomain)
    #expect(plan.rows[0].issues.map(\.code) == ["EMAIL_DOMAIN_INVALID"])
    #expect(plan.newContacts[1].emailStatus == .subscribed)
    #expect(plan.rows[1].issues.map(\.code) == ["EMAIL_DOMAIN_UNVERIFIED"])
    #expect(plan.rows[2].issues.isEmpty)
  }

  @Test("C40: consent_source and consent_at are stored from an email import")
  func consentFromImport() throws {
    let (_, plan) = try Fixture.plan(
      "email,messaging_status,consent_source,consent_at\na@example.com,subscribed,Checkout,2025-12-01 10:00:00\nb@example.com,subscribed,,2025-12-01\n",
      target: .email, key: .email)
    #expect(plan.newContacts[0].consentSource == "Checkout")
    #expect(plan.newContacts[0].consentAt != nil)
    #expect(plan.rows[1].issues.map(\.code) == ["INVALID_CONSENT_AT"])
  }

  @Test(
    "C42: WhatsApp — blank status skips the row (nothing written, even for an existing contact)")
  func whatsappImportRules() throws {
    var contact = Fixture.contact(.whatsapp, id: 1, key: "+886912345678")
    contact.whatsappStatus = .optedIn
    let (_, plan) = try Fixture.plan(
      "WhatsApp_mobile,messaging_status,display_name\n+886912345678,,Amy\n+886912345679,maybe,Bo\n0912345670,opted_in,Cy\n+886912345678,opted_out,\n",
      target: .whatsapp, key: .phone, existing: [contact])
    #expect(plan.rows.map(\.outcome) == [.skipped, .failed, .failed, .updated])
    #expect(plan.rows[0].issues.map(\.code) == ["MISSING_MESSAGING_STATUS"])
    #expect(plan.rows[1].issues.map(\.code) == ["INVALID_MESSAGING_STATUS"])
    #expect(plan.rows[2].issues.map(\.code) == ["INVALID_PHONE"])
    // Changes between WhatsApp statuses are unrestricted; the skipped row wrote nothing.
    #expect(plan.updates[1]?.after.whatsappStatus == .optedOut)
    #expect(plan.updates[1]?.after.displayName == nil)
  }

  @Test(
    "C17: the failure report lists skipped, failed and issue rows with original cells, row_number, outcome, errors"
  )
  func failureReport() throws {
    let csv = "line_uid,name\n\(Fixture.uid(1)),Amy\nbad,Bo\n\(Fixture.uid(3)),\"Cy, Jr\"\n"
    let (header, plan) = try Fixture.plan(csv, target: .line, key: .lineUID)
    let report = ImportFailureReport.csv(header: header.names, rows: plan.rows)
    let records = try CSVReader.records(of: Array(report.utf8))
    #expect(records[0].fields == ["line_uid", "name", "row_number", "outcome", "errors"])
    #expect(records.count == 2)
    #expect(records[1].fields[0...3] == ["bad", "Bo", "3", "failed"])
    #expect(records[1].fields[4].contains("INVALID_LINE_UID (line_uid)"))
    var counts = ImportCounts()
    for row in plan.rows { counts.add(row) }
    #expect(counts.processedRows == 3)
    #expect(counts.created == 2)
    #expect(counts.failed == 1)
    #expect(counts.rowsWithIssues == 0)
  }
}
