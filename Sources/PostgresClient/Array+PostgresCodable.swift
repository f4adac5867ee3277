import Foundation

/// A type that can be an element of a one-dimensional PostgreSQL array.
public protocol PostgresArrayElement: PostgresCodable {
  /// The array type whose elements are `postgresDataType`, e.g. `text[]` for `text`.
  static var postgresArrayDataType: PostgresDataType { get }
}

extension String: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .textArray }
}
extension Int64: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .int8Array }
}
extension Int: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .int8Array }
}
extension Int32: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .int4Array }
}
extension Int16: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .int2Array }
}
extension Double: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .float8Array }
}
extension Bool: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .boolArray }
}
extension UUID: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .uuidArray }
}
extension Decimal: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .numericArray }
}
extension Date: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .timestamptzArray }
}
extension PostgresJSON: PostgresArrayElement {
  public static var postgresArrayDataType: PostgresDataType { .jsonbArray }
}

/// Arrays travel in PostgreSQL's binary array format: dimensions, a has-NULL flag, the element
/// type, then each element length-prefixed. Only one-dimensional arrays without NULL
/// elements map to Swift arrays.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
  public static var postgresDataType: PostgresDataType { Element.postgresArrayDataType }

  public func encode(into buffer: inout [UInt8]) {
    buffer.appendBigEndian(Int32(isEmpty ? 0 : 1))
    buffer.appendBigEndian(Int32(0))
    buffer.appendBigEndian(Element.postgresDataType.rawValue)
    guard !isEmpty else { return }
    buffer.appendBigEndian(Int32(count))
    buffer.appendBigEndian(Int32(1))
    var element: [UInt8] = []
    for value in self {
      element.removeAll(keepingCapacity: true)
      value.encode(into: &element)
      buffer.appendBigEndian(Int32(element.count))
      buffer.append(contentsOf: element)
    }
  }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
  public static func decode(from cell: PostgresCell) throws(PostgresDecodingError) -> [Element] {
    let type = [Element].self
    var reader = PostgresByteReader(try cell.requireBytes(for: type))
    guard let dimensions = reader.readInteger(as: Int32.self),
      reader.readInteger(as: Int32.self) != nil,
      let elementOID = reader.readInteger(as: UInt32.self)
    else { throw cell.failure(type, "\(cell.dataType) is not an array") }
    if dimensions == 0 { return [] }
    guard dimensions == 1 else {
      throw cell.failure(type, "the array has \(dimensions) dimensions; only 1 is supported")
    }
    guard let count = reader.readInteger(as: Int32.self), reader.readInteger(as: Int32.self) != nil
    else { throw cell.failure(type, "malformed array") }
    var result: [Element] = []
    result.reserveCapacity(Int(count))
    for index in 0..<Int(count) {
      guard let length = reader.readInteger(as: Int32.self) else {
        throw cell.failure(type, "malformed array")
      }
      let elementName = "\(cell.columnName)[\(index + 1)]"
      if length < 0 {
        throw cell.failure(type, "element \(elementName) is NULL")
      }
      guard let bytes = reader.readBytes(Int(length)) else {
        throw cell.failure(type, "malformed array")
      }
      let elementCell = PostgresCell(
        bytes: bytes, dataType: PostgresDataType(elementOID), columnName: elementName)
      result.append(try Element.decode(from: elementCell))
    }
    return result
  }
}
