import AdminDomain
import Testing

@Suite("Channels (spec §3.2, §3.3)")
struct ChannelDraftTests {
  @Test(
    "§3.2: a channel of every type of CONVENTIONS.md can be created with its credentials",
    arguments: ChannelType.allCases)
  func everyType(type: ChannelType) throws {
    let channel = try Fixtures.channel(type).validated()
    #expect(channel.type == type)
    #expect(channel.enabled)
    #expect(channel.credentials?.kind == type.credentialKind)
    #expect(channel.credentials?.values == Fixtures.credentials(for: type))
  }

  @Test("CONVENTIONS.md: the six channel types, Facebook and Instagram sharing Meta credentials")
  func types() {
    #expect(
      ChannelType.allCases.map(\.rawValue).sorted()
        == ["email", "facebook", "instagram", "line", "sms", "whatsapp"])
    #expect(ChannelType.facebook.credentialKind == .meta)
    #expect(ChannelType.instagram.credentialKind == .meta)
  }

  @Test("Q13: non-email channels store connected or not_set (default not_set)")
  func storedStatus() throws {
    #expect(try ChannelDraft(type: .line, name: "OA").validated().storedStatus == .notSet)
    #expect(
      try ChannelDraft(type: .sms, name: "S", status: .connected).validated().storedStatus
        == .connected)
    for status in [ChannelStatus.warning, .suspended] {
      let failure = #expect(throws: ValidationFailure.self) {
        try ChannelDraft(type: .line, name: "OA", status: status).validated()
      }
      #expect(failure?.violations.map(\.field) == ["status"])
    }
  }

  @Test("A18: an email channel's status is computed, so Ops cannot store one")
  func emailStatus() {
    let failure = #expect(throws: ValidationFailure.self) {
      try ChannelDraft(
        type: .email, name: "EDM", status: .connected,
        email: EmailSettingsDraft(brandDomain: "example.com")
      ).validated()
    }
    #expect(failure?.violations.map(\.field) == ["status"])
  }

  @Test("§3.3: an email channel needs a lower-case FQDN brand domain; defaults SendGrid")
  func emailSettings() throws {
    let channel = try ChannelDraft(
      type: .email, name: "EDM", email: EmailSettingsDraft(brandDomain: "brand.example.com")
    ).validated()
    #expect(channel.email == EmailSettings(brandDomain: "brand.example.com", provider: .sendgrid))
    #expect(channel.externalChannelID == "brand.example.com")
    #expect(channel.storedStatus == nil)

    let missing = #expect(throws: ValidationFailure.self) {
      try ChannelDraft(type: .email, name: "EDM").validated()
    }
    #expect(missing?.violations.map(\.field) == ["email.brand_domain"])
    for bad in ["Example.com", "localhost", "exa mple.com", "-a.com", "a..com", "a.123", "a.com."] {
      let failure = #expect(throws: ValidationFailure.self) {
        try ChannelDraft(type: .email, name: "EDM", email: EmailSettingsDraft(brandDomain: bad))
          .validated()
      }
      #expect(failure?.violations.map(\.field) == ["email.brand_domain"], "\(bad)")
    }
  }

  @Test("§3.2: email settings only on email channels, legacy bot id only on LINE")
  func typeSpecificFields() {
    let failure = #expect(throws: ValidationFailure.self) {
      try ChannelDraft(
        type: .sms, name: "S", legacyBotID: 7, email: EmailSettingsDraft(brandDomain: "a.com")
      ).validated()
    }
    #expect(failure?.violations.map(\.field) == ["legacy_bot_id", "email"])
  }

  @Test("§3.2: a LINE channel keeps its legacy bot id; 0 means none")
  func legacyBot() throws {
    #expect(
      try ChannelDraft(type: .line, name: "OA", legacyBotID: 42).validated().legacyBotID == 42)
    #expect(
      try ChannelDraft(type: .line, name: "OA", legacyBotID: 0).validated().legacyBotID == nil)
  }

  @Test("Bad input: a channel without type or name names both fields")
  func required() {
    let failure = #expect(throws: ValidationFailure.self) { try ChannelDraft().validated() }
    #expect(failure?.violations.map(\.field) == ["type", "name"])
  }
}

@Suite("Channel credentials (A22, issue #9)")
struct CredentialsDraftTests {
  @Test(
    "A22: every required credential field of each type is named when missing",
    arguments: ChannelType.allCases)
  func requiredFields(type: ChannelType) {
    var violations = ViolationCollector()
    let result = CredentialsDraft(values: [:]).validated(
      for: type, at: FieldPath.root.member("credentials"), into: &violations)
    #expect(result == nil)
    let required = type.credentialKind.fields.filter(\.required).map { "credentials.\($0.name)" }
    #expect(violations.violations.map(\.field) == required)
    #expect(violations.violations.allSatisfy { $0.reason == "is required" })
  }

  @Test("A22: malformed credential values are refused without quoting the value")
  func formats() {
    let secret = "0123456789ABCDEF0123456789ABCDEF"  // upper-case: not a LINE secret
    var violations = ViolationCollector()
    _ = CredentialsDraft(values: ["channel_secret": secret, "channel_access_token": "has space"])
      .validated(for: .line, at: .root, into: &violations)
    #expect(violations.violations.map(\.field) == ["channel_secret", "channel_access_token"])
    #expect(!violations.violations.contains { $0.reason.contains(secret) })
  }

  @Test("A22: unknown credential fields and credentials of another type are refused")
  func wrongFields() {
    var violations = ViolationCollector()
    _ = CredentialsDraft(values: Fixtures.credentials(for: .line).merging(["api_key": "x"]) { $1 })
      .validated(for: .line, at: .root, into: &violations)
    #expect(violations.violations.map(\.field) == ["api_key"])

    var mismatch = ViolationCollector()
    _ = CredentialsDraft(kind: .sms, values: Fixtures.credentials(for: .sms))
      .validated(for: .whatsapp, at: FieldPath.root.member("credentials"), into: &mismatch)
    #expect(mismatch.violations.map(\.field) == ["credentials"])
  }

  @Test("SMS senders: E.164 numbers or alphanumeric ids of up to 11 characters")
  func smsSenders() {
    for good in ["+886912345678", "MAAC", "Shop 24"] {
      #expect(CredentialFormat.smsSender.problem(with: good) == nil, "\(good)")
    }
    for bad in ["0912345678", "+0912345678", "12345", "TwelveChars1", " MAAC", "+8869123456789012"]
    {
      #expect(CredentialFormat.smsSender.problem(with: bad) != nil, "\(bad)")
    }
  }

  @Test("A22: an email channel's webhook key is optional, its API key required")
  func emailKeys() {
    var violations = ViolationCollector()
    let keys = CredentialsDraft(values: ["api_key": "SG.x"]).validated(
      for: .email, at: .root, into: &violations)
    #expect(keys?.values == ["api_key": "SG.x"])
    #expect(violations.isEmpty)
  }

  @Test("A22: a credential's text and reflection never show the secret values")
  func redacted() throws {
    let channel = try Fixtures.channel(.line).validated()
    let credentials = try #require(channel.credentials)
    for rendering in [
      String(describing: credentials), String(reflecting: credentials),
      String(describing: channel), String(reflecting: channel),
    ] {
      #expect(!rendering.contains(Fixtures.lineSecret))
      #expect(!rendering.contains(Fixtures.lineToken))
    }
  }
}
