import ContactsDomain
import Foundation
import ServiceKit

/// Interactive writes that act on the person (C48, C69, D3): sent to CDH first; only when CDH
/// accepted does the contact take CDH's merged values, with origin `cdh` (CDH ignores the
/// echo, U42). The other members of the person receive the same values from CDH's broadcast.
struct PersonLevelWrites: Sendable {
  let store: ContactStore
  let profiles: any ProfileAuthority

  /// Applies `writes` through CDH to contact `contact` and returns the contact as stored.
  func apply(
    _ writes: [ProfileFieldWrite], to contact: Contact, organizationID: Int64, via: String?
  ) async throws -> (contact: Contact, changed: Bool) {
    let merged = try await profiles.updateProfile(
      contactID: contact.id, organizationID: organizationID, writes: writes)
    let written = writes.map(\.field)
    return try await store.mutate(
      organizationID: organizationID, id: contact.id,
      cause: ChangeCause(
        origin: .cdh, actor: Caller.actor, correlationID: Caller.requestID, via: via)
    ) { current, _ in
      ProfileBroadcast.applyMerged(merged.fields, written: written, to: current, now: Date())
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
