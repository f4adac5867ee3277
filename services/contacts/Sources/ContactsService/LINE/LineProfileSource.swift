import Foundation

/// A LINE user's profile as the Messaging API returns it (`GET /v2/bot/profile/{userId}`).
public struct LineProfile: Hashable, Sendable {
  public var displayName: String
  public var pictureURL: String?

  public init(displayName: String, pictureURL: String? = nil) {
    self.displayName = displayName
    self.pictureURL = pictureURL
  }
}

/// Why a profile could not be fetched.
public enum LineProfileError: Error, Hashable, Sendable {
  /// LINE does not know the user for this bot (never added it): retrying will not help.
  case userNotFound
  /// LINE refused the channel access token (expired or revoked).
  case credentialRejected(status: Int)
  /// LINE answered an error, did not answer within the budget, or could not be reached.
  case unavailable(String)
  /// No channel access token is known for the channel.
  case noCredential
}

/// The LINE adapter's profile capability (C33, C46, C56; DESIGN.md "External platforms").
public protocol LineProfileSource: Sendable {
  /// The profile of `userID` as seen by LINE channel `channelID`, answered within `timeout`.
  func profile(organizationID: Int64, channelID: Int64, userID: String, timeout: Duration)
    async throws(LineProfileError) -> LineProfile
}

/// No LINE adapter configured: every fetch fails, so new LINE contacts start `syncing`.
public struct UnconfiguredLineProfileSource: LineProfileSource {
  public init() {}

  public func profile(organizationID: Int64, channelID: Int64, userID: String, timeout: Duration)
    async throws(LineProfileError) -> LineProfile
  {
    throw .noCredential
  }
}
