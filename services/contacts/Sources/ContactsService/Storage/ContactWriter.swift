import ContactsDomain
import Foundation
import PostgresClient
import ServiceKit

/// Writes one changed contact inside an open transaction: the row, its history entries and
/// its event — all or nothing (C68, C74).
struct ContactWriter: Sendable {
  let outbox: Outbox

  /// Persists `after` (a new contact when `before` is nil) and returns it as stored. Nothing is
  /// written when nothing changed.
  @discardableResult
  func write(
    before: Contact?, after proposed: Contact, clocks: [String: Date], cause: ChangeCause,
    on connection: PostgresConnection
  ) async throws -> Contact {
    var after = proposed
    // PostgreSQL keeps microseconds: round now so the answer equals what a later read returns.
    let now = Date().microsecondPrecision
    if before == nil {
      after.createdAt = after.createdAt.microsecondPrecision
    }
    let changes = AttributeChange.between(before, after)
    if let before, changes.isEmpty, before == after { return before }
    var clocks = clocks
    for change in changes { clocks[change.attribute.rawValue] = now }
    if let before {
      after.version = before.version + 1
      after.updatedAt = now
      var values = try ContactRecord.values(of: after, fieldClocks: clocks)
      values.removeFirst(2)  // id and organization_id never change
      let assignments = ContactRecord.columns.dropFirst(2).enumerated().map { index, column in
        "\(column) = $\(index + 1)"
      }.joined(separator: ", ")
      let sql =
        "UPDATE contact SET \(assignments) WHERE id = $\(values.count + 1) AND organization_id = $\(values.count + 2)"
      _ = try await connection.execute(sql, values + [after.id, after.organizationID])
    } else {
      after.updatedAt = now
      let columns = ContactRecord.columns.dropFirst()
      var values = try ContactRecord.values(of: after, fieldClocks: clocks)
      values.removeFirst()
      let placeholders = (1...values.count).map { "$\($0)" }.joined(separator: ", ")
      let rows = try await connection.query(
        "INSERT INTO contact (\(columns.joined(separator: ", "))) VALUES (\(placeholders)) RETURNING id",
        values)
      after.id = try rows[0].decode("id", as: Int64.self)
    }
    let entries: [HistoryEntry] =
      before == nil
      ? [
        HistoryEntry(
          contactID: after.id, occurredAt: now, field: "contact", previousValue: nil,
          newValue: "created",
          cause: cause)
      ]
      : HistoryEntry.entries(for: changes, contact: after, at: now, cause: cause)
    try await HistoryStore.insert(entries, organizationID: after.organizationID, on: connection)
    let eventID = try await outbox.nextSequence(on: connection)
    let event = ContactEvents.event(
      before: before, after: after, changes: changes, cause: cause, eventID: eventID, at: now,
      requestID: CallerContext.current?.requestID ?? cause.correlationID)
    try await outbox.append(event, on: connection)
    return after
  }
}

extension Date {
  /// This instant rounded to PostgreSQL's microsecond precision.
  /// Computed the way PostgresClient decodes `timestamptz` (microseconds since 2000), so the
  /// value is bit-identical to what a later read returns.
  var microsecondPrecision: Date {
    let epoch2000: TimeInterval = 946_684_800
    let micros = ((timeIntervalSince1970 - epoch2000) * 1_000_000).rounded()
    return Date(timeIntervalSince1970: micros / 1_000_000 + epoch2000)
  }
}
