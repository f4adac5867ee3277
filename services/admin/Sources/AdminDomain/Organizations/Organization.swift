import Foundation

/// A stored organization (spec §3.1): the tenant key of every other service.
public struct Organization: Sendable, Hashable {
  public var id: Int64
  public var uuid: String
  public var name: String
  public var region: Region?
  public var timezone: String
  public var active: Bool
  public var createdAt: Date
  public var updatedAt: Date

  public init(
    id: Int64, uuid: String, name: String, region: Region?, timezone: String, active: Bool,
    createdAt: Date, updatedAt: Date
  ) {
    self.id = id
    self.uuid = uuid
    self.name = name
    self.region = region
    self.timezone = timezone
    self.active = active
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }
}
