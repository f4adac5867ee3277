/// One row of a binary COPY being encoded, handed to ``PostgresCopyIn/appendRow(encoding:)``.
///
/// Values go straight into the COPY buffer with their static types: no existential box and no
/// array per row, which matters when millions of rows are loaded.
public struct PostgresCopyRow: PostgresValueSink {
  @usableFromInline var buffer: [UInt8]
  @usableFromInline var fieldCount: Int16 = 0

  @usableFromInline init(buffer: [UInt8]) {
    self.buffer = buffer
  }

  /// Appends the next column's value; `Optional.none` is SQL NULL. Its type must match the
  /// column exactly (e.g. `Int64` for `int8`).
  @inlinable
  public mutating func append<Value: PostgresEncodable>(_ value: Value) {
    fieldCount += 1
    Self.appendField(value, to: &buffer)
  }

  /// One binary COPY field: its length, then its bytes (length -1 for NULL).
  @inlinable
  static func appendField<Value: PostgresEncodable>(_ value: Value, to buffer: inout [UInt8]) {
    if value.isPostgresNull {
      buffer.appendBigEndian(Int32(-1))
      return
    }
    let lengthPosition = buffer.count
    buffer.appendBigEndian(Int32(0))
    value.encode(into: &buffer)
    let length = UInt32(buffer.count - lengthPosition - 4)
    buffer[lengthPosition] = UInt8(truncatingIfNeeded: length >> 24)
    buffer[lengthPosition + 1] = UInt8(truncatingIfNeeded: length >> 16)
    buffer[lengthPosition + 2] = UInt8(truncatingIfNeeded: length >> 8)
    buffer[lengthPosition + 3] = UInt8(truncatingIfNeeded: length)
  }

  /// Appends SQL NULL for the next column.
  @inlinable
  public mutating func appendNull() {
    fieldCount += 1
    buffer.appendBigEndian(Int32(-1))
  }
}
