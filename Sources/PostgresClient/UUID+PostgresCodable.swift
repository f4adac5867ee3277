import Foundation

extension UUID: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .uuid }

  public func encode(into buffer: inout [UInt8]) {
    var raw = uuid
    withUnsafeBytes(of: &raw) { buffer.append(contentsOf: $0) }
  }

  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> UUID {
    try cell.requireType(.uuid, for: UUID.self)
    let bytes = try cell.requireBytes(for: UUID.self)
    guard bytes.count == 16 else { throw cell.failure(UUID.self, "malformed uuid") }
    var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &raw) { target in
      for (offset, byte) in bytes.enumerated() { target[offset] = byte }
    }
    return UUID(uuid: raw)
  }
}
