/// A Swift value that can be sent to PostgreSQL as a bound parameter (binary format).
///
/// Conforming types append PostgreSQL's binary representation of the value; the data type
/// tells the server how to read it. Values are never spliced into SQL text.
public protocol PostgresEncodable: Sendable {
  /// The PostgreSQL type of the encoded bytes.
  static var postgresDataType: PostgresDataType { get }

  /// Appends the binary representation of `self` to `buffer`.
  func encode(into buffer: inout [UInt8])
}

/// Marks `Optional` so encoding can send SQL NULL for `.none` behind an existential.
protocol PostgresOptionalEncodable {
  var isNone: Bool { get }
}

extension Optional: PostgresOptionalEncodable {
  var isNone: Bool { self == nil }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
  public static var postgresDataType: PostgresDataType { Wrapped.postgresDataType }

  public func encode(into buffer: inout [UInt8]) {
    // NULL is signalled out of band (length -1); see `PostgresBindings`.
    self?.encode(into: &buffer)
  }
}
