/// An organization as an operator describes it (CreateOrganization, a provisioning
/// document entry), not yet validated. Nil means "not given".
public struct OrganizationDraft: Sendable, Hashable {
  public var name: String?
  /// Optional RFC 4122 uuid (shared with the company's CAAC organization); generated when nil.
  public var uuid: String?
  public var region: Region?
  /// IANA zone name; nil or empty means `Asia/Taipei`.
  public var timezone: String?
  /// Nil means true.
  public var active: Bool?

  public init(
    name: String? = nil, uuid: String? = nil, region: Region? = nil, timezone: String? = nil,
    active: Bool? = nil
  ) {
    self.name = name
    self.uuid = uuid
    self.region = region
    self.timezone = timezone
    self.active = active
  }

  /// The longest organization name accepted (spec §3.1, admin.proto).
  public static let maxNameCharacters = 255

  /// Validates every field, recording each violation under `path`; returns the organization to
  /// create when all fields are valid.
  public func validated(at path: FieldPath, into violations: inout ViolationCollector)
    -> NewOrganization?
  {
    let before = violations.violations.count
    let name = Self.validName(name, at: path.member("name"), into: &violations)
    let uuid = ResourceUUID.optional(uuid, at: path.member("uuid"), into: &violations)
    let zone = Self.validTimezone(timezone, at: path.member("timezone"), into: &violations)
    guard violations.violations.count == before, let name, let zone else { return nil }
    return NewOrganization(
      name: name, uuid: uuid, region: region, timezone: zone, active: active ?? true)
  }

  /// The organization-name rule (required, 1...255 characters, no control characters), shared
  /// by creation and `OrganizationChanges`.
  public static func validName(
    _ name: String?, at path: FieldPath, into violations: inout ViolationCollector
  ) -> String? {
    TextRules.requiredText(name, at: path, maxCharacters: maxNameCharacters, into: &violations)
  }

  /// The time-zone rule, shared by creation and `OrganizationChanges`: nil or empty means
  /// `Asia/Taipei`; anything else must be an IANA zone name. Nil when refused.
  public static func validTimezone(
    _ timezone: String?, at path: FieldPath, into violations: inout ViolationCollector
  ) -> String? {
    guard let timezone, !timezone.isEmpty else { return TimeZoneName.defaultName }
    guard TimeZoneName.isKnown(timezone) else {
      violations.add(
        path,
        "must be an IANA time-zone name such as Asia/Taipei (abbreviations and offsets are not "
          + "accepted)")
      return nil
    }
    return timezone
  }

  /// Validates the draft on its own (CreateOrganization).
  public func validated() throws(ValidationFailure) -> NewOrganization {
    var violations = ViolationCollector()
    let organization = validated(at: .root, into: &violations)
    try violations.throwIfAny()
    return organization!
  }
}
