import GRPCCore
import Testing

/// The RPC error `body` fails with; records an issue when it succeeds or fails otherwise.
func rpcError<T>(
  _ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation
) async -> RPCError? {
  do {
    _ = try await body()
    Issue.record("the call succeeded", sourceLocation: sourceLocation)
  } catch let error as RPCError {
    return error
  } catch {
    Issue.record("failed with \(error), not an RPC error", sourceLocation: sourceLocation)
  }
  return nil
}

extension RPCError {
  /// The `x-maac-error-reason` trailer (spec §5.5 code).
  var reason: String? { metadata[stringValues: "x-maac-error-reason"].first { _ in true } }
  /// The `x-maac-error-field` trailer.
  var field: String? { metadata[stringValues: "x-maac-error-field"].first { _ in true } }
}
