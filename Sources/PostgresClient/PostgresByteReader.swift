/// Reads PostgreSQL binary-format values (big-endian) from a slice.
struct PostgresByteReader {
  private(set) var bytes: ArraySlice<UInt8>

  init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
  }

  var remaining: Int { bytes.count }

  mutating func readInteger<T: FixedWidthInteger>(as: T.Type = T.self) -> T? {
    let size = MemoryLayout<T>.size
    guard bytes.count >= size else { return nil }
    var value: T = 0
    for byte in bytes.prefix(size) {
      value = (value << 8) | T(truncatingIfNeeded: byte)
    }
    bytes = bytes.dropFirst(size)
    return value
  }

  mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
    guard count >= 0, bytes.count >= count else { return nil }
    let result = bytes.prefix(count)
    bytes = bytes.dropFirst(count)
    return result
  }
}

extension Array where Element == UInt8 {
  /// Appends `value` in network byte order, as PostgreSQL's binary format wants it.
  @inlinable
  mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
    var bigEndian = value.bigEndian
    Swift.withUnsafeBytes(of: &bigEndian) { self.append(contentsOf: $0) }
  }
}
