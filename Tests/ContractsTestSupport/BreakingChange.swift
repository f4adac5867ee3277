/// One way a new descriptor set breaks callers or stored data written with an old one.
public struct BreakingChange: Hashable, Sendable, CustomStringConvertible {
  /// The kinds of break the compatibility check knows.
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    /// A proto package of the old set has no file in the new set (removed or renamed).
    case packageRemoved
    /// A message's full name no longer exists.
    case messageRemoved
    /// An enum's full name no longer exists.
    case enumRemoved
    /// A service's full name no longer exists.
    case serviceRemoved
    /// A field number disappeared without being reserved.
    case fieldRemovedWithoutReserved
    /// A field number now has another type, another message/enum type or another cardinality.
    case fieldRetyped
    /// A field number now carries a field of another name (reuse; breaks JSON and code).
    case fieldNumberReused
    /// A new field took a number or name the old set reserved.
    case reservedFieldReused
    /// An enum value number disappeared without being reserved.
    case enumValueRemovedWithoutReserved
    /// An enum value number now has another name.
    case enumValueNumberReused
    /// A new enum value took a number the old set reserved.
    case reservedEnumValueReused
    /// An RPC disappeared (services have no `reserved`, so every removal breaks).
    case rpcRemoved
    /// An RPC's request or response message changed.
    case rpcTypeChanged
    /// An RPC's client or server streaming changed.
    case rpcStreamingChanged
  }

  public var kind: Kind
  /// Full name of the element, e.g. `maac.contacts.v1.Contact.display_name` or
  /// `maac.contacts.v1.Contacts/GetContact`.
  public var element: String
  /// What changed, e.g. `int64 → string`.
  public var detail: String

  public init(kind: Kind, element: String, detail: String) {
    self.kind = kind
    self.element = element
    self.detail = detail
  }

  public var description: String { "\(kind.rawValue): \(element): \(detail)" }
}
