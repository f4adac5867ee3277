extension Double: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .float8 }

  public func encode(into buffer: inout [UInt8]) {
    buffer.appendBigEndian(bitPattern)
  }

  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Double {
    try cell.requireType(.float8, .float4, for: Double.self)
    var reader = PostgresByteReader(try cell.requireBytes(for: Double.self))
    if cell.dataType == .float4, reader.remaining == 4,
      let bits = reader.readInteger(as: UInt32.self)
    {
      return Double(Float(bitPattern: bits))
    }
    guard reader.remaining == 8, let bits = reader.readInteger(as: UInt64.self) else {
      throw cell.failure(Double.self, "malformed \(cell.dataType)")
    }
    return Double(bitPattern: bits)
  }
}

extension Float: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .float4 }

  public func encode(into buffer: inout [UInt8]) {
    buffer.appendBigEndian(bitPattern)
  }

  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Float {
    try cell.requireType(.float4, for: Float.self)
    var reader = PostgresByteReader(try cell.requireBytes(for: Float.self))
    guard reader.remaining == 4, let bits = reader.readInteger(as: UInt32.self) else {
      throw cell.failure(Float.self, "malformed float4")
    }
    return Float(bitPattern: bits)
  }
}
