import AdminDomain
import Foundation
import PostgresClient

/// Custom-field definitions in `custom_field_definitions`, one row per (organization, slot).
public struct CustomFieldStore: Sendable {
  public init() {}

  /// Creates or replaces the label of one slot inside the caller's transaction.
  public func upsert(
    _ label: CustomFieldLabel, organizationID: Int64, on connection: PostgresConnection
  ) async throws -> CustomFieldDefinition {
    let rows = try await connection.query(
      """
      INSERT INTO custom_field_definitions (organization_id, slot, label)
      VALUES (\(organizationID), \(Int16(label.slot.number)), \(label.label))
      ON CONFLICT (organization_id, slot)
        DO UPDATE SET label = EXCLUDED.label, updated_at = now()
      RETURNING organization_id, slot, label, created_at, updated_at
      """)
    return try Self.definition(from: rows[0])
  }

  /// The organization's definitions ordered by slot (at most 200).
  public func list(organizationID: Int64, on connection: PostgresConnection) async throws
    -> [CustomFieldDefinition]
  {
    let rows = try await connection.query(
      """
      SELECT organization_id, slot, label, created_at, updated_at
      FROM custom_field_definitions WHERE organization_id = \(organizationID) ORDER BY slot
      """)
    return try rows.map(Self.definition(from:))
  }

  static func definition(from row: PostgresRow) throws -> CustomFieldDefinition {
    let number = Int(try row.decode("slot", as: Int16.self))
    guard let slot = CustomFieldSlot(number) else {
      throw ServiceStorageError.corrupt("custom_field_definitions.slot \(number)")
    }
    return CustomFieldDefinition(
      organizationID: try row.decode("organization_id"), slot: slot,
      label: try row.decode("label"), createdAt: try row.decode("created_at"),
      updatedAt: try row.decode("updated_at"))
  }
}
