import AdminDomain
import Foundation
import Testing

@Suite("Provisioning document (issue #9, docs/admin.md)")
struct ProvisioningDocumentTests {
  private func plan(_ text: String) throws(ValidationFailure) -> ProvisioningPlan {
    try ProvisioningDocument.plan(from: Array(text.utf8))
  }

  private func violations(_ text: String) -> [FieldViolation] {
    do {
      _ = try plan(text)
      Issue.record("document was accepted")
      return []
    } catch {
      return error.violations
    }
  }

  @Test("Issue #9: a complete document becomes a plan, in document order, with defaults")
  func complete() throws {
    let plan = try plan(
      """
      {"organizations": [
        {"name": "Acme", "region": "tw", "uuid": "431c1b10-af57-4402-ad3e-df7da3cb0e2a",
         "channels": [
           {"type": "line", "name": "Acme OA", "external_channel_id": "1650000000",
            "legacy_bot_id": 12, "status": "connected",
            "credentials": {"channel_secret": "\(Fixtures.lineSecret)",
                            "channel_access_token": "\(Fixtures.lineToken)"}},
           {"type": "email", "name": "EDM", "email": {"brand_domain": "acme.com", "provider": "stub"},
            "credentials": {"api_key": "\(Fixtures.emailKey)"}}
         ],
         "custom_fields": [{"slot": 2, "label": "Tier"}, {"slot": 1, "label": "會員等級"}]},
        {"name": "Beta", "timezone": "Asia/Tokyo", "active": false}
      ]}
      """)
    #expect(plan.organizations.count == 2)
    let acme = plan.organizations[0]
    #expect(acme.organization.timezone == "Asia/Taipei")
    #expect(acme.organization.region == .tw)
    #expect(acme.channels.map(\.type) == [.line, .email])
    #expect(acme.channels[0].legacyBotID == 12)
    #expect(acme.channels[0].storedStatus == .connected)
    #expect(acme.channels[0].credentials?["channel_secret"] == Fixtures.lineSecret)
    #expect(acme.channels[1].email == EmailSettings(brandDomain: "acme.com", provider: .stub))
    #expect(acme.customFields.map(\.slot.number) == [1, 2])
    #expect(plan.organizations[1].organization.timezone == "Asia/Tokyo")
    #expect(plan.organizations[1].organization.active == false)
  }

  @Test("Issue #9: every invalid entry is reported with its JSON path, not just the first")
  func everyViolation() {
    let found = violations(
      """
      {"organizations": [
        {"name": "", "timezone": "PST",
         "channels": [
           {"type": "line", "name": "ok", "credentials": {"channel_secret": "short"}},
           {"type": "email", "name": "EDM", "email": {"brand_domain": "Acme.COM"}},
           {"type": "telegram", "name": "T"}
         ],
         "custom_fields": [{"slot": 201, "label": "x"}, {"slot": 3, "label": ""}]},
        {"name": "Fine"},
        {"name": "Also bad", "region": "us"}
      ]}
      """)
    #expect(
      found.map(\.field) == [
        // Structure first (document order), then the rules (document order).
        "organizations[0].channels[2].type",
        "organizations[2].region",
        "organizations[0].name",
        "organizations[0].timezone",
        "organizations[0].channels[0].credentials.channel_secret",
        "organizations[0].channels[0].credentials.channel_access_token",
        "organizations[0].channels[1].email.brand_domain",
        "organizations[0].custom_fields[0].slot",
        "organizations[0].custom_fields[1].label",
      ])
    #expect(
      found.first { $0.field == "organizations[2].region" }?.reason
        == #"must be one of tw, th, jp (got "us")"#)
  }

  @Test("Issue #9: wrong member types, unknown and repeated members are refused")
  func structure() {
    let found = violations(
      """
      {"organizations": [
        {"name": 5, "timzone": "Asia/Taipei", "active": "yes",
         "channels": [{"type": "sms", "name": "S", "name": "again", "legacy_bot_id": 1.5}, 7]}
      ], "extra": true}
      """)
    #expect(
      found.map(\.field) == [
        "organizations[0].name",
        "organizations[0].active",
        "organizations[0].channels[0].name",
        "organizations[0].channels[0].legacy_bot_id",
        "organizations[0].channels[1]",
        "organizations[0].timzone",
        "extra",
      ])
    #expect(found.first?.reason == "must be a string (got a number)")
    #expect(found.contains { $0.reason == "appears more than once" })
  }

  @Test("Issue #9: duplicate slots and uuids inside the document are refused")
  func duplicates() {
    let uuid = "431c1b10-af57-4402-ad3e-df7da3cb0e2a"
    let found = violations(
      """
      {"organizations": [
        {"name": "A", "uuid": "\(uuid)",
         "channels": [{"type": "sms", "name": "S", "uuid": "\(uuid)"},
                      {"type": "sms", "name": "T", "uuid": "\(uuid.uppercased())"}],
         "custom_fields": [{"slot": 1, "label": "a"}, {"slot": 1, "label": "b"}]},
        {"name": "B", "uuid": "\(uuid)"}
      ]}
      """)
    #expect(
      found.map(\.field) == [
        "organizations[0].channels[1].uuid",
        "organizations[0].custom_fields[1].slot",
        "organizations[1].uuid",
      ])
    #expect(found[0].reason == "uuid \(uuid) is already used by organizations[0].channels[0].uuid")
  }

  @Test("Issue #9: an empty document, a non-object and broken JSON are refused clearly")
  func empty() {
    #expect(violations(#"{"organizations": []}"#).map(\.field) == ["organizations"])
    #expect(violations("{}").map(\.field) == ["organizations"])
    #expect(violations("[]").map(\.reason) == ["must be an object (got an array)"])
    #expect(
      violations("{\"organizations\": [").first?.reason.hasPrefix("invalid JSON at line 1")
        == true)
  }

  @Test("A22: violations about credentials never quote the secret")
  func noSecretsInErrors() {
    let secret = "NOT-HEX-but-secret-value-0000000"
    let found = violations(
      """
      {"organizations": [{"name": "A", "channels": [{"type": "facebook", "name": "Page",
        "credentials": {"access_token": "tok", "app_secret": "\(secret)"}}]}]}
      """)
    #expect(found.map(\.field) == ["organizations[0].channels[0].credentials.app_secret"])
    #expect(!found.contains { $0.description.contains(secret) })
  }

  @Test("Issue #9: the demo document services/admin/demo/provision.json is valid")
  func demoDocument() throws {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("demo/provision.json")
    let bytes = try [UInt8](Data(contentsOf: url))
    let plan = try ProvisioningDocument.plan(from: bytes)
    let types = Set(plan.organizations.flatMap { $0.channels.map(\.type) })
    #expect(types == Set(ChannelType.allCases))
  }
}
