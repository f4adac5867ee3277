import AdminDomain
import PostgresClient

/// The read side other services and the gateway ask: who an organization is, which channels
/// it has, its custom fields. Every read first proves the organization is one admin center
/// knows, so an unknown organization is refused rather than answered with an empty tenant.
/// Channels come back as `ChannelView`s: never with credentials (A22).
public struct AdminDirectory: Sendable {
  private let pool: PostgresPool
  private let organizations = OrganizationStore()
  private let channels = ChannelStore()
  private let customFields = CustomFieldStore()

  public init(pool: PostgresPool) {
    self.pool = pool
  }

  /// The organization, or NOT_FOUND `ORGANIZATION_NOT_FOUND`.
  public func organization(_ id: Int64) async throws -> Organization {
    try await pool.withConnection { try await known(id, on: $0) }
  }

  /// The channel `id` of `organizationID`; NOT_FOUND `CHANNEL_NOT_FOUND` when missing or
  /// another organization's, with the same message in both cases (A1).
  public func channel(organizationID: Int64, id: Int64) async throws -> ChannelView {
    try await pool.withConnection { connection in
      _ = try await known(organizationID, on: connection)
      guard
        let record = try await channels.find(organizationID: organizationID, id: id, on: connection)
      else { throw AdminError.channelNotFound() }
      return ChannelView(record)
    }
  }

  /// The organization's channels (of `type`, when given), ordered by id (A22).
  public func channels(organizationID: Int64, type: ChannelType?) async throws -> [ChannelView] {
    try await pool.withConnection { connection in
      _ = try await known(organizationID, on: connection)
      return try await channels.list(organizationID: organizationID, type: type, on: connection)
        .map(ChannelView.init)
    }
  }

  /// The organization's custom-field definitions by slot (R8: empty when none).
  public func customFields(organizationID: Int64) async throws -> [CustomFieldDefinition] {
    try await pool.withConnection { connection in
      _ = try await known(organizationID, on: connection)
      return try await customFields.list(organizationID: organizationID, on: connection)
    }
  }

  private func known(_ id: Int64, on connection: PostgresConnection) async throws -> Organization {
    guard let organization = try await organizations.find(id: id, on: connection) else {
      throw AdminError.organizationNotFound(id)
    }
    return organization
  }
}
