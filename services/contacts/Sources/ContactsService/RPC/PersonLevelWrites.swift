import ContactsDomain
import Foundation
import PostgresClient
import ServiceKit

/// Interactive writes that act on the person (C48, C69, D3): sent to CDH first; only when CDH
/// accepted do the contact and the person's other members of this organization take CDH's
/// merged values, with origin `cdh` (CDH ignores the echo, U42); CDH's broadcast brings the
/// same values again (a no-op then) and reaches members in other organizations.
struct PersonLevelWrites: Sendable {
  let store: ContactStore
  let profiles: any ProfileAuthority

  /// Applies `writes` through CDH to contact `contact` and returns the contact as stored
  /// (written inside the caller's transaction on `connection`).
  func apply(
    _ writes: [ProfileFieldWrite], to contact: Contact, organizationID: Int64, via: String?,
    on connection: PostgresConnection
  ) async throws -> (contact: Contact, changed: Bool) {
    // The contact's row is held across the CDH call: CDH's broadcast of this very change
    // then waits and finds the value already written here, so the history entry and event
    // are this call's (actor, via), never an anonymous echo.
    _ = try await connection.query(
      """
      SELECT id FROM contact WHERE organization_id = \(organizationID) AND id = \(contact.id)
      FOR UPDATE
      """)
    let merged = try await profiles.updateProfile(
      contactID: contact.id, organizationID: organizationID, writes: writes)
    let written = writes.map(\.field)
    let cause = ChangeCause(
      origin: .cdh, actor: Caller.actor, correlationID: Caller.requestID, via: via)
    // The contact and its siblings of this organization take the merged values now, in id
    // order (a fixed lock order): a person-level clear reaches every member even though
    // CDH's broadcast of a cleared field carries no provenance to win against local clocks.
    let ids = Set(merged.memberIDs + [contact.id]).sorted()
    // Every row lock before the first write: a write takes the outbox counter's lock until
    // commit, and a concurrent single-row change (a CDH broadcast) holding one of these rows
    // would otherwise wait for that counter while we wait for its row — a deadlock.
    _ = try await connection.query(
      """
      SELECT id FROM contact WHERE organization_id = \(organizationID) AND id = ANY(\(ids))
      ORDER BY id FOR UPDATE
      """)
    var result: (contact: Contact, changed: Bool) = (contact, false)
    for id in ids {
      do {
        let applied = try await store.mutate(
          on: connection, organizationID: organizationID, id: id, cause: cause
        ) { current, _ in
          ProfileBroadcast.applyMerged(merged.fields, written: written, to: current, now: Date())
        }
        if id == contact.id { result = applied }
      } catch let error as ServiceError where error.kind == .notFound && id != contact.id {
        continue  // another organization's member, or deleted meanwhile
      }
    }
    return result
  }

  /// Runs `write` (a whole person-level request, its transaction included) and, while CDH has
  /// not yet followed the contact's creation, runs it again after short pauses, up to about
  /// `budget`. A contact created a moment ago can be bound at once (C48); each attempt rolled
  /// back, so no row lock is held while waiting.
  ///
  /// Two concurrent writes on two members of one person can each hold its own row across the
  /// CDH call and then wait for the other's: PostgreSQL aborts one (40P01). The aborted write
  /// is run again, up to three times; CDH receives the same values again, which changes
  /// nothing there.
  static func waitingForCDH<T>(
    budget: Duration = .seconds(5), _ write: () async throws -> T
  ) async throws -> T {
    var pause = Duration.milliseconds(25)
    var waited = Duration.zero
    var aborted = 0
    while true {
      do {
        return try await write()
      } catch let error as PostgresError where error.isRetryableTransactionFailure && aborted < 3 {
        aborted += 1
      } catch is ContactNotYetInCDH {
        guard waited < budget else { throw ContactNotYetInCDH.answer }
        try await Task.sleep(for: pause)
        waited += pause
        pause = min(pause * 2, .milliseconds(400))
      }
    }
  }

  /// The person-level part of an edit (C69): unify keys it sets and contact-level fields it
  /// clears, with the values the edit validated (E.164 phones, trimmed ids).
  static func writes(of edit: ContactEdit) -> [ProfileFieldWrite] {
    let set = edit.setAttributes.intersection(ContactAttribute.unifyKeys)
    let cleared = edit.clearedAttributes.filter {
      ContactAttribute.contactLevel.contains($0) || $0.customFieldKey != nil
    }
    return set.union(cleared).sorted().map { attribute in
      ProfileFieldWrite(
        field: attribute.rawValue,
        value: edit.clearedAttributes.contains(attribute) ? nil : edit.contact.value(of: attribute))
    }
  }
}
