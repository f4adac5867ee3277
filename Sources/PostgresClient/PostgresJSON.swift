import Foundation

/// A JSON document, sent as `jsonb` and decoded from `json` or `jsonb` columns.
///
/// Holds the JSON text; use ``init(encoding:encoder:)`` and ``decode(_:decoder:)`` to go
/// through `Codable` types.
public struct PostgresJSON: Hashable, Sendable, CustomStringConvertible {
  /// The UTF-8 JSON text.
  public var data: Data

  public init(data: Data) {
    self.data = data
  }

  public init(_ text: String) {
    self.data = Data(text.utf8)
  }

  /// Encodes `value` with `encoder` (a default `JSONEncoder` with sorted keys).
  public init(encoding value: some Encodable, encoder: JSONEncoder = PostgresJSON.defaultEncoder())
    throws
  {
    self.data = try encoder.encode(value)
  }

  /// Decodes the document into `type`.
  public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws
    -> T
  {
    try decoder.decode(T.self, from: data)
  }

  public var text: String { String(decoding: data, as: UTF8.self) }

  public var description: String { text }

  public static func defaultEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return encoder
  }
}

extension PostgresJSON: PostgresCodable {
  private static let jsonbVersion: UInt8 = 1

  public static var postgresDataType: PostgresDataType { .jsonb }

  public func encode(into buffer: inout [UInt8]) {
    buffer.append(Self.jsonbVersion)
    buffer.append(contentsOf: data)
  }

  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> PostgresJSON {
    var bytes = try cell.requireBytes(for: PostgresJSON.self)
    switch cell.dataType {
    case .json:
      break
    case .jsonb:
      guard bytes.first == jsonbVersion else {
        throw cell.failure(PostgresJSON.self, "unknown jsonb version")
      }
      bytes = bytes.dropFirst()
    default:
      throw cell.failure(PostgresJSON.self, "PostgresJSON decodes only from json, jsonb")
    }
    return PostgresJSON(data: Data(bytes))
  }
}
