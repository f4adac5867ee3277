import ContactsService
import Foundation
import Testing

/// The real LINE adapter's credential check (C33) against a local server playing LINE's API.
@Suite("C33: LINE credential check over the Messaging API")
struct LineCredentialCheckTests {
  @Test(
    "C33: a valid token is accepted, a rejected or missing one is invalid, LINE down is an error (the import is then not created)"
  )
  func credentialCheck() async throws {
    let line = try await StandInLineAPI.start(token: "good-token")
    let client = LineMessagingAPIClient(
      baseURL: line.baseURL, tokens: StaticLineChannelTokens([11: "good-token", 12: "revoked"]))
    #expect(try await client.credentialIsValid(organizationID: 1, channelID: 11))
    #expect(try await !client.credentialIsValid(organizationID: 1, channelID: 12))
    #expect(try await !client.credentialIsValid(organizationID: 1, channelID: 13))
    #expect(line.requests.map(\.path) == ["/v2/bot/info", "/v2/bot/info"])
    #expect(line.requests.first?.authorization == "Bearer good-token")
    line.trouble(.status(500), count: 1)
    await #expect(throws: LineProfileError.self) {
      _ = try await client.credentialIsValid(organizationID: 1, channelID: 11)
    }
    await line.close()
  }
}
