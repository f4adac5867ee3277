/// One field of a result row as the server sent it (binary format), handed to
/// ``PostgresDecodable/decode(from:)``.
public struct PostgresCell: Sendable {
  /// The raw bytes in PostgreSQL's binary format; `nil` for SQL NULL.
  public var bytes: ArraySlice<UInt8>?
  /// The column's type as the server reported it.
  public var dataType: PostgresDataType
  /// The column name (or `name[index]` for an array element), used in error messages.
  public var columnName: String

  public init(bytes: ArraySlice<UInt8>?, dataType: PostgresDataType, columnName: String) {
    self.bytes = bytes
    self.dataType = dataType
    self.columnName = columnName
  }

  /// The bytes of a non-NULL cell, or a decoding error naming the column when it is NULL.
  public func requireBytes<T>(for type: T.Type) throws(PostgresDecodingError) -> ArraySlice<UInt8> {
    guard let bytes else {
      throw PostgresDecodingError(
        column: columnName, columnType: dataType, swiftType: "\(T.self)",
        reason: "the value is NULL; decode as \(T.self)? to accept NULL")
    }
    return bytes
  }

  /// Throws unless the column's type is one of `accepted`.
  public func requireType<T>(_ accepted: PostgresDataType..., for type: T.Type)
    throws(PostgresDecodingError)
  {
    guard accepted.contains(dataType) else {
      throw PostgresDecodingError(
        column: columnName, columnType: dataType, swiftType: "\(T.self)",
        reason:
          "\(T.self) decodes only from \(accepted.map(\.description).joined(separator: ", "))")
    }
  }

  /// An error about this cell with the given reason.
  public func failure<T>(_ type: T.Type, _ reason: String) -> PostgresDecodingError {
    PostgresDecodingError(
      column: columnName, columnType: dataType, swiftType: "\(T.self)", reason: reason)
  }
}
