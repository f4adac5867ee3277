import AdminDomain
import Foundation
import PostgresClient

/// Channels in `channels`, their email settings in `email_channel_settings` and their
/// credentials in `channel_credentials`.
///
/// Reads return `ChannelRecord`s without credentials: no query here selects the credentials
/// table (`ChannelCredentialStore` owns it), so nothing built from a read can carry a
/// secret (A22).
public struct ChannelStore: Sendable {
  public init() {}

  private static let columns = """
    c.id, c.organization_id, c.uuid::text AS uuid, c.name, c.type, c.stored_status,
    c.external_channel_id, c.legacy_bot_id, c.enabled, c.created_at, c.updated_at,
    e.brand_domain, e.provider, e.health_state
    """

  /// Inserts `channel` for `organizationID` inside the caller's transaction, with its email
  /// settings and credentials. Returns the stored channel (without credentials).
  public func insert(
    _ channel: NewChannel, organizationID: Int64, on connection: PostgresConnection
  ) async throws -> ChannelRecord {
    let rows = try await connection.query(
      """
      INSERT INTO channels
        (organization_id, uuid, name, type, stored_status, external_channel_id, legacy_bot_id,
         enabled)
      VALUES (\(organizationID), COALESCE(\(channel.uuid)::uuid, gen_random_uuid()),
              \(channel.name), \(channel.type.rawValue), \(channel.storedStatus?.rawValue),
              \(channel.externalChannelID), \(channel.legacyBotID), \(channel.enabled))
      RETURNING id
      """)
    let id: Int64 = try rows[0].decode("id")
    if let email = channel.email {
      try await connection.execute(
        """
        INSERT INTO email_channel_settings (channel_id, organization_id, brand_domain, provider)
        VALUES (\(id), \(organizationID), \(email.brandDomain), \(email.provider.rawValue))
        """)
    }
    if let credentials = channel.credentials {
      try await ChannelCredentialStore().store(
        credentials, channelID: id, organizationID: organizationID, on: connection)
    }
    guard let stored = try await find(organizationID: organizationID, id: id, on: connection) else {
      throw ServiceStorageError.vanished("channel \(id)")
    }
    return stored
  }

  /// The channel `id` of `organizationID`, or nil when it is missing or another
  /// organization's (A1: callers cannot tell the two apart).
  public func find(organizationID: Int64, id: Int64, on connection: PostgresConnection)
    async throws -> ChannelRecord?
  {
    let rows = try await connection.query(
      """
      SELECT \(unescaped: Self.columns)
      FROM channels c LEFT JOIN email_channel_settings e ON e.channel_id = c.id
      WHERE c.organization_id = \(organizationID) AND c.id = \(id)
      """)
    return try rows.first.map(Self.record(from:))
  }

  /// The channel `id` of any organization locked for update until the caller's transaction
  /// ends, or nil when missing (Ops calls act across organizations).
  public func lock(id: Int64, on connection: PostgresConnection) async throws -> ChannelRecord? {
    let rows = try await connection.query(
      """
      SELECT \(unescaped: Self.columns)
      FROM channels c LEFT JOIN email_channel_settings e ON e.channel_id = c.id
      WHERE c.id = \(id)
      FOR UPDATE OF c
      """)
    return try rows.first.map(Self.record(from:))
  }

  /// Every channel of `organizationID` (of `type`, when given), ordered by id (A22).
  public func list(
    organizationID: Int64, type: ChannelType?, on connection: PostgresConnection
  ) async throws -> [ChannelRecord] {
    let rows = try await connection.query(
      """
      SELECT \(unescaped: Self.columns)
      FROM channels c LEFT JOIN email_channel_settings e ON e.channel_id = c.id
      WHERE c.organization_id = \(organizationID)
        AND (\(type?.rawValue)::text IS NULL OR c.type = \(type?.rawValue))
      ORDER BY c.id
      """)
    return try rows.map(Self.record(from:))
  }

  /// Which of `uuids` already name a channel.
  public func existingUUIDs(_ uuids: [String], on connection: PostgresConnection) async throws
    -> Set<String>
  {
    guard !uuids.isEmpty else { return [] }
    let rows = try await connection.query(
      "SELECT uuid::text AS uuid FROM channels WHERE uuid::text = ANY(\(uuids)::text[])")
    return Set(try rows.map { try $0.decode("uuid", as: String.self) })
  }

  static func record(from row: PostgresRow) throws -> ChannelRecord {
    let typeName: String = try row.decode("type")
    guard let type = ChannelType(rawValue: typeName) else {
      throw ServiceStorageError.corrupt("channels.type \(typeName)")
    }
    var email: EmailChannelState?
    if let brandDomain = try row.decode("brand_domain", as: String?.self) {
      email = EmailChannelState(
        brandDomain: brandDomain,
        provider: EmailProvider(rawValue: try row.decode("provider")) ?? .sendgrid,
        healthState: HealthState(rawValue: try row.decode("health_state")) ?? .normal)
    }
    return ChannelRecord(
      id: try row.decode("id"),
      organizationID: try row.decode("organization_id"),
      uuid: try row.decode("uuid"),
      name: try row.decode("name"),
      type: type,
      storedStatus: try row.decode("stored_status", as: String?.self)
        .flatMap(ChannelStatus.init(rawValue:)),
      externalChannelID: try row.decode("external_channel_id"),
      enabled: try row.decode("enabled"),
      legacyBotID: try row.decode("legacy_bot_id"),
      createdAt: try row.decode("created_at"),
      updatedAt: try row.decode("updated_at"),
      email: email,
      credentials: nil)
  }
}
