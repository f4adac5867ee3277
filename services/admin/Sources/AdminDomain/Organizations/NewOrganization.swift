/// A validated organization, ready to be stored. Defaults are applied: time zone
/// `Asia/Taipei`, active.
public struct NewOrganization: Sendable, Hashable {
  public var name: String
  /// Canonical lower-case uuid, or nil to let storage generate one.
  public var uuid: String?
  public var region: Region?
  /// IANA zone name.
  public var timezone: String
  public var active: Bool

  public init(name: String, uuid: String?, region: Region?, timezone: String, active: Bool) {
    self.name = name
    self.uuid = uuid
    self.region = region
    self.timezone = timezone
    self.active = active
  }
}
