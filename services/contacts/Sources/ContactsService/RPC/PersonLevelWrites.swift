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
  let retries: PersonWriteRetries

  /// The person a write acts on as CDH knew it just before the write's transaction: the
  /// contacts to lock, the contact itself included, in id order (any organization; only this
  /// organization's rows exist here).
  struct Person: Sendable {
    let memberIDs: [Int64]
  }

  /// CDH's answer named a member that was not locked before the call: the person changed
  /// between asking for its members and the write. Nothing commits; the write runs again.
  struct MembershipChanged: Error {}

  /// Applies `writes` through CDH to contact `contact` of `person` and returns the contact as
  /// stored (written inside the caller's transaction on `connection`).
  func apply(
    _ writes: [ProfileFieldWrite], to contact: Contact, of person: Person, organizationID: Int64,
    via: String?, on connection: PostgresConnection
  ) async throws -> (contact: Contact, changed: Bool) {
    // Every member's row, in id order, before the CDH call (one lock order for every
    // person-level write: two writes on two members of one person queue on the lowest id
    // instead of deadlocking), and before the first write (a write takes the outbox counter's
    // lock until commit; a concurrent single-row change holding one of these rows would
    // otherwise wait for that counter while we wait for its row). The rows are held across
    // the CDH call: CDH's broadcast of this very change then waits and finds the values
    // already written here, so the history entry and event are this call's (actor, via),
    // never an anonymous echo. CDH's write-back holds none of CDH's connections while it
    // waits for these rows (docs/status.md, the 504s), so CDH can still answer this call.
    _ = try await connection.query(
      """
      SELECT id FROM contact
      WHERE organization_id = \(organizationID) AND id = ANY(\(person.memberIDs))
      ORDER BY id FOR UPDATE
      """)
    let merged = try await profiles.updateProfile(
      contactID: contact.id, organizationID: organizationID, writes: writes)
    let ids = Set(merged.memberIDs + [contact.id])
    // Membership re-checked after locking: a member CDH added meanwhile is not locked, and
    // locking it now would break the order.
    guard ids.isSubset(of: person.memberIDs) else { throw MembershipChanged() }
    let written = writes.map(\.field)
    let cause = ChangeCause(
      origin: .cdh, actor: Caller.actor, correlationID: Caller.requestID, via: via)
    // The contact and its siblings of this organization take the merged values now: a
    // person-level clear reaches every member even though CDH's broadcast of a cleared field
    // carries no provenance to win against local clocks.
    var result: (contact: Contact, changed: Bool) = (contact, false)
    for id in ids.sorted() {
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

  /// Runs `write` (a whole person-level request on `contact`, its transaction included) with
  /// the person's members, asked of CDH first with no connection held.
  ///
  /// Run again, each attempt rolled back first (so no row lock is held while waiting):
  /// - while CDH has not yet followed the contact's creation, after short pauses up to about
  ///   `budget` (a contact created a moment ago can be bound at once, C48);
  /// - when the person's members changed between the question and the write (up to 3 times);
  /// - when PostgreSQL aborts it as a deadlock victim (up to 3 times; a safety net — with one
  ///   lock order this is not expected, and ``PersonWriteRetries`` counts it).
  /// CDH receives the same values again on a rerun, which changes nothing there.
  func run<T>(
    on contact: Contact, organizationID: Int64, budget: Duration = .seconds(5),
    _ write: (Person) async throws -> T
  ) async throws -> T {
    var pause = Duration.milliseconds(25)
    var waited = Duration.zero
    var aborted = 0
    var changed = 0
    while true {
      // CDH not answering the question is no failure yet: a repeat of a request already
      // answered needs no CDH (the stored answer is returned, §4.1), and a fresh write then
      // fails at `UpdateProfile` with nothing changed; were CDH back by then, the re-check of
      // its answer catches any member not locked.
      let members =
        (try? await profiles.unifiedMembers(of: contact.id, organizationID: organizationID))
        ?? [contact.id]
      let person = Person(memberIDs: Set(members + [contact.id]).sorted())
      do {
        return try await write(person)
      } catch let error as PostgresError where error.isRetryableTransactionFailure && aborted < 3 {
        aborted += 1
        retries.record(.deadlock)
      } catch is MembershipChanged {
        guard changed < 3 else {
          throw ServiceError(
            .aborted, "the person's members kept changing during the write; nothing was changed")
        }
        changed += 1
        retries.record(.membershipChanged)
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
