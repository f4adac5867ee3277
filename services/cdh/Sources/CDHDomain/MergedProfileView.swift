/// The value that won one contact-level field and where it came from (U21, U22).
public struct FieldWinner: Sendable, Hashable, Codable {
  public var value: String
  public var member: MemberRef
  public var sourceTimestamp: Instant
  public var arrivedTimestamp: Instant

  public init(value: String, member: MemberRef, sourceTimestamp: Instant, arrivedTimestamp: Instant)
  {
    self.value = value
    self.member = member
    self.sourceTimestamp = sourceTimestamp
    self.arrivedTimestamp = arrivedTimestamp
  }
}

/// The materialised merged profile of a set of members (§3.4): coalesced contact-level fields,
/// the display-name rule and the inputs of derived fields.
public struct MergedProfileView: Sendable, Hashable, Codable {
  /// Contact-level field → winner; absent = null.
  public var fields: [String: FieldWinner]
  /// U24.
  public var effectiveDisplayName: String?
  /// U25 `contact_status`: at least one member reachable.
  public var anyReachable: Bool

  public init(
    fields: [String: FieldWinner] = [:], effectiveDisplayName: String? = nil,
    anyReachable: Bool = false
  ) {
    self.fields = fields
    self.effectiveDisplayName = effectiveDisplayName
    self.anyReachable = anyReachable
  }

  public func value(_ field: String) -> String? { fields[field]?.value }

  /// U25 `member_status`: the merged `custom_id` is non-empty.
  public var memberStatus: Bool { value("custom_id") != nil }

  /// U25 `contact_status`.
  public var contactStatus: String { anyReachable ? "active" : "inactive" }

  /// U25 `age` against `today` (`YYYY-MM-DD`).
  public func age(today: String) -> Int? {
    ProfileField.age(birthday: value("birthday"), today: today)
  }

  /// Whether two views publish the same values (U42 no-op suppression). Provenance alone
  /// (which member or timestamp holds an unchanged value) is not a change of the person.
  public func publishesSame(as other: MergedProfileView) -> Bool {
    effectiveDisplayName == other.effectiveDisplayName && anyReachable == other.anyReachable
      && fields.count == other.fields.count
      && fields.allSatisfy { other.fields[$0.key]?.value == $0.value.value }
  }
}

/// Computes merged views (U21–U25).
public enum ProfileCoalescer {
  /// U21 + U22: for every contact-level field the non-empty value with the greatest
  /// source timestamp wins; ties go to the later arrival, then the smallest member.
  public static func view(of members: [ChannelEntity]) -> MergedProfileView {
    var fields: [String: FieldWinner] = [:]
    var nameWinner: FieldWinner?
    var anyReachable = false
    for entity in members {
      if entity.reachable { anyReachable = true }
      for (field, attribute) in entity.attributes {
        guard let value = attribute.value else { continue }
        let candidate = FieldWinner(
          value: value, member: entity.member, sourceTimestamp: attribute.sourceTimestamp,
          arrivedTimestamp: attribute.arrivedTimestamp)
        if field == "original_name" {
          if beats(candidate, nameWinner) { nameWinner = candidate }
          continue
        }
        guard ProfileField.isContactLevel(field) else { continue }
        if beats(candidate, fields[field]) { fields[field] = candidate }
      }
    }
    // U24: the profile's display_name, else the newest original_name among members.
    let effective = fields["display_name"]?.value ?? nameWinner?.value
    return MergedProfileView(
      fields: fields, effectiveDisplayName: effective, anyReachable: anyReachable)
  }

  /// The newest clear of every contact-level field `view` holds no value for (a member's
  /// replica keeps a cleared attribute with its timestamps), ordered like values (U21, U22).
  /// The winner's `value` is empty.
  public static func clears(of members: [ChannelEntity], view: MergedProfileView) -> [String:
    FieldWinner]
  {
    var clears: [String: FieldWinner] = [:]
    for entity in members {
      for (field, attribute) in entity.attributes where attribute.value == nil {
        guard view.fields[field] == nil, ProfileField.isContactLevel(field) else { continue }
        let candidate = FieldWinner(
          value: "", member: entity.member, sourceTimestamp: attribute.sourceTimestamp,
          arrivedTimestamp: attribute.arrivedTimestamp)
        if beats(candidate, clears[field]) { clears[field] = candidate }
      }
    }
    return clears
  }

  /// Whether `candidate` wins over the current winner (U21, U22).
  public static func beats(_ candidate: FieldWinner, _ current: FieldWinner?) -> Bool {
    guard let current else { return true }
    if candidate.sourceTimestamp != current.sourceTimestamp {
      return candidate.sourceTimestamp > current.sourceTimestamp
    }
    if candidate.arrivedTimestamp != current.arrivedTimestamp {
      return candidate.arrivedTimestamp > current.arrivedTimestamp
    }
    return candidate.member < current.member
  }
}
