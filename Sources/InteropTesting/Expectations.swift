import GRPCCore

/// Throws ``InteropTestFailure`` with `message` unless `condition` holds.
func expect(
  _ condition: Bool,
  _ message: @autoclosure () -> String,
  file: StaticString = #fileID,
  line: UInt = #line
) throws(InteropTestFailure) {
  if !condition {
    throw InteropTestFailure(message(), file: file, line: line)
  }
}

/// Runs `body`, which must fail with an `RPCError` of `code`; returns that error.
@discardableResult
func expectRPCError(
  _ code: RPCError.Code,
  file: StaticString = #fileID,
  line: UInt = #line,
  _ body: () async throws -> Void
) async throws -> RPCError {
  do {
    try await body()
  } catch let error as RPCError {
    try expect(
      error.code == code,
      "expected status \(code), got \(error.code): \(error.message)",
      file: file,
      line: line
    )
    return error
  } catch {
    throw InteropTestFailure("expected status \(code), got \(error)", file: file, line: line)
  }
  throw InteropTestFailure("expected status \(code), but the RPC succeeded", file: file, line: line)
}

/// Whether `error` is how GRPCCore reports an RPC that this client cancelled: CANCELLED, or the
/// `CancellationError` of the cancelled task (bare or as the cause of an RPCError).
func isLocalCancellation(_ error: any Error) -> Bool {
  if error is CancellationError { return true }
  guard let rpcError = error as? RPCError else { return false }
  if rpcError.code == .cancelled { return true }
  return rpcError.cause.map(isLocalCancellation) ?? false
}

/// Runs `body`, which must end because this client cancelled it (see `isLocalCancellation`).
func expectCancellation(
  file: StaticString = #fileID,
  line: UInt = #line,
  _ body: () async throws -> Void
) async throws {
  do {
    try await body()
  } catch {
    try expect(
      isLocalCancellation(error),
      "expected the call to end as CANCELLED, got \(error)",
      file: file,
      line: line
    )
    return
  }
  throw InteropTestFailure("expected CANCELLED, but the call succeeded", file: file, line: line)
}
