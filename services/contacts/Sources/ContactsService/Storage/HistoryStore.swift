import ContactsDomain
import Foundation
import PostgresClient

/// Change history rows (C74).
enum HistoryStore {
  static let columns = [
    "organization_id", "contact_id", "occurred_at", "field", "previous_value", "new_value",
    "origin", "actor",
    "correlation_id", "via",
  ]

  static func values(_ entry: HistoryEntry, organizationID: Int64) -> [(any PostgresEncodable)?] {
    var list = PostgresValueList()
    encode(entry, organizationID: organizationID, into: &list)
    return list.values
  }

  /// Appends the column values of `entry`, aligned with ``columns`` (bound parameters or a
  /// typed COPY row).
  static func encode(
    _ entry: HistoryEntry, organizationID: Int64, into row: inout some PostgresValueSink
  ) {
    row.append(organizationID)
    row.append(entry.contactID)
    row.append(entry.occurredAt)
    row.append(entry.field)
    row.append(entry.previousValue)
    row.append(entry.newValue)
    row.append(entry.cause.origin.rawValue)
    row.append(entry.cause.actor)
    row.append(entry.cause.correlationID)
    row.append(entry.cause.via)
  }

  static func insert(
    _ entries: [HistoryEntry], organizationID: Int64, on connection: PostgresConnection
  )
    async throws
  {
    guard !entries.isEmpty else { return }
    if entries.count > 8 {
      try await connection.copyIn(into: "contact_history", columns: columns) { copy in
        for entry in entries {
          try await copy.appendRow { encode(entry, organizationID: organizationID, into: &$0) }
        }
      }
      return
    }
    for entry in entries {
      _ = try await connection.execute(
        "INSERT INTO contact_history (\(columns.joined(separator: ", "))) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
        values(entry, organizationID: organizationID))
    }
  }

  /// One page of a contact's history, newest first; `after` is the last id of the previous page.
  static func page(
    organizationID: Int64, contactID: Int64, field: String?, beforeID: Int64?, limit: Int,
    pool: PostgresPool
  ) async throws -> [(id: Int64, entry: HistoryEntry)] {
    let rows = try await pool.query(
      """
      SELECT id, occurred_at, field, previous_value, new_value, origin, actor, correlation_id, via
      FROM contact_history
      WHERE organization_id = \(organizationID) AND contact_id = \(contactID)
        AND (\(field)::text IS NULL OR field = \(field))
        AND (\(beforeID)::bigint IS NULL OR id < \(beforeID))
      ORDER BY id DESC LIMIT \(Int64(limit))
      """)
    return try rows.map { row in
      let cause = ChangeCause(
        origin: Origin(rawValue: try row.decode("origin", as: String.self)) ?? .system,
        actor: try row.decode("actor", as: String.self),
        correlationID: try row.decode("correlation_id", as: String.self),
        via: try row.decode("via", as: String?.self))
      let entry = HistoryEntry(
        contactID: contactID, occurredAt: try row.decode("occurred_at", as: Date.self),
        field: try row.decode("field", as: String.self),
        previousValue: try row.decode("previous_value", as: String?.self),
        newValue: try row.decode("new_value", as: String?.self), cause: cause)
      return (try row.decode("id", as: Int64.self), entry)
    }
  }
}
