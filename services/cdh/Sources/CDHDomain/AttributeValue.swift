/// One replica value of an entity attribute with its timestamps (cdh.md §2.2 entity_attribute).
public struct AttributeValue: Sendable, Hashable, Codable {
  /// nil = empty; `""` and whitespace are stored as nil (U10).
  public var value: String?
  /// Time of the change at its origin; drives "newest wins" (U21) and staleness (U43).
  public var sourceTimestamp: Instant
  /// Time CDH ingested it; the first tie-break (U22).
  public var arrivedTimestamp: Instant
  public var origin: ChangeOrigin
  /// Producer event id of the last change (idempotency and audit correlation, U43).
  public var lastEventID: Int64

  public init(
    value: String?, sourceTimestamp: Instant, arrivedTimestamp: Instant, origin: ChangeOrigin,
    lastEventID: Int64 = 0
  ) {
    self.lastEventID = lastEventID
    self.value = AttributeValue.normalisedEmpty(value)
    self.sourceTimestamp = sourceTimestamp
    self.arrivedTimestamp = arrivedTimestamp
    self.origin = origin
  }

  /// Empty strings and whitespace become nil (U10).
  public static func normalisedEmpty(_ value: String?) -> String? {
    guard let value else { return nil }
    return value.allSatisfy(\.isWhitespace) ? nil : value
  }
}
