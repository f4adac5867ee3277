import GRPCCore
import PostgresClient

/// Maps database failures a handler did not handle itself to statuses a caller can act on.
///
/// A handler that expects a constraint violation (a duplicate name, say) catches it and
/// throws a ``ServiceError`` naming the field; this is the fallback for the rest.
public struct PostgresErrorTranslator: ErrorTranslator {
  public init() {}

  public func rpcError(for error: any Error) -> RPCError? {
    guard let error = error as? PostgresError else { return nil }
    switch error.kind {
    case .poolExhausted:
      return RPCError(
        code: .resourceExhausted,
        message: "the service is at its database connection limit; retry shortly")
    case .connectionFailed, .connectionClosed, .poolClosed:
      return RPCError(
        code: .unavailable, message: "the service's database is unreachable; retry shortly")
    case .server where error.isRetryableTransactionFailure:
      return RPCError(code: .aborted, message: "the change conflicted with a concurrent one; retry")
    case .server where error.sqlState == .uniqueViolation:
      return RPCError(
        code: .alreadyExists, message: "already exists (\(error.constraint ?? "unique constraint"))"
      )
    case .server where error.sqlState == .foreignKeyViolation:
      return RPCError(
        code: .failedPrecondition,
        message: "refers to something that does not exist (\(error.constraint ?? "foreign key"))")
    case .server where error.sqlState == .checkViolation:
      return RPCError(
        code: .invalidArgument,
        message: "a value is out of range (\(error.constraint ?? "check constraint"))")
    default:
      return nil
    }
  }
}
