import Foundation
import MAACContracts
import PostgresClient
import TagsDomain

/// The coverage copy of contacts (`contact_channel`, T21): channel, channel type, LINE follow
/// status and deletion of each contact, from contacts' events.
///
/// Besides the current state, every change is appended to `contact_channel_log` with the
/// event's time, so coverage of a past day reads the copy "as of the end of that day" (T21).
struct ContactChannelCopy: Sendable {
  /// Records a contact's state from `contact.created` / `contact.updated` at `changedAt`.
  func record(
    organizationID: Int64, contactID: Int64, version: Int64, state: Maac_Contacts_V1_ContactState,
    at changedAt: Date, on connection: PostgresConnection
  ) async throws {
    let follow: String? =
      switch state.lineFollowStatus {
      case .following: "following"
      case .auth: "auth"
      case .blocked: "blocked"
      case .unknown: "unknown"
      default: nil
      }
    try await connection.execute(
      """
      INSERT INTO contact_channel AS cc (organization_id, contact_id, channel_id, channel_type,
        line_follow_status, source_version)
      VALUES (\(organizationID), \(contactID), \(state.channelID), \(String(describing: state.channelType)),
        \(follow), \(version))
      ON CONFLICT (organization_id, contact_id) DO UPDATE SET channel_id = EXCLUDED.channel_id,
        channel_type = EXCLUDED.channel_type, line_follow_status = EXCLUDED.line_follow_status,
        source_version = EXCLUDED.source_version
        WHERE cc.source_version <= EXCLUDED.source_version AND cc.deleted_at IS NULL
      """)
    try await connection.execute(
      """
      INSERT INTO contact_channel_log (organization_id, contact_id, changed_at, source_version,
        channel_id, channel_type, line_follow_status, deleted)
      VALUES (\(organizationID), \(contactID), \(changedAt), \(version), \(state.channelID),
        \(String(describing: state.channelType)), \(follow), false)
      ON CONFLICT DO NOTHING
      """)
  }

  /// Marks a contact deleted (`contact.deleted`): it leaves every total at once.
  func delete(
    organizationID: Int64, contactID: Int64, at deletedAt: Date, on connection: PostgresConnection
  ) async throws {
    // The log keeps the channel the contact was on, so it leaves that channel's past totals.
    try await connection.execute(
      """
      INSERT INTO contact_channel_log (organization_id, contact_id, changed_at, source_version,
        channel_id, channel_type, line_follow_status, deleted)
      SELECT \(organizationID), \(contactID), \(deletedAt), coalesce(cc.source_version, 0),
        coalesce(cc.channel_id, 0), coalesce(cc.channel_type, 'unknown'), cc.line_follow_status, true
      FROM (SELECT 1) one LEFT JOIN contact_channel cc
        ON cc.organization_id = \(organizationID) AND cc.contact_id = \(contactID)
      ON CONFLICT DO NOTHING
      """)
    try await connection.execute(
      """
      INSERT INTO contact_channel (organization_id, contact_id, channel_id, channel_type, deleted_at)
      VALUES (\(organizationID), \(contactID), 0, 'unknown', \(deletedAt))
      ON CONFLICT (organization_id, contact_id) DO UPDATE SET deleted_at = EXCLUDED.deleted_at
      """)
  }

  /// Throws `NOT_FOUND CHANNEL_NOT_FOUND` unless the copy has seen a contact of `channelID`
  /// (0, all channels, always exists): tag manager knows channels only through their contacts.
  static func requireKnownChannel(
    _ channelID: Int64, organizationID: Int64, on connection: PostgresConnection
  ) async throws {
    guard channelID != 0 else { return }
    let known = try await connection.query(
      """
      SELECT 1 FROM contact_channel_log
      WHERE organization_id = \(organizationID) AND channel_id = \(channelID) LIMIT 1
      """)
    guard known.isEmpty else { return }
    throw TagRuleViolation(
      .notFound, reason: "CHANNEL_NOT_FOUND", field: "channel_id",
      message: "channel \(channelID) not found")
  }
}
