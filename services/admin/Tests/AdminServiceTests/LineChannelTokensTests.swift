import AdminService
import ContactsService
import MAACContracts
import Synchronization
import Testing

/// Contacts' client of GetChannelCredentials (issue #5), against the real admin center.
@Suite("Contacts' AdminLineChannelTokens against admin center (issue #5 cache)")
struct LineChannelTokensTests {
  /// A clock the test moves by hand.
  final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex(Duration.zero)
    func advance(_ by: Duration) { offset.withLock { $0 += by } }
    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
  }

  private func rotate(_ admin: AdminHarness, channel: Int64, token: String) async throws {
    var request = Maac_Admin_V1_SetChannelCredentialsRequest()
    request.channelID = channel
    request.credentials.line = .with {
      $0.channelSecret = Secrets.lineSecret
      $0.channelAccessToken = token
    }
    _ = try await admin.ops.setChannelCredentials(request, metadata: AdminHarness.operatorCaller)
  }

  @Test(
    "issue #5: contacts (system:contacts, on the allow-list) reads the LINE token; within the cache duration admin is not asked again (a rotation is not seen), after it the new token is read; no credentials and another organization's channel are nil"
  )
  func cachesForItsDuration() async throws {
    try await AdminHarness.run { admin in
      let other = try await admin.provision(Secrets.document(name: "Other")).organizations[0]
      let provisioned = try await admin.provision(
        """
        {"organizations": [{"name": "Acme", "channels": [
          {"type": "line", "name": "OA",
           "credentials": {"channel_secret": "\(Secrets.lineSecret)",
                           "channel_access_token": "\(Secrets.lineToken)"}},
          {"type": "line", "name": "Bare OA"}
        ]}]}
        """
      ).organizations[0]
      let organization = provisioned.organization.id
      let line = provisioned.channels[0].id
      let clock = ManualClock()
      let tokens = AdminLineChannelTokens(
        client: admin.client, cacheDuration: .seconds(60), now: { clock.now })

      #expect(
        try await tokens.accessToken(organizationID: organization, channelID: line)
          == Secrets.lineToken)
      try await rotate(admin, channel: line, token: "line-token-ROTATED-0008")

      // Many contacts of one channel, concurrently and in sequence: all from the cache.
      let answers = try await withThrowingTaskGroup(of: String?.self) { group in
        for _ in 0..<50 {
          group.addTask {
            try await tokens.accessToken(organizationID: organization, channelID: line)
          }
        }
        return try await group.reduce(into: [String?]()) { $0.append($1) }
      }
      #expect(answers.count == 50 && answers.allSatisfy { $0 == Secrets.lineToken })
      clock.advance(.seconds(59))
      #expect(
        try await tokens.accessToken(organizationID: organization, channelID: line)
          == Secrets.lineToken)

      clock.advance(.seconds(2))
      #expect(
        try await tokens.accessToken(organizationID: organization, channelID: line)
          == "line-token-ROTATED-0008")

      // FAILED_PRECONDITION CHANNEL_CREDENTIALS_NOT_SET and NOT_FOUND both read as "none".
      #expect(
        try await tokens.accessToken(
          organizationID: organization, channelID: provisioned.channels[1].id)
          == nil)
      let foreign = other.channels.first { $0.type == .line }!.id
      #expect(try await tokens.accessToken(organizationID: organization, channelID: foreign) == nil)
      // The cache is keyed by organization too: the owner still reads its own token.
      #expect(
        try await tokens.accessToken(organizationID: other.organization.id, channelID: foreign)
          == Secrets.lineToken)
    }
  }
}
