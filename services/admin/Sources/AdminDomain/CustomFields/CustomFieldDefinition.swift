import Foundation

/// A stored custom-field definition of an organization.
public struct CustomFieldDefinition: Sendable, Hashable {
  public var organizationID: Int64
  public var slot: CustomFieldSlot
  public var label: String
  public var createdAt: Date
  public var updatedAt: Date

  public init(
    organizationID: Int64, slot: CustomFieldSlot, label: String, createdAt: Date, updatedAt: Date
  ) {
    self.organizationID = organizationID
    self.slot = slot
    self.label = label
    self.createdAt = createdAt
    self.updatedAt = updatedAt
  }

  /// `customized_field_<slot>`.
  public var key: String { slot.key }
}
