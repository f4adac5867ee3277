/// A column of a query result.
public struct PostgresColumn: Sendable, Hashable {
  public var name: String
  public var dataType: PostgresDataType
}

/// The rows of one result, copied out of libpq into one contiguous buffer shared by its rows.
final class PostgresResultStorage: Sendable {
  let columns: [PostgresColumn]
  let columnIndex: [String: Int]
  let bytes: [UInt8]
  /// Per cell (row-major): start offset into `bytes`, or -1 for NULL.
  let offsets: [Int]
  let lengths: [Int32]

  init(columns: [PostgresColumn], bytes: [UInt8], offsets: [Int], lengths: [Int32]) {
    self.columns = columns
    var index: [String: Int] = [:]
    for (position, column) in columns.enumerated() where index[column.name] == nil {
      index[column.name] = position
    }
    self.columnIndex = index
    self.bytes = bytes
    self.offsets = offsets
    self.lengths = lengths
  }
}

/// One row of a query result.
///
/// ```swift
/// let id = try row.decode("id", as: UUID.self)
/// let nickname = try row.decode("nickname", as: String?.self)  // NULL → nil
/// ```
public struct PostgresRow: Sendable {
  let storage: PostgresResultStorage
  let row: Int

  /// The result's columns, in order.
  public var columns: [PostgresColumn] { storage.columns }

  /// The cell of `column` (by name; the first one when names repeat).
  public func cell(_ column: String) throws(PostgresDecodingError) -> PostgresCell {
    guard let index = storage.columnIndex[column] else {
      throw PostgresDecodingError(
        column: column, columnType: .unspecified, swiftType: "-",
        reason:
          "the result has no such column; columns are \(storage.columns.map(\.name).joined(separator: ", "))"
      )
    }
    return cell(at: index)
  }

  /// The cell at a zero-based column position.
  public func cell(at index: Int) -> PostgresCell {
    let column = storage.columns[index]
    let cellIndex = row * storage.columns.count + index
    let offset = storage.offsets[cellIndex]
    let bytes: ArraySlice<UInt8>? =
      offset < 0 ? nil : storage.bytes[offset..<offset + Int(storage.lengths[cellIndex])]
    return PostgresCell(bytes: bytes, dataType: column.dataType, columnName: column.name)
  }

  /// Decodes the value of `column` as `type`.
  public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self)
    throws(PostgresDecodingError) -> T
  {
    try T.decode(from: cell(column))
  }

  /// Decodes the value at a zero-based column position as `type`.
  public func decode<T: PostgresDecodable>(at index: Int, as type: T.Type = T.self)
    throws(PostgresDecodingError) -> T
  {
    guard index >= 0, index < storage.columns.count else {
      throw PostgresDecodingError(
        column: "#\(index)", columnType: .unspecified, swiftType: "\(T.self)",
        reason: "the result has only \(storage.columns.count) columns")
    }
    return try T.decode(from: cell(at: index))
  }

  /// Whether `column` is NULL in this row.
  public func isNull(_ column: String) throws(PostgresDecodingError) -> Bool {
    try cell(column).bytes == nil
  }
}
