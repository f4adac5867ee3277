/// What every service needs to know about a tenant from admin center's registry.
public struct KnownOrganization: Sendable, Hashable {
  public var id: Int64
  /// A disabled organization is refused everywhere (gateway GQ6, admin.proto `active`).
  public var active: Bool
  /// IANA time-zone name in which the organization's calendar dates are read.
  public var timeZone: String

  public init(id: Int64, active: Bool = true, timeZone: String = "Asia/Taipei") {
    self.id = id
    self.active = active
    self.timeZone = timeZone
  }
}
