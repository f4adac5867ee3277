import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// ``LineProfileSource`` over LINE's Messaging API: `GET {base}/v2/bot/profile/{userId}` with
/// `Authorization: Bearer <channel access token>`. The base URL is configuration
/// (`https://api.line.me` in production, a stand-in server in tests and local runs).
public struct LineMessagingAPIClient: LineProfileSource {
  let baseURL: URL
  let tokens: any LineChannelTokens
  let session: URLSession

  public init(baseURL: URL, tokens: any LineChannelTokens) {
    self.baseURL = baseURL
    self.tokens = tokens
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpShouldSetCookies = false
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    self.session = URLSession(configuration: configuration)
  }

  public func profile(organizationID: Int64, channelID: Int64, userID: String, timeout: Duration)
    async throws(LineProfileError) -> LineProfile
  {
    let token: String?
    do {
      token = try await tokens.accessToken(organizationID: organizationID, channelID: channelID)
    } catch {
      throw .unavailable("the channel access token could not be read")
    }
    guard let token else { throw .noCredential }
    // LINE user ids are [U][0-9a-f]{32}; anything else never reaches the URL path unescaped.
    let path = userID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    var request = URLRequest(url: baseURL.appendingPathComponent("v2/bot/profile/\(path)"))
    request.httpMethod = "GET"
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.timeoutInterval =
      Double(timeout.components.seconds)
      + Double(timeout.components.attoseconds) / 1e18
    let data: Data
    let response: URLResponse
    let prepared = request
    let session = self.session
    do {
      (data, response) = try await Self.race(timeout) { try await session.data(for: prepared) }
    } catch {
      throw .unavailable("LINE did not answer: \(error)")
    }
    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
    switch status {
    case 200:
      guard
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let name = object["displayName"] as? String
      else { throw .unavailable("LINE answered a profile without displayName") }
      return LineProfile(displayName: name, pictureURL: object["pictureUrl"] as? String)
    case 404: throw .userNotFound
    case 401, 403:
      await tokens.forget(organizationID: organizationID, channelID: channelID)
      throw .credentialRejected(status: status)
    default: throw .unavailable("LINE answered HTTP \(status)")
    }
  }

  /// `body`, or a timeout error once `budget` passed — the budget holds even when the
  /// server accepted the connection and then stalls.
  static func race<T: Sendable>(
    _ budget: Duration, _ body: @escaping @Sendable () async throws -> T
  )
    async throws -> T
  {
    try await withThrowingTaskGroup(of: T.self) { group in
      group.addTask { try await body() }
      group.addTask {
        try await Task.sleep(for: budget)
        throw URLError(.timedOut)
      }
      defer { group.cancelAll() }
      return try await group.next()!
    }
  }
}
