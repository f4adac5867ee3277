import Foundation

/// One person-level write of one field (cdh.md U27, U28): a value, or `nil` to clear it.
public struct ProfileFieldWrite: Hashable, Sendable {
  /// CDH's field name (`custom_id`, `display_mobile`, `custom_fields.<key>`, ...).
  public var field: String
  public var value: String?

  public init(field: String, value: String?) {
    self.field = field
    self.value = value
  }
}

/// The merged contact-level values of a person after a person-level write.
public struct MergedProfileValues: Hashable, Sendable {
  public var profileID: Int64
  /// CDH field name → merged value; an absent field has no value in the person.
  public var fields: [String: String]
  /// The person's members that are contacts of this service (`source = maac`), any org.
  public var memberIDs: [Int64]

  public init(profileID: Int64, fields: [String: String], memberIDs: [Int64] = []) {
    self.profileID = profileID
    self.fields = fields
    self.memberIDs = memberIDs
  }
}

/// CDH as the authority for person-level writes (C48, C69, D3): interactive unify-key writes
/// and clears of contact-level fields are applied by CDH to every member of the contact's
/// person; contacts writes nothing locally unless CDH accepted.
public protocol ProfileAuthority: Sendable {
  /// Applies `writes` to the person of contact `contactID`; answers the merged values.
  /// Throws UNAVAILABLE `CDH_UNAVAILABLE` when CDH cannot take the write (nothing changed),
  /// INVALID_ARGUMENT when CDH refuses a value.
  func updateProfile(contactID: Int64, organizationID: Int64, writes: [ProfileFieldWrite])
    async throws -> MergedProfileValues

  /// The contacts of this service unified with `contactID` (itself included), any order.
  /// Throws UNAVAILABLE `CDH_UNAVAILABLE` when CDH cannot answer.
  func unifiedMembers(of contactID: Int64, organizationID: Int64) async throws -> [Int64]
}

/// A deployment without a CDH peer: person-level writes answer UNAVAILABLE, and nothing is
/// written locally (C69).
public struct UnreachableProfileAuthority: ProfileAuthority {
  public init() {}

  public func updateProfile(
    contactID: Int64, organizationID: Int64, writes: [ProfileFieldWrite]
  ) async throws -> MergedProfileValues {
    throw CdhProfileClient.unavailable
  }

  public func unifiedMembers(of contactID: Int64, organizationID: Int64) async throws -> [Int64] {
    throw CdhProfileClient.unavailable
  }
}
