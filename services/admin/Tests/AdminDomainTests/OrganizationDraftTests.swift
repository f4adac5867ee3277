import AdminDomain
import Testing

@Suite("Organizations (spec §3.1)")
struct OrganizationDraftTests {
  @Test("§3.1: an organization without a time zone gets Asia/Taipei, active, no region")
  func defaults() throws {
    let organization = try OrganizationDraft(name: "Acme").validated()
    #expect(organization.timezone == "Asia/Taipei")
    #expect(organization.active)
    #expect(organization.region == nil)
    #expect(organization.uuid == nil)
  }

  @Test("§3.1: given values are kept, the uuid lower-cased")
  func keepsValues() throws {
    let organization = try OrganizationDraft(
      name: "曼谷分公司", uuid: "431C1B10-AF57-4402-AD3E-DF7DA3CB0E2A", region: .th,
      timezone: "Asia/Bangkok", active: false
    ).validated()
    #expect(organization.name == "曼谷分公司")
    #expect(organization.uuid == "431c1b10-af57-4402-ad3e-df7da3cb0e2a")
    #expect(organization.region == .th)
    #expect(organization.timezone == "Asia/Bangkok")
    #expect(!organization.active)
  }

  @Test("§3.1: UTC is an accepted zone")
  func utc() throws {
    #expect(try OrganizationDraft(name: "A", timezone: "UTC").validated().timezone == "UTC")
  }

  @Test(
    "§3.1: abbreviations, offsets and unknown names are not IANA time zones",
    arguments: ["PST", "GMT+8", "Mars/Olympus", "asia/taipei", "+08:00"])
  func badTimeZone(zone: String) {
    let failure = #expect(throws: ValidationFailure.self) {
      try OrganizationDraft(name: "A", timezone: zone).validated()
    }
    #expect(failure?.violations.map(\.field) == ["timezone"])
    #expect(failure?.violations.first?.reason.contains("IANA") == true)
  }

  @Test("§3.1: name is required, not blank, at most 255 characters (full-width count one)")
  func names() throws {
    for bad in [nil, "", "   ", String(repeating: "名", count: 256), "tab\tname"] {
      let failure = #expect(throws: ValidationFailure.self) {
        try OrganizationDraft(name: bad).validated()
      }
      #expect(failure?.violations.map(\.field) == ["name"])
    }
    _ = try OrganizationDraft(name: String(repeating: "名", count: 255)).validated()
  }

  @Test(
    "§3.1: a uuid must be RFC 4122",
    arguments: [
      "not-a-uuid", "431c1b10af574402ad3edf7da3cb0e2a", "00000000-0000-0000-0000-000000000000",
      "431c1b10-af57-0402-ad3e-df7da3cb0e2a", "431c1b10-af57-4402-cd3e-df7da3cb0e2a",
    ])
  func badUUID(uuid: String) {
    let failure = #expect(throws: ValidationFailure.self) {
      try OrganizationDraft(name: "A", uuid: uuid).validated()
    }
    #expect(failure?.violations.map(\.field) == ["uuid"])
  }

  @Test("Bad input: every invalid field is reported at once")
  func allViolations() {
    let failure = #expect(throws: ValidationFailure.self) {
      try OrganizationDraft(name: "", uuid: "x", timezone: "Nowhere").validated()
    }
    #expect(failure?.violations.map(\.field) == ["name", "uuid", "timezone"])
  }
}
