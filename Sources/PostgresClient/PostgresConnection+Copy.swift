import CLibPQ

extension PostgresConnection {
  /// Bulk-loads rows with `COPY table (columns) FROM STDIN`.
  ///
  /// ```swift
  /// let count = try await connection.copyIn(into: "contacts", columns: ["id", "name"]) { copy in
  ///   for contact in contacts { try await copy.appendRow(contact.id, contact.name) }
  /// }
  /// ```
  ///
  /// Either every row is loaded or none: when `body` throws, the COPY is aborted and the
  /// error rethrown; when the server rejects a row, the ``PostgresError`` says which.
  ///
  /// - Returns: the number of rows the server loaded.
  @discardableResult
  public nonisolated func copyIn(
    into table: String,
    schema: String? = nil,
    columns: [String],
    format: PostgresCopyFormat = .binary,
    _ body: (PostgresCopyIn) async throws -> Void
  ) async throws -> Int {
    let target =
      (schema.map { PostgresQuery.quoteIdentifier($0) + "." } ?? "")
      + PostgresQuery.quoteIdentifier(table)
    let columnList = columns.map(PostgresQuery.quoteIdentifier).joined(separator: ", ")
    let statement =
      "COPY \(target) (\(columnList)) FROM STDIN WITH (FORMAT \(format.rawValue))"
    return try await copyIn(statement: statement, format: format, body)
  }

  /// Runs a complete `COPY ... FROM STDIN` statement written by the caller (for options
  /// such as `DELIMITER` or `HEADER`); `format` must match the statement.
  @discardableResult
  public nonisolated func copyIn(
    statement: String,
    format: PostgresCopyFormat,
    _ body: (PostgresCopyIn) async throws -> Void
  ) async throws -> Int {
    try await startCopy(statement)
    let writer = PostgresCopyIn(connection: self, format: format)
    do {
      try await body(writer)
      try await writer.finish()
    } catch {
      try? await writer.settle()
      _ = try? await endCopy(failure: "aborted by the client: \(error)")
      throw error
    }
    return try await endCopy(failure: nil)
  }

  private func startCopy(_ statement: String) throws(PostgresError) {
    let pg = try requireHandle()
    let result = try check(PQexec(pg, statement))
    defer { PQclear(result) }
    guard PQresultStatus(result) == PGRES_COPY_IN else {
      throw PostgresError(
        kind: .unexpectedResult, message: "the statement is not a COPY ... FROM STDIN")
    }
  }

  func putCopyData(_ chunk: [UInt8]) throws(PostgresError) {
    let pg = try requireHandle()
    let status = chunk.withUnsafeBytes { bytes in
      PQputCopyData(
        pg, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
    }
    guard status == 1 else { throw connectionError() }
  }

  /// Ends the COPY (or aborts it with `failure`) and returns the number of rows loaded.
  private func endCopy(failure: String?) throws(PostgresError) -> Int {
    let pg = try requireHandle()
    guard PQputCopyEnd(pg, failure) == 1 else { throw connectionError() }
    var firstError: PostgresError?
    var count = 0
    while let result = PQgetResult(pg) {
      do {
        let checked = try check(result)
        count = Int(String(cString: PQcmdTuples(checked))) ?? count
        PQclear(checked)
      } catch {
        firstError = firstError ?? error
      }
    }
    if let firstError { throw firstError }
    return count
  }
}

extension PostgresPool {
  /// ``PostgresConnection/copyIn(into:schema:columns:format:_:)`` on a pooled connection.
  @discardableResult
  public func copyIn(
    into table: String,
    schema: String? = nil,
    columns: [String],
    format: PostgresCopyFormat = .binary,
    _ body: (PostgresCopyIn) async throws -> Void
  ) async throws -> Int {
    try await withConnection { connection in
      try await connection.copyIn(
        into: table, schema: schema, columns: columns, format: format, body)
    }
  }
}
