import Foundation
import PostgresClient
import ServiceKit

/// Sequences of the outbox as an appending transaction will get them.
///
/// `EventCause.event_id` must equal the envelope's sequence, which ``Outbox`` assigns inside
/// `append`. Locking the counter row first (as `append` would anyway) fixes the next numbers,
/// so payloads can carry their own event id.
///
/// ServiceKit's `Outbox.nextSequence(on:)` now does the same; the import uses it, and this
/// remains only for `ContactWriter` and `ExportService` until they switch (one line each).
/// Batches of events go through `Outbox.append(count:on:_:)` (the import's former local
/// bulk writer is gone).
enum OutboxCursor {
  /// The sequence the next appended event of this transaction will get.
  static func next(on connection: PostgresConnection) async throws -> Int64 {
    let rows = try await connection.query("SELECT last_sequence FROM outbox_sequence FOR UPDATE")
    guard let last = try rows.first?.decode("last_sequence", as: Int64.self) else {
      throw ServiceError(.internal, "outbox_sequence has no row")
    }
    return last + 1
  }
}
