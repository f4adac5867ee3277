/// A result value could not be decoded into the requested Swift type.
///
/// The message names the column, its PostgreSQL type and the Swift type, e.g.
/// `cannot decode column "age" of type text as Int64: Int64 decodes only from int2, int4, int8`.
public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
  /// The column name (`tags[2]` for an array element).
  public var column: String
  public var columnType: PostgresDataType
  /// The requested Swift type, as written in source.
  public var swiftType: String
  public var reason: String

  public init(column: String, columnType: PostgresDataType, swiftType: String, reason: String) {
    self.column = column
    self.columnType = columnType
    self.swiftType = swiftType
    self.reason = reason
  }

  public var description: String {
    "cannot decode column \"\(column)\" of type \(columnType) as \(swiftType): \(reason)"
  }
}
