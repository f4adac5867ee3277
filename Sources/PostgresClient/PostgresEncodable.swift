/// A Swift value that can be sent to PostgreSQL as a bound parameter (binary format).
///
/// Conforming types append PostgreSQL's binary representation of the value; the data type
/// tells the server how to read it. Values are never spliced into SQL text.
public protocol PostgresEncodable: Sendable {
  /// The PostgreSQL type of the encoded bytes.
  static var postgresDataType: PostgresDataType { get }

  /// Appends the binary representation of `self` to `buffer`.
  func encode(into buffer: inout [UInt8])

  /// Whether the value is SQL NULL. Only `Optional.none` is; conforming types keep the
  /// default (`false`).
  var isPostgresNull: Bool { get }
}

extension PostgresEncodable {
  public var isPostgresNull: Bool { false }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
  public static var postgresDataType: PostgresDataType { Wrapped.postgresDataType }

  public var isPostgresNull: Bool { self == nil }

  public func encode(into buffer: inout [UInt8]) {
    // NULL is signalled out of band (length -1); see `PostgresBindings`.
    self?.encode(into: &buffer)
  }
}
