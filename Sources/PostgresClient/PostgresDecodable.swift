/// A Swift type that can be decoded from a result column (binary format).
///
/// Decode `T?` to accept SQL NULL; decoding NULL as a non-optional type throws a
/// ``PostgresDecodingError`` naming the column.
public protocol PostgresDecodable: Sendable {
  /// Decodes the value of `cell`; `cell.bytes` is `nil` for SQL NULL.
  static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Self
}

/// Both directions, for the common case.
public typealias PostgresCodable = PostgresEncodable & PostgresDecodable

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Wrapped? {
    guard cell.bytes != nil else { return nil }
    return try Wrapped.decode(from: cell)
  }
}
