import ContactsService
import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import Synchronization
import Testing

@Suite("LINE profile on creation through the LINE adapter (C56)")
struct LineProfileTests {
  static let token = "line-channel-token-11"

  /// Contacts whose LINE adapter calls a stand-in of LINE's Messaging API on a real socket.
  /// `creationFetchTimeout` is the creating event's wait for LINE: the product's 1 s unless a
  /// test needs the answer to arrive inline however loaded the machine is.
  static func run(
    creationFetchTimeout: Duration = .seconds(1),
    _ body: (StandInLineAPI, Clients) async throws -> Void
  ) async throws {
    let line = try await StandInLineAPI.start(token: token)
    let peers = ContactsPeers(
      lineProfiles: LineMessagingAPIClient(
        baseURL: line.baseURL, tokens: StaticLineChannelTokens([ContactsHarness.line: token])),
      lineNameSync: .init(
        pollInterval: .milliseconds(50), baseBackoff: .milliseconds(100),
        maxBackoff: .milliseconds(400), fetchTimeout: .seconds(5),
        creationFetchTimeout: creationFetchTimeout))
    do {
      try await PeerHarness.run(peers: peers) { _, client in try await body(line, Clients(client)) }
    } catch {
      await line.close()
      throw error
    }
    await line.close()
  }

  static func follow(_ api: Clients, _ n: Int, event: String) async throws
    -> Maac_Contacts_V1_ApplyChannelEventResponse
  {
    var request = Maac_Contacts_V1_ApplyChannelEventRequest()
    request.channelType = .line
    request.channelID = ContactsHarness.line
    request.externalUserID = uid(n)
    request.destination = "Ubot"
    request.kind = .lineFollow
    request.providerEventID = event
    return try await api.ingest.applyChannelEvent(
      request, metadata: As.service(ContactsHarness.orgA))
  }

  static func created(_ api: Clients, _ id: Int64) async throws -> Maac_Contacts_V1_ContactCreated {
    let envelope = try await api.firstEvent { envelope in
      envelope.eventType == "contact.created"
        && (try? Maac_Contacts_V1_ContactCreated(unpackingAny: envelope.payload))?.contactID == id
    }
    return try Maac_Contacts_V1_ContactCreated(unpackingAny: envelope.payload)
  }

  @Test(
    "C56: a LINE event that creates a contact fetches the profile first, so contact.created already carries the name; a known contact is not fetched again"
  )
  func nameOnCreation() async throws {
    // A stand-in that answers at once can still miss 1 s on a loaded CI machine (seen: the
    // contact was created syncing and the worker fetched the name a second time).
    try await Self.run(creationFetchTimeout: .seconds(30)) { line, api in
      line.setProfile(uid(1), name: "Amy")
      let response = try await Self.follow(api, 1, event: "ev-1")
      #expect(response.created)
      #expect(response.contact.originalName == "Amy")
      #expect(response.contact.resolvedName == "Amy")
      #expect(response.contact.nameSyncState == .synced)
      #expect(response.contact.avatarURL == "https://profile.line-scdn.net/\(uid(1))")
      let created = try await Self.created(api, response.contact.id)
      #expect(created.changes.contains { $0.attribute == "original_name" && $0.newValue == "Amy" })
      // The adapter spoke LINE's API: the profile path and the channel's bearer token.
      #expect(line.requests.map(\.path) == ["/v2/bot/profile/\(uid(1))"])
      #expect(line.requests.first?.authorization == "Bearer \(Self.token)")
      // An event for a contact that exists never waits for LINE.
      var message = Maac_Contacts_V1_ApplyChannelEventRequest()
      message.channelType = .line
      message.channelID = ContactsHarness.line
      message.externalUserID = uid(1)
      message.destination = "Ubot"
      message.kind = .lineMessage
      message.providerEventID = "ev-2"
      _ = try await api.ingest.applyChannelEvent(
        message, metadata: As.service(ContactsHarness.orgA))
      #expect(line.requestCount == 1)
    }
  }

  /// Hands out one token and records which channels were told to drop it.
  final class RecordingTokens: LineChannelTokens, Sendable {
    let token: String
    private let forgotten = Mutex<[Int64]>([])
    init(token: String) { self.token = token }
    func accessToken(organizationID: Int64, channelID: Int64) async throws -> String? { token }
    func forget(organizationID: Int64, channelID: Int64) async {
      forgotten.withLock { $0.append(channelID) }
    }
    var forgottenChannels: [Int64] { forgotten.withLock { $0 } }
  }

  @Test(
    "C56: a token LINE rejects (401) is dropped from the token source, so a rotated token is read at the next ask; a good token is kept"
  )
  func rejectedTokenIsForgotten() async throws {
    let line = try await StandInLineAPI.start(token: Self.token)
    line.setProfile(uid(7), name: "Gina")
    let stale = RecordingTokens(token: "rotated-away")
    let current = RecordingTokens(token: Self.token)
    do {
      let client = LineMessagingAPIClient(baseURL: line.baseURL, tokens: stale)
      await #expect(throws: LineProfileError.credentialRejected(status: 401)) {
        try await client.profile(
          organizationID: ContactsHarness.orgA, channelID: ContactsHarness.line, userID: uid(7),
          timeout: .seconds(5))
      }
      #expect(stale.forgottenChannels == [ContactsHarness.line])
      let profile = try await LineMessagingAPIClient(baseURL: line.baseURL, tokens: current)
        .profile(
          organizationID: ContactsHarness.orgA, channelID: ContactsHarness.line, userID: uid(7),
          timeout: .seconds(5))
      #expect(profile.displayName == "Gina")
      #expect(current.forgottenChannels.isEmpty)
    } catch {
      await line.close()
      throw error
    }
    await line.close()
  }

  @Test(
    "C56: with LINE down or slower than the 1 s budget the contact is still created (syncing, placeholder name) and contact.updated brings the name when a background retry gets it"
  )
  func lineDownOrSlow() async throws {
    try await Self.run { line, api in
      for (n, trouble) in [(2, StandInLineAPI.Trouble.status(500)), (3, .delay(.seconds(3)))] {
        line.setProfile(uid(n), name: "Name \(n)")
        line.trouble(trouble, count: 1)
        let response = try await Self.follow(api, n, event: "ev-\(n)")
        #expect(response.created, "\(trouble)")
        #expect(response.contact.nameSyncState == .syncing, "\(trouble)")
        #expect(response.contact.nameSource == .placeholderSyncing, "\(trouble)")
        #expect(response.contact.resolvedName == "Synchronizing", "\(trouble)")
        let id = response.contact.id
        try await eventually("the name of contact \(n) arrived") {
          try await api.get(id).nameSyncState == .synced
        }
        let synced = try await api.get(id)
        #expect(synced.originalName == "Name \(n)")
        #expect(synced.resolvedName == "Name \(n)")
        let created = try await Self.created(api, id)
        #expect(!created.changes.contains { $0.attribute == "original_name" })
        let updated = try await api.firstEvent { envelope in
          guard envelope.eventType == "contact.updated",
            let update = try? Maac_Contacts_V1_ContactUpdated(unpackingAny: envelope.payload)
          else { return false }
          return update.contactID == id
        }
        let changes = try Maac_Contacts_V1_ContactUpdated(unpackingAny: updated.payload).changes
        #expect(changes.contains { $0.attribute == "original_name" && $0.newValue == "Name \(n)" })
        #expect(changes.contains { $0.attribute == "name_sync_state" && $0.newValue == "synced" })
      }
      // A user LINE does not know: no name ever, so the placeholder says so.
      let unknown = try await Self.follow(api, 4, event: "ev-4")
      #expect(unknown.contact.nameSyncState == .syncing)
      let id = unknown.contact.id
      try await eventually("the unknown user's name sync gave up") {
        try await api.get(id).nameSyncState == .unavailable
      }
      #expect(try await api.get(id).resolvedName == "Unnamed Contact")
    }
  }
}
