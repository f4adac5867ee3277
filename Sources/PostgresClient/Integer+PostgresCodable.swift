extension PostgresCell {
  /// Reads an int2, int4 or int8 column as `Int64`.
  func decodeInteger<T>(for type: T.Type) throws(PostgresDecodingError) -> Int64 {
    let bytes = try requireBytes(for: T.self)
    var reader = PostgresByteReader(bytes)
    let value: Int64?
    switch dataType {
    case .int2 where bytes.count == 2: value = reader.readInteger(as: Int16.self).map(Int64.init)
    case .int4 where bytes.count == 4: value = reader.readInteger(as: Int32.self).map(Int64.init)
    case .int8 where bytes.count == 8: value = reader.readInteger(as: Int64.self)
    case .int2, .int4, .int8: value = nil
    default:
      throw failure(T.self, "\(T.self) decodes only from int2, int4, int8")
    }
    guard let value else { throw failure(T.self, "malformed \(dataType) of \(bytes.count) bytes") }
    return value
  }

  func decodeInteger<T: FixedWidthInteger>(exactly type: T.Type) throws(PostgresDecodingError) -> T
  {
    let wide = try decodeInteger(for: T.self)
    guard let value = T(exactly: wide) else {
      throw failure(T.self, "the value \(wide) does not fit into \(T.self)")
    }
    return value
  }
}

extension Int16: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .int2 }
  public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Int16 {
    try cell.decodeInteger(exactly: Int16.self)
  }
}

extension Int32: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .int4 }
  public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Int32 {
    try cell.decodeInteger(exactly: Int32.self)
  }
}

extension Int64: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .int8 }
  public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Int64 {
    try cell.decodeInteger(for: Int64.self)
  }
}

extension Int: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .int8 }
  public func encode(into buffer: inout [UInt8]) { buffer.appendBigEndian(Int64(self)) }
  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Int {
    try cell.decodeInteger(exactly: Int.self)
  }
}
