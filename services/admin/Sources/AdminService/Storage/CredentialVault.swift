import AdminDomain
import PostgresClient

/// The read side of channel secrets, for `AdminInternal.GetChannelCredentials` only.
/// `AdminDirectory` never reads them (A22); the caller check happens before this is asked.
public struct CredentialVault: Sendable {
  private let pool: PostgresPool
  private let organizations = OrganizationStore()
  private let channels = ChannelStore()
  private let credentials = ChannelCredentialStore()

  public init(pool: PostgresPool) {
    self.pool = pool
  }

  /// The credentials of channel `channelID` of `organizationID`.
  ///
  /// Throws NOT_FOUND `ORGANIZATION_NOT_FOUND` for an unknown organization, NOT_FOUND
  /// `CHANNEL_NOT_FOUND` when the channel is missing or another organization's (A1),
  /// FAILED_PRECONDITION for an email channel (GetEmailProviderCredentials serves it, R7),
  /// PERMISSION_DENIED when `mayRead` refuses the channel type's credential kind (before the
  /// secret is read) and FAILED_PRECONDITION `CHANNEL_CREDENTIALS_NOT_SET` when none are
  /// stored.
  public func credentials(
    organizationID: Int64, channelID: Int64, mayRead: (CredentialKind) -> Bool
  ) async throws -> ChannelCredentials {
    try await pool.withConnection { connection in
      guard try await organizations.find(id: organizationID, on: connection) != nil else {
        throw AdminError.organizationNotFound(organizationID)
      }
      guard
        let channel = try await channels.find(
          organizationID: organizationID, id: channelID, on: connection)
      else { throw AdminError.channelNotFound() }
      guard channel.type != .email else { throw AdminError.emailCredentialsElsewhere() }
      guard mayRead(channel.type.credentialKind) else {
        throw AdminError.forbidden(
          "the caller may not read \(channel.type.credentialKind.rawValue) channel credentials")
      }
      guard
        let stored = try await credentials.find(
          channelID: channelID, organizationID: organizationID, on: connection)
      else { throw AdminError.credentialsNotSet() }
      return stored
    }
  }
}
