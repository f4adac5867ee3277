import Foundation
public import InteropTestingContracts

extension Grpc_Testing_Payload {
  /// A COMPRESSABLE payload whose body is `count` zero bytes, as every interop case sends.
  public static func zeros(count: Int) -> Self {
    var payload = Self()
    payload.type = .compressable
    payload.body = Data(repeating: 0, count: count)
    return payload
  }
}
