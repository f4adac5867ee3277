import ContactsDomain
import Foundation
import Testing

@Suite("Field values")
struct FieldValueTests {
  let line = Fixture.contact(.line, id: 1)

  func edit(
    _ input: ContactFieldsInput, _ mask: [String], on contact: Contact? = nil,
    keys: Set<String>? = nil
  )
    throws -> Contact
  {
    try ContactEditor.apply(
      input, mask: mask, to: contact ?? line,
      context: EditContext(customFieldKeys: keys, defaultCountry: "TW", now: Fixture.now)
    ).contact
  }

  func failure(
    _ input: ContactFieldsInput, _ mask: [String], on contact: Contact? = nil,
    keys: Set<String>? = nil
  )
    -> DomainError?
  {
    Fixture.domainError { _ = try edit(input, mask, on: contact, keys: keys) }
  }

  @Test("C7: display name ≤ 255 characters; blank means not set; never copied from original_name")
  func displayName() throws {
    #expect(
      try edit(.init(displayName: String(repeating: "名", count: 255)), ["display_name"])
        .displayName?.count == 255)
    let tooLong = failure(.init(displayName: String(repeating: "a", count: 256)), ["display_name"])
    #expect(tooLong?.reason == .fieldTooLong)
    #expect(tooLong?.field == "display_name")
    #expect(try edit(.init(displayName: "   "), ["display_name"]).displayName == nil)
    var withOriginal = line
    withOriginal.originalName = "LINE Amy"
    let cleared = try edit(.init(), ["display_name"], on: withOriginal)
    #expect(cleared.displayName == nil)
    #expect(cleared.originalName == "LINE Amy")
  }

  @Test(
    "C8: phones are stored in E.164; separators removed; 00 is international; national needs a country"
  )
  func phones() throws {
    #expect(
      try PhoneNumber.parse("0912-345-678", defaultCountry: "TW", field: "p").e164
        == "+886912345678")
    #expect(
      try PhoneNumber.parse("(0912) 345.678", defaultCountry: "tw", field: "p").e164
        == "+886912345678")
    #expect(
      try PhoneNumber.parse("+886 912 345 678", defaultCountry: nil, field: "p").e164
        == "+886912345678")
    #expect(
      try PhoneNumber.parse("00886912345678", defaultCountry: nil, field: "p").e164
        == "+886912345678")
    #expect(
      try PhoneNumber.parse("+852 9123 4567", defaultCountry: "TW", field: "p").e164
        == "+85291234567")
    #expect(
      try PhoneNumber.parse("+1 415 555 0100", defaultCountry: nil, field: "p").e164
        == "+14155550100")
    let national = Fixture.violation {
      _ = try PhoneNumber.parse("0912345678", defaultCountry: nil, field: "phone")
    }
    #expect(national?.reason == .missingDefaultCountry)
    #expect(national?.field == "phone")
    for bad in ["+886 12", "+999 1234567", "12ab", "+8869123456789999", "091234567890"] {
      let violation = Fixture.violation {
        _ = try PhoneNumber.parse(bad, defaultCountry: "TW", field: "phone")
      }
      #expect(violation?.reason == .invalidPhone, "\(bad)")
    }
    let whatsapp = Fixture.violation {
      _ = try PhoneNumber.parse(
        "0912345678", defaultCountry: "TW", field: "WhatsApp_mobile", requireInternational: true)
    }
    #expect(whatsapp?.reason == .invalidPhone)
    #expect(
      try edit(.init(displayMobile: "0912 345 678"), ["display_mobile"]).displayMobile
        == "+886912345678")
  }

  @Test(
    "C9: email needs one @, a local part, a dotted domain and no spaces; stored as given, compared lower-cased"
  )
  func emails() throws {
    let email = try EmailAddress.parse("  Amy.Lee@Example.com ", field: "email")
    #expect(email.value == "Amy.Lee@Example.com")
    #expect(email.key == "amy.lee@example.com")
    for bad in [
      "amy", "a@b", "@example.com", "a@@example.com", "a b@example.com", "a@example..com",
      String(repeating: "a", count: 250) + "@example.com",
    ] {
      let violation = Fixture.violation { _ = try EmailAddress.parse(bad, field: "display_email") }
      #expect(violation?.reason == .invalidEmail, "\(bad)")
      #expect(violation?.field == "display_email")
    }
  }

  @Test(
    "C10: birthday is a real YYYY-MM-DD date from 1900; age in whole years, nil for a future birthday"
  )
  func birthdayAndAge() throws {
    let birthday = try CalendarDate.parseBirthday("2000-02-29")
    #expect(birthday.age(on: CalendarDate(year: 2026, month: 2, day: 28)!) == 25)
    #expect(birthday.age(on: CalendarDate(year: 2026, month: 3, day: 1)!) == 26)
    #expect(
      try CalendarDate.parseBirthday("2030-01-01").age(
        on: CalendarDate(year: 2026, month: 1, day: 1)!) == nil)
    for bad in [
      "2024-02-30", "1899-12-31", "2023-02-29", "2024-2-01", "01/02/2024", "2024-13-01", "",
    ] {
      let violation = Fixture.violation { _ = try CalendarDate.parseBirthday(bad) }
      #expect(violation?.reason == .invalidDate, "\(bad)")
    }
    let today = CalendarDate.today(
      in: TimeZone(identifier: "Asia/Taipei")!,
      now: Date(timeIntervalSince1970: 1_767_225_600 - 3600))  // 2025-12-31T23:00Z
    #expect(today == CalendarDate(year: 2026, month: 1, day: 1))
  }

  @Test("C11: gender values; API accepts other/any case; import accepts only female/male/unknown")
  func genderInput() throws {
    #expect(try Gender.parseAPI("Other") == .others)
    #expect(try Gender.parseAPI("FEMALE") == .female)
    #expect(Fixture.violation { _ = try Gender.parseAPI("x") }?.reason == .invalidGender)
    #expect(try Gender.parseImport("Male") == .male)
    #expect(Fixture.violation { _ = try Gender.parseImport("others") }?.reason == .invalidGender)
    #expect(Fixture.violation { _ = try Gender.parseImport("other") }?.reason == .invalidGender)
  }

  @Test("C11: manual gender wins over channel, channel over predicted; default unknown")
  func genderPriority() {
    var values = GenderValues()
    #expect(values.resolved.gender == .unknown)
    #expect(values.resolved.source == .default)
    values.predicted = .male
    #expect(values.resolved == (.male, .predicted))
    values.channel = .female
    #expect(values.resolved == (.female, .channel))
    values.manual = .others
    #expect(values.resolved == (.others, .manual))
    let updated = SystemAttributes.apply(
      engagementLevel: nil, predictedGender: .female,
      to: {
        var c = line
        c.gender.manual = .male
        return c
      }(), now: Fixture.now)
    #expect(updated.gender.resolved.gender == .male)
  }

  @Test("C12: customer id is 1–1,024 characters, case-sensitive text")
  func customerID() throws {
    #expect(try BindingRules.validateCustomerID(" Cust-01 ") == "Cust-01")
    #expect(try BindingRules.validateCustomerID(String(repeating: "é", count: 1024)).count == 1024)
    #expect(
      Fixture.domainError {
        _ = try BindingRules.validateCustomerID(String(repeating: "a", count: 1025))
      }?.reason
        == .fieldTooLong)
    #expect(
      Fixture.domainError { _ = try BindingRules.validateCustomerID("  ") }?.reason
        == .invalidSelector)
    #expect(try edit(.init(customerID: "abc"), ["customer_id"]).customerID != "ABC")
  }

  @Test(
    "C13: a note is at most 2,048 characters counted as Unicode characters; never silently truncated"
  )
  func note() throws {
    let wide = String(repeating: "字", count: 2048)  // 3 UTF-8 bytes each, one character each
    #expect(try edit(.init(note: wide), ["note"]).note == wide)
    let error = failure(.init(note: wide + "字"), ["note"])
    #expect(error?.reason == .noteTooLong)
    #expect(error?.field == "note")
    // A decomposed é (e + combining accent) is NFC-normalised to one character first.
    let decomposed = String(repeating: "e\u{0301}", count: 2048)
    #expect(try edit(.init(note: decomposed), ["note"]).note?.unicodeScalars.count == 2048)
  }

  @Test(
    "C14: region codes, 255-character text fields, 1,024-character connect id, boolean star mark")
  func otherFields() throws {
    let contact = try edit(
      .init(
        region: "TW", city: "Taipei", address: String(repeating: "a", count: 255), company: "ACME",
        accountManager: "Bo", memberLevel: "Gold", starMark: true,
        connectID: String(repeating: "c", count: 1024)),
      [
        "region", "city", "address", "company", "account_manager", "member_level", "star_mark",
        "connect_id",
      ])
    #expect(contact.region == .tw)
    #expect(contact.starMark)
    #expect(failure(.init(region: "us"), ["region"])?.reason == .invalidRegion)
    for (input, field) in [
      (ContactFieldsInput(city: String(repeating: "a", count: 256)), "city"),
      (ContactFieldsInput(address: String(repeating: "a", count: 256)), "address"),
      (ContactFieldsInput(company: String(repeating: "a", count: 256)), "company"),
      (ContactFieldsInput(accountManager: String(repeating: "a", count: 256)), "account_manager"),
      (ContactFieldsInput(memberLevel: String(repeating: "a", count: 256)), "member_level"),
      (ContactFieldsInput(fullName: String(repeating: "a", count: 256)), "full_name"),
      (ContactFieldsInput(connectID: String(repeating: "a", count: 1025)), "connect_id"),
    ] {
      let error = failure(input, [field])
      #expect(error?.reason == .fieldTooLong, "\(field)")
      #expect(error?.field == field)
    }
    #expect(try edit(.init(), ["star_mark"], on: contact).starMark == false)
  }

  @Test("C15: custom fields by key, values ≤ 255; unknown key UNKNOWN_CUSTOM_FIELD")
  func customFields() throws {
    let keys: Set<String> = ["customized_field_1"]
    let contact = try edit(
      .init(customFields: ["customized_field_1": "Gold"]), ["custom_fields.customized_field_1"],
      keys: keys)
    #expect(contact.customFields == ["customized_field_1": "Gold"])
    let unknown = failure(.init(customFields: ["nope": "x"]), ["custom_fields.nope"], keys: keys)
    #expect(unknown?.reason == .unknownCustomField)
    #expect(unknown?.field == "custom_fields.nope")
    let long = failure(
      .init(customFields: ["customized_field_1": String(repeating: "x", count: 256)]),
      ["custom_fields"], keys: keys)
    #expect(long?.reason == .fieldTooLong)
    #expect(
      try edit(.init(), ["custom_fields.customized_field_1"], on: contact, keys: keys).customFields
        .isEmpty)
  }

  @Test(
    "C16: read-only system fields cannot be written: READ_ONLY_FIELD; unknown names UNKNOWN_FIELD")
  func readOnly() {
    for path in [
      "original_name", "original_mobile", "original_email", "avatar_url", "line_follow_status",
      "phone_status",
      "engagement_level", "created_at", "last_interaction_at", "acquisition_source",
    ] {
      let error = failure(.init(), [path])
      #expect(error?.reason == .readOnlyField, "\(path)")
      #expect(error?.field == path)
    }
    #expect(failure(.init(), ["favourite_colour"])?.reason == .unknownField)
    #expect(failure(.init(), [])?.reason == .emptyRequest)
  }

  @Test("§0: text is trimmed, NFC-normalised and counted in code points (full-width counts 1)")
  func textConventions() {
    #expect(Text.normalize("\u{3000} Ａｍｙ \n") == "Ａｍｙ")
    #expect(Text.length("Ａｍｙ") == 3)
    #expect(Text.normalize("e\u{0301}") == "\u{00E9}")
  }

  @Test("C40: consent_at is YYYY-MM-DD hh:mm:ss in the organization's time zone, stored in UTC")
  func consentAt() throws {
    let taipei = TimeZone(identifier: "Asia/Taipei")!
    let date = try ConsentTime.parse("2025-12-01 10:00:00", timeZone: taipei)
    #expect(date == Date(timeIntervalSince1970: 1_764_554_400))  // 2025-12-01T02:00:00Z
    for bad in ["2025-12-01", "2025-12-01T10:00:00", "2025-12-01 25:00:00", "2025-02-30 10:00:00"] {
      #expect(
        Fixture.violation { _ = try ConsentTime.parse(bad, timeZone: taipei) }?.reason
          == .invalidConsentAt)
    }
    let email = Fixture.contact(.email, id: 3)
    #expect(failure(.init(consentSource: "x"), ["consent_source"])?.reason == .fieldNotApplicable)
    #expect(
      try edit(.init(consentSource: "Checkout"), ["consent_source"], on: email).consentSource
        == "Checkout")
  }
}
