import AdminDomain
import Foundation
import PostgresClient

/// Channel secrets in `channel_credentials`, one set per channel (A22).
///
/// Kept apart from `ChannelStore`, whose reads feed public answers: only the credential RPCs
/// for allowed service callers (`CredentialVault`) read this table. Values are never logged;
/// `ChannelCredentials` renders redacted.
public struct ChannelCredentialStore: Sendable {
  public init() {}

  /// Stores (replaces) the credentials of channel `channelID` of `organizationID` inside the
  /// caller's transaction. Used by channel creation, provisioning and SetChannelCredentials.
  public func store(
    _ credentials: ChannelCredentials, channelID: Int64, organizationID: Int64,
    on connection: PostgresConnection
  ) async throws {
    try await connection.execute(
      """
      INSERT INTO channel_credentials (channel_id, organization_id, kind, secret)
      VALUES (\(channelID), \(organizationID), \(credentials.kind.rawValue),
              \(PostgresJSON(encoding: credentials.values)))
      ON CONFLICT (channel_id) DO UPDATE
        SET kind = EXCLUDED.kind, secret = EXCLUDED.secret, updated_at = now()
      """)
  }

  /// The credentials of channel `channelID` of `organizationID`, or nil when none are stored
  /// (or the channel is another organization's).
  public func find(channelID: Int64, organizationID: Int64, on connection: PostgresConnection)
    async throws -> ChannelCredentials?
  {
    let rows = try await connection.query(
      """
      SELECT kind, secret FROM channel_credentials
      WHERE channel_id = \(channelID) AND organization_id = \(organizationID)
      """)
    guard let row = rows.first else { return nil }
    let kindName: String = try row.decode("kind")
    guard let kind = CredentialKind(rawValue: kindName) else {
      throw ServiceStorageError.corrupt("channel_credentials.kind \(kindName)")
    }
    let secret: PostgresJSON = try row.decode("secret")
    guard let values = try? secret.decode([String: String].self) else {
      // Never describe the document: it holds the secrets.
      throw ServiceStorageError.corrupt("channel_credentials.secret of channel \(channelID)")
    }
    return ChannelCredentials(kind: kind, values: values)
  }
}
