/// The data format of a `COPY ... FROM STDIN`.
public enum PostgresCopyFormat: String, Sendable {
  /// PostgreSQL's binary COPY format: rows are appended as typed values with
  /// ``PostgresCopyIn/appendRow(_:)`` or ``PostgresCopyIn/appendRow(values:)``; each value's
  /// type must match its column exactly (e.g. `Int64` for `int8`, `Int32` for `int4`).
  case binary
  /// Tab-separated text: write prepared lines with ``PostgresCopyIn/write(_:)``.
  case text
  /// CSV: write prepared lines with ``PostgresCopyIn/write(_:)``.
  case csv
}

/// Streams rows into a running `COPY ... FROM STDIN`; handed to the body of
/// ``PostgresConnection/copyIn(into:schema:columns:format:_:)``.
///
/// Rows are buffered and sent in chunks of about 1 MiB, so memory stays bounded however many
/// rows are loaded.
public final class PostgresCopyIn {
  private static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
  private static let flushThreshold = 1 << 20

  private let connection: PostgresConnection
  public let format: PostgresCopyFormat
  private var buffer: [UInt8] = []
  /// The chunk being sent while the next one is encoded (at most one in flight, in order).
  private var inFlight: Task<Void, any Error>?
  /// Rows appended so far (binary format; raw `write` calls are not counted).
  public private(set) var rowsAppended = 0

  init(connection: PostgresConnection, format: PostgresCopyFormat) {
    self.connection = connection
    self.format = format
    buffer.reserveCapacity(Self.flushThreshold + 4096)
    if format == .binary {
      buffer.append(contentsOf: Self.signature)
      buffer.appendBigEndian(Int32(0))  // flags
      buffer.appendBigEndian(Int32(0))  // header extension length
    }
  }

  /// Appends one row of typed values (binary format), one value per column, in column order.
  public func appendRow<each Value: PostgresEncodable>(
    _ value: repeat each Value
  ) async throws {
    try requireBinary()
    var count: Int16 = 0
    for _ in repeat each value { count += 1 }
    buffer.appendBigEndian(count)
    for field in repeat each value { appendField(field) }
    try await rowAppended()
  }

  /// Appends one row of type-erased values (binary format); `nil` is NULL.
  public func appendRow(values: [(any PostgresEncodable)?]) async throws {
    try requireBinary()
    buffer.appendBigEndian(Int16(values.count))
    for value in values {
      if let value {
        appendField(value)
      } else {
        buffer.appendBigEndian(Int32(-1))
      }
    }
    try await rowAppended()
  }

  /// Appends one row (binary format) whose values `encode` appends in column order, each with
  /// its static type: the fast path for bulk loads (no boxing, no array per row).
  ///
  /// ```swift
  /// try await copy.appendRow { row in
  ///   row.append(contact.id)
  ///   row.append(contact.name)  // String? : nil is NULL
  /// }
  /// ```
  /// When `encode` throws, nothing of the row is kept.
  public func appendRow(encoding encode: (inout PostgresCopyRow) throws -> Void) async throws {
    try requireBinary()
    let start = buffer.count
    // The row writes into the COPY buffer itself (moved in and out, never copied).
    var row = PostgresCopyRow(buffer: [])
    swap(&row.buffer, &buffer)
    row.buffer.appendBigEndian(Int16(0))
    do {
      try encode(&row)
    } catch {
      swap(&row.buffer, &buffer)
      buffer.removeSubrange(start...)
      throw error
    }
    let count = UInt16(bitPattern: row.fieldCount)
    row.buffer[start] = UInt8(truncatingIfNeeded: count >> 8)
    row.buffer[start + 1] = UInt8(truncatingIfNeeded: count)
    swap(&row.buffer, &buffer)
    try await rowAppended()
  }

  /// Appends raw COPY data (text or CSV lines, each ending in a newline).
  public func write(_ bytes: some Sequence<UInt8>) async throws {
    guard format != .binary else {
      throw PostgresError(
        kind: .unexpectedResult, message: "raw COPY data needs the text or csv format")
    }
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.flushThreshold { try await flush() }
  }

  /// Sends buffered data and, for binary COPY, the trailer.
  func finish() async throws {
    if format == .binary { buffer.appendBigEndian(Int16(-1)) }
    try await flush()
    try await settle()
  }

  private func appendField<T: PostgresEncodable>(_ value: T) {
    PostgresCopyRow.appendField(value, to: &buffer)
  }

  private func rowAppended() async throws {
    rowsAppended += 1
    if buffer.count >= Self.flushThreshold { try await flush() }
  }

  private func flush() async throws {
    guard !buffer.isEmpty else { return }
    let chunk = buffer
    buffer.removeAll(keepingCapacity: true)
    // Wait for the previous chunk, then send this one in the background so that encoding the
    // next chunk overlaps with libpq writing this one.
    try await settle()
    let connection = self.connection
    inFlight = Task { try await connection.putCopyData(chunk) }
  }

  /// Waits for the chunk in flight, rethrowing its error.
  func settle() async throws {
    guard let pending = inFlight else { return }
    inFlight = nil
    try await pending.value
  }

  private func requireBinary() throws {
    guard format == .binary else {
      throw PostgresError(
        kind: .unexpectedResult,
        message: "appendRow needs the binary COPY format; write \(format) data with write(_:)")
    }
  }
}
