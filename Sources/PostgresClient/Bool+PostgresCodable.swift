extension Bool: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .bool }

  public func encode(into buffer: inout [UInt8]) {
    buffer.append(self ? 1 : 0)
  }

  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Bool {
    try cell.requireType(.bool, for: Bool.self)
    let bytes = try cell.requireBytes(for: Bool.self)
    guard bytes.count == 1, let byte = bytes.first else {
      throw cell.failure(Bool.self, "malformed bool of \(bytes.count) bytes")
    }
    return byte != 0
  }
}
