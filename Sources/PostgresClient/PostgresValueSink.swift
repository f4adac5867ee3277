/// Something that takes a row's values one by one, in column order, with their static types.
///
/// Lets one function describe how a type is laid out in a table's columns and serve both a
/// binary COPY (``PostgresCopyRow``, no boxing) and bound parameters (``PostgresValueList``).
public protocol PostgresValueSink {
  /// Appends the next column's value; `Optional.none` is SQL NULL.
  mutating func append<Value: PostgresEncodable>(_ value: Value)
}

/// Collects values as bound parameters for ``PostgresConnection/execute(_:_:)`` and friends.
public struct PostgresValueList: PostgresValueSink {
  /// The values appended so far; `nil` is NULL.
  public var values: [(any PostgresEncodable)?] = []

  public init() {}

  public mutating func append<Value: PostgresEncodable>(_ value: Value) {
    values.append(value.isPostgresNull ? nil : value)
  }
}
