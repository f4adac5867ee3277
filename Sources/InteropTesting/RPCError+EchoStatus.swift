import GRPCCore
import InteropTestingContracts

extension RPCError {
  /// The error a server ends an RPC with when the client asks for `status` (interop
  /// "Echo Status"); `nil` when the requested code is OK, because OK is not an error.
  init?(echoing status: Grpc_Testing_EchoStatus) {
    guard status.code != 0 else { return nil }
    // A code outside 1...16 is not a gRPC status; UNKNOWN is what every peer maps it to.
    let code = Status.Code(rawValue: Int(status.code)).flatMap { RPCError.Code($0) } ?? .unknown
    self.init(code: code, message: status.message)
  }

  /// This error with `metadata` as its trailing metadata.
  func withMetadata(_ metadata: Metadata) -> RPCError {
    var copy = self
    copy.metadata.add(contentsOf: metadata)
    return copy
  }
}
