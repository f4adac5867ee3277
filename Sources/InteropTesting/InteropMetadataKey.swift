/// The metadata keys the interoperability tests echo from request to response.
public enum InteropMetadataKey {
  /// The server sends this key's request value back in the initial metadata (headers).
  public static let echoInitial = "x-grpc-test-echo-initial"
  /// The server sends this key's request value back in the trailing metadata (trailers).
  public static let echoTrailing = "x-grpc-test-echo-trailing-bin"
}
