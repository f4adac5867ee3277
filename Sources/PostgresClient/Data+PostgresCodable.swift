import Foundation

extension Data: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .bytea }

  public func encode(into buffer: inout [UInt8]) {
    buffer.append(contentsOf: self)
  }

  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> Data {
    try cell.requireType(.bytea, for: Data.self)
    return Data(try cell.requireBytes(for: Data.self))
  }
}
