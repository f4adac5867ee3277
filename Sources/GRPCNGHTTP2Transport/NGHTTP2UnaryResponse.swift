public import GRPCCore

/// The answer to a lean unary call: the one serialized response message, the server's initial
/// metadata and its trailers (the status was OK).
public struct NGHTTP2UnaryResponse: Sendable {
  /// The response message's protobuf bytes (without the 5-byte gRPC prefix).
  public var message: [UInt8]
  /// The response headers other than the transport's own (`:status`, `content-type`, ...).
  public var metadata: Metadata
  /// The trailers other than `grpc-status` and `grpc-message`.
  public var trailers: Metadata

  public init(message: [UInt8], metadata: Metadata, trailers: Metadata) {
    self.message = message
    self.metadata = metadata
    self.trailers = trailers
  }
}
