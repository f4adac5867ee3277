extension String: PostgresCodable {
  public static var postgresDataType: PostgresDataType { .text }

  public func encode(into buffer: inout [UInt8]) {
    buffer.append(contentsOf: utf8)
  }

  /// Decodes text-like columns (text, varchar, bpchar, name, char, unknown) and the JSON
  /// text of json/jsonb columns.
  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> String {
    var bytes = try cell.requireBytes(for: String.self)
    switch cell.dataType {
    case .text, .varchar, .bpchar, .name, .char, .unknown, .json:
      break
    case .jsonb:
      guard bytes.first == 1 else { throw cell.failure(String.self, "unknown jsonb version") }
      bytes = bytes.dropFirst()
    default:
      throw cell.failure(
        String.self, "String decodes only from text, varchar, bpchar, name, char, json, jsonb")
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
