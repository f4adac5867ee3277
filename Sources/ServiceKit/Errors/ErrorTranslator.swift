import GRPCCore

/// Turns an error that is not already an RPC status into one, or declines with `nil`.
///
/// Libraries below the RPC layer (the PostgreSQL client, outbound RPC clients) throw their
/// own errors; one translator per library keeps the mapping in one place.
public protocol ErrorTranslator: Sendable {
  func rpcError(for error: any Error) -> RPCError?
}
