/// A validated, ordered list of 0–3 unify keys (U2, U3).
public struct UnifyKeySet: Sendable, Hashable, Codable {
  /// The configurable limit of O1; kept a constant so it can be raised later.
  public static let maximumKeys = 3

  /// Keys in the order the caller listed them (first occurrence kept).
  public private(set) var attributes: [UnifyAttribute]

  public static let empty = UnifyKeySet(uncheckedAttributes: [])

  init(uncheckedAttributes: [UnifyAttribute]) { self.attributes = uncheckedAttributes }

  /// One requested key: `attribute` is nil when the request named an unknown or unspecified
  /// attribute; `rawName` is what to report then.
  public struct Requested: Sendable {
    public var attribute: UnifyAttribute?
    public var rawName: String
    public var isDistinct: Bool

    public init(attribute: UnifyAttribute?, rawName: String = "", isDistinct: Bool = false) {
      self.attribute = attribute
      self.rawName = rawName
      self.isDistinct = isDistinct
    }

    public static func key(_ attribute: UnifyAttribute) -> Requested {
      Requested(attribute: attribute, rawName: attribute.rawValue)
    }
  }

  /// Validates a request's key list: duplicates collapse keeping the first position, at most
  /// three distinct keys, no distinct keys (U2, U3). `field` is the request field name.
  public static func validate(_ requested: [Requested], field: String = "unify_keys")
    throws(DomainError) -> UnifyKeySet
  {
    var result: [UnifyAttribute] = []
    for (index, key) in requested.enumerated() {
      guard let attribute = key.attribute else {
        let shown = key.rawName.isEmpty ? "UNIFY_ATTRIBUTE_UNSPECIFIED" : key.rawName
        throw .invalidArgument(
          field: "\(field)[\(index)].attribute", "unsupported unify key attribute: \(shown)")
      }
      if key.isDistinct {
        throw .invalidArgument(
          field: "\(field)[\(index)].is_distinct", "distinct unify keys are not supported")
      }
      if !result.contains(attribute) { result.append(attribute) }
    }
    if result.count > maximumKeys {
      throw .invalidArgument(field: field, "at most \(maximumKeys) unify keys are allowed")
    }
    return UnifyKeySet(uncheckedAttributes: result)
  }

  /// Convenience for already-typed lists (tests, internal callers).
  public static func validate(_ attributes: [UnifyAttribute]) throws(DomainError) -> UnifyKeySet {
    try validate(attributes.map(Requested.key))
  }

  public func contains(_ attribute: UnifyAttribute) -> Bool { attributes.contains(attribute) }

  public var isEmpty: Bool { attributes.isEmpty }

  /// Set equality: U5 compares key sets ignoring order.
  public func sameSet(as other: UnifyKeySet) -> Bool {
    Set(attributes) == Set(other.attributes)
  }
}
