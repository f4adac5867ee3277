import AdminService
import ContactsService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
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

  /// Counts the calls that leave through a client: how often contacts asks admin center.
  final class CallCounter: ClientInterceptor, Sendable {
    private let calls = Mutex(0)
    var count: Int { calls.withLock { $0 } }

    func intercept<Input: Sendable, Output: Sendable>(
      request: StreamingClientRequest<Input>, context: ClientContext,
      next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<
        Output
      >
    ) async throws -> StreamingClientResponse<Output> {
      calls.withLock { $0 += 1 }
      return try await next(request, context)
    }
  }

  /// Runs `body` with a client to `admin` whose calls `counter` counts.
  private func withCountedClient(
    _ admin: AdminHarness, _ counter: CallCounter,
    _ body: (GRPCClient<NGHTTP2ClientTransport>) async throws -> Void
  ) async throws {
    let transport = NGHTTP2ClientTransport(
      target: .ipv4(host: admin.address.host, port: admin.address.port))
    try await withGRPCClient(transport: transport, interceptors: [counter]) { try await body($0) }
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
    "issue #5: contacts (system:contacts, on the allow-list) reads the LINE token; within the cache duration admin is not asked again (a rotation is not seen), after it the new token is read; forget reads again; no credentials and another organization's channel are nil"
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
      let counter = CallCounter()
      try await withCountedClient(admin, counter) { client in
        let tokens = AdminLineChannelTokens(
          client: client, cacheDuration: .seconds(60), now: { clock.now })

        #expect(
          try await tokens.accessToken(organizationID: organization, channelID: line)
            == Secrets.lineToken)
        #expect(counter.count == 1)
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
        #expect(counter.count == 1)

        clock.advance(.seconds(2))
        #expect(
          try await tokens.accessToken(organizationID: organization, channelID: line)
            == "line-token-ROTATED-0008")
        #expect(counter.count == 2)

        // forget: the next ask reads admin again (contacts' hook for a token LINE rejected).
        await tokens.forget(organizationID: organization, channelID: line)
        #expect(
          try await tokens.accessToken(organizationID: organization, channelID: line)
            == "line-token-ROTATED-0008")
        #expect(counter.count == 3)

        // FAILED_PRECONDITION CHANNEL_CREDENTIALS_NOT_SET and NOT_FOUND both read as "none",
        // and "none" is kept too.
        let bare = provisioned.channels[1].id
        #expect(try await tokens.accessToken(organizationID: organization, channelID: bare) == nil)
        #expect(try await tokens.accessToken(organizationID: organization, channelID: bare) == nil)
        #expect(counter.count == 4)
        let foreign = other.channels.first { $0.type == .line }!.id
        #expect(
          try await tokens.accessToken(organizationID: organization, channelID: foreign) == nil)
        // The cache is keyed by organization too: the owner still reads its own token.
        #expect(
          try await tokens.accessToken(organizationID: other.organization.id, channelID: foreign)
            == Secrets.lineToken)
        #expect(counter.count == 6)
      }
    }
  }

  @Test(
    "issue #5 figures (printed, not asserted on time): a name sync of 1000 contacts over 4 LINE channels asks admin 4 times with the cache, 1000 without"
  )
  func figures() async throws {
    try await AdminHarness.run { admin in
      let line = """
        {"type": "line", "name": "OA", "credentials": {"channel_secret": "\(Secrets.lineSecret)",
         "channel_access_token": "\(Secrets.lineToken)"}}
        """
      let provisioned = try await admin.provision(
        """
        {"organizations": [{"name": "Acme", "channels": [\(Array(repeating: line, count: 4).joined(separator: ","))]}]}
        """
      ).organizations[0]
      let organization = provisioned.organization.id
      let channels = provisioned.channels.map(\.id)
      let contacts = 1000
      var figures: [(String, Int, Duration)] = []
      for (label, duration) in [("cached 60 s", Duration.seconds(60)), ("uncached", .zero)] {
        let counter = CallCounter()
        try await withCountedClient(admin, counter) { client in
          let tokens = AdminLineChannelTokens(client: client, cacheDuration: duration)
          let elapsed = try await ContinuousClock().measure {
            for contact in 0..<contacts {
              let token = try await tokens.accessToken(
                organizationID: organization, channelID: channels[contact % channels.count])
              #expect(token == Secrets.lineToken)
            }
          }
          figures.append((label, counter.count, elapsed))
        }
      }
      #expect(figures[0].1 == channels.count)
      #expect(figures[1].1 == contacts)
      let load =
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
        .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
      for (label, calls, elapsed) in figures {
        print(
          "[figures] LineChannelTokens \(label): \(contacts) lookups, \(calls) admin calls, \(elapsed)"
        )
      }
      let ratio = figures[1].2 / figures[0].2
      print(
        "[figures] LineChannelTokens uncached/cached time ratio \(String(format: "%.1f", ratio)), load \(load)"
      )
    }
  }
}
