/// The fields of an organization an operator changes (`UpdateOrganization`, its
/// `update_mask`), not yet validated. Nil means "not in the mask"; `region` is
/// `.some(nil)` when the mask clears the region.
public struct OrganizationChanges: Sendable, Hashable {
  /// The mask paths `UpdateOrganization` accepts, in the order they are documented.
  public static let paths = ["name", "region", "timezone", "active"]

  public var name: String?
  public var region: Region??
  /// As on creation, an empty zone means `Asia/Taipei`.
  public var timezone: String?
  public var active: Bool?

  public init(
    name: String? = nil, region: Region?? = nil, timezone: String? = nil, active: Bool? = nil
  ) {
    self.name = name
    self.region = region
    self.timezone = timezone
    self.active = active
  }

  /// Validates the given fields with exactly the rules of creation (`OrganizationDraft`),
  /// recording each violation under `path`; returns the changes with the time zone resolved.
  public func validated(at path: FieldPath, into violations: inout ViolationCollector)
    -> OrganizationChanges?
  {
    let before = violations.violations.count
    var valid = self
    if let name {
      valid.name = OrganizationDraft.validName(name, at: path.member("name"), into: &violations)
    }
    if let timezone {
      valid.timezone = OrganizationDraft.validTimezone(
        timezone, at: path.member("timezone"), into: &violations)
    }
    guard violations.violations.count == before else { return nil }
    return valid
  }

  /// `organization` with these changes applied; equal to it when nothing changes.
  public func applied(to organization: Organization) -> Organization {
    var changed = organization
    if let name { changed.name = name }
    if let region { changed.region = region }
    if let timezone { changed.timezone = timezone }
    if let active { changed.active = active }
    return changed
  }
}
