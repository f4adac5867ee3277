import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// C33's credential check over LINE's Messaging API: `GET {base}/v2/bot/info` with the
/// channel's access token answers 200 exactly when the token is valid.
extension LineMessagingAPIClient: LineCredentialVerifier {
  public func credentialIsValid(organizationID: Int64, channelID: Int64) async throws -> Bool {
    guard
      let token = try await tokens.accessToken(organizationID: organizationID, channelID: channelID)
    else { return false }
    var request = URLRequest(url: baseURL.appendingPathComponent("v2/bot/info"))
    request.httpMethod = "GET"
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.timeoutInterval = 5
    let prepared = request
    let session = self.session
    let (_, response) = try await Self.race(.seconds(5)) { try await session.data(for: prepared) }
    switch (response as? HTTPURLResponse)?.statusCode ?? 0 {
    case 200: return true
    case 401, 403: return false
    case let status:
      throw LineProfileError.unavailable("LINE answered HTTP \(status) to the credential check")
    }
  }
}
