/// The bound parameters of a statement ($1, $2, ...), already encoded in binary format.
public struct PostgresBindings: Sendable {
  struct Value: Sendable {
    var dataType: PostgresDataType
    /// `nil` is SQL NULL.
    var bytes: [UInt8]?
  }

  private(set) var values: [Value] = []

  public init() {}

  public var count: Int { values.count }

  /// Appends a typed value (`Optional.none` binds a typed NULL).
  public mutating func append<T: PostgresEncodable>(_ value: T) {
    values.append(Self.encode(value))
  }

  /// Appends a value whose static type is erased; `nil` binds an untyped NULL whose type the
  /// server infers from the statement.
  public mutating func append(_ value: (any PostgresEncodable)?) {
    guard let value else {
      values.append(Value(dataType: .unspecified, bytes: nil))
      return
    }
    values.append(Self.encode(value))
  }

  private static func encode<T: PostgresEncodable>(_ value: T) -> Value {
    if value.isPostgresNull {
      return Value(dataType: T.postgresDataType, bytes: nil)
    }
    var bytes: [UInt8] = []
    value.encode(into: &bytes)
    return Value(dataType: T.postgresDataType, bytes: bytes)
  }
}
