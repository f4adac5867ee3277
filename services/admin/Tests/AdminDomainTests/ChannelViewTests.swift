import AdminDomain
import Foundation
import Testing

@Suite("Public channel view (A22, A24, A18)")
struct ChannelViewTests {
  private func record(_ type: ChannelType, millis: Double = 0) throws -> ChannelRecord {
    let channel = try Fixtures.channel(type).validated()
    return ChannelRecord(
      id: 11, organizationID: 3, uuid: "431c1b10-af57-4402-ad3e-df7da3cb0e2a", name: channel.name,
      type: type, storedStatus: channel.storedStatus, externalChannelID: channel.externalChannelID,
      enabled: true, legacyBotID: nil,
      createdAt: Date(timeIntervalSince1970: 1_736_937_000 + millis / 1000),
      updatedAt: Date(timeIntervalSince1970: 1_736_937_000),
      email: channel.email.map {
        EmailChannelState(brandDomain: $0.brandDomain, provider: $0.provider)
      },
      credentials: channel.credentials)
  }

  private func json(_ view: ChannelView) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(view), as: UTF8.self)
  }

  @Test(
    "A22: no credential value appears in the public view of any channel type",
    arguments: ChannelType.allCases)
  func noCredentials(type: ChannelType) throws {
    let record = try record(type)
    #expect(record.credentials != nil)
    let view = ChannelView(record)
    let rendered = [try json(view), String(reflecting: view)]
    for secret in Fixtures.credentials(for: type).values {
      for text in rendered { #expect(!text.contains(secret), "\(type): leaked a credential") }
    }
    let mirrorLabels = Mirror(reflecting: view).children.compactMap(\.label)
    #expect(!mirrorLabels.contains { $0.lowercased().contains("credential") })
  }

  @Test("A22: email channels carry channel_information with brand_domain; others {}")
  func channelInformation() throws {
    let email = try json(ChannelView(record(.email)))
    #expect(email.contains(#""channel_information":{"brand_domain":"example.com","#))
    #expect(email.contains(#""sender_domains":[]"#))
    let line = try json(ChannelView(record(.line)))
    #expect(line.contains(#""channel_information":{}"#))
    #expect(!line.contains("brand_domain"))
  }

  @Test("A24: timestamps are RFC 3339 UTC with Z, milliseconds only when non-zero")
  func timestamps() throws {
    let text = try json(ChannelView(record(.sms, millis: 250)))
    #expect(text.contains(#""created_at":"2025-01-15T10:30:00.250Z""#))
    #expect(text.contains(#""updated_at":"2025-01-15T10:30:00Z""#))
    #expect(
      RFC3339Timestamp.string(from: Date(timeIntervalSince1970: 0.9999))
        == "1970-01-01T00:00:00.999Z")
  }

  @Test("A18: a new email channel (no verified sender profile) is not_set; suspension wins")
  func emailStatus() throws {
    #expect(ChannelView(try record(.email)).status == .notSet)
    #expect(
      EmailChannelStatus.displayed(
        healthState: .suspended, hasVerifiedSenderProfile: true, allSenderDomainsVerified: true)
        == .suspended)
    #expect(
      EmailChannelStatus.displayed(
        healthState: .normal, hasVerifiedSenderProfile: true, allSenderDomainsVerified: false)
        == .warning)
    #expect(
      EmailChannelStatus.displayed(
        healthState: .normal, hasVerifiedSenderProfile: true, allSenderDomainsVerified: true)
        == .connected)
  }

  @Test("Q13: a non-email channel shows the status Ops stored")
  func storedStatus() throws {
    var line = try record(.line)
    line.storedStatus = .connected
    #expect(ChannelView(line).status == .connected)
  }
}
