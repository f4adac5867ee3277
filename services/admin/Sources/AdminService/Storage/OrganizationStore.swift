import AdminDomain
import Foundation
import PostgresClient

/// Organizations in the `organizations` table.
public struct OrganizationStore: Sendable {
  public init() {}

  private static let columns = """
    id, uuid::text AS uuid, name, region, timezone, active, created_at, updated_at
    """

  /// Inserts `organization` inside the caller's transaction; generates the uuid when absent.
  public func insert(_ organization: NewOrganization, on connection: PostgresConnection)
    async throws -> Organization
  {
    let rows = try await connection.query(
      """
      INSERT INTO organizations (uuid, name, region, timezone, active)
      VALUES (COALESCE(\(organization.uuid)::uuid, gen_random_uuid()), \(organization.name),
              \(organization.region?.rawValue), \(organization.timezone), \(organization.active))
      RETURNING \(unescaped: Self.columns)
      """)
    return try Self.organization(from: rows[0])
  }

  /// The organization `id`, or nil when admin center does not know it.
  public func find(id: Int64, on connection: PostgresConnection) async throws -> Organization? {
    let rows = try await connection.query(
      "SELECT \(unescaped: Self.columns) FROM organizations WHERE id = \(id)")
    return try rows.first.map(Self.organization(from:))
  }

  /// The organization `id` locked for update until the caller's transaction ends, or nil.
  public func lock(id: Int64, on connection: PostgresConnection) async throws -> Organization? {
    let rows = try await connection.query(
      "SELECT \(unescaped: Self.columns) FROM organizations WHERE id = \(id) FOR UPDATE")
    return try rows.first.map(Self.organization(from:))
  }

  /// Stores the name, region, time zone and active flag of `organization` (found by id)
  /// inside the caller's transaction and returns the stored row with its new `updated_at`.
  public func update(_ organization: Organization, on connection: PostgresConnection)
    async throws -> Organization
  {
    let rows = try await connection.query(
      """
      UPDATE organizations
      SET name = \(organization.name), region = \(organization.region?.rawValue),
          timezone = \(organization.timezone), active = \(organization.active), updated_at = now()
      WHERE id = \(organization.id)
      RETURNING \(unescaped: Self.columns)
      """)
    guard let row = rows.first else {
      throw ServiceStorageError.vanished("organization \(organization.id)")
    }
    return try Self.organization(from: row)
  }

  /// Which of `uuids` already name an organization.
  public func existingUUIDs(_ uuids: [String], on connection: PostgresConnection) async throws
    -> Set<String>
  {
    guard !uuids.isEmpty else { return [] }
    let rows = try await connection.query(
      "SELECT uuid::text AS uuid FROM organizations WHERE uuid::text = ANY(\(uuids)::text[])")
    return Set(try rows.map { try $0.decode("uuid", as: String.self) })
  }

  static func organization(from row: PostgresRow) throws -> Organization {
    Organization(
      id: try row.decode("id"),
      uuid: try row.decode("uuid"),
      name: try row.decode("name"),
      region: try row.decode("region", as: String?.self).flatMap(Region.init(rawValue:)),
      timezone: try row.decode("timezone"),
      active: try row.decode("active"),
      createdAt: try row.decode("created_at"),
      updatedAt: try row.decode("updated_at"))
  }
}
