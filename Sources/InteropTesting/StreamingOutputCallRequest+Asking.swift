public import InteropTestingContracts

extension Grpc_Testing_StreamingOutputCallRequest {
  /// A request for one response per entry of `responseSizes` (payload sizes in bytes), itself
  /// carrying a payload of `payloadSize` zero bytes (none when `nil`).
  public static func asking(forResponsesOf responseSizes: [Int], payloadSize: Int? = nil) -> Self {
    var request = Self()
    request.responseParameters = responseSizes.map { size in
      var parameters = Grpc_Testing_ResponseParameters()
      parameters.size = Int32(size)
      return parameters
    }
    if let payloadSize {
      request.payload = .zeros(count: payloadSize)
    }
    return request
  }
}
