public import GRPCCore
import InteropTestingContracts

/// `custom_metadata`: an ASCII and a binary request metadata value come back, the first in the
/// initial and the second in the trailing metadata, of a UnaryCall and of a FullDuplexCall.
public struct CustomMetadata: InteropTest {
  static let initialValue = "test_initial_metadata_value"
  static let trailingValue: [UInt8] = [0xAB, 0xAB, 0xAB]

  public init() {}

  public func run<Transport: ClientTransport>(client: GRPCClient<Transport>) async throws {
    let testService = Grpc_Testing_TestService.Client(wrapping: client)
    var metadata = Metadata()
    metadata.addString(Self.initialValue, forKey: InteropMetadataKey.echoInitial)
    metadata.addBinary(Self.trailingValue, forKey: InteropMetadataKey.echoTrailing)

    var unaryRequest = Grpc_Testing_SimpleRequest()
    unaryRequest.responseSize = 314_159
    unaryRequest.payload = .zeros(count: 271_828)
    let unary = try await testService.unaryCall(unaryRequest, metadata: metadata) { response in
      (try response.message, response.metadata, response.trailingMetadata)
    }
    try expect(unary.0.payload.body.count == 314_159, "UnaryCall: wrong payload size")
    try Self.check(initial: unary.1, trailing: unary.2, rpc: "UnaryCall")

    let duplexRequest = StreamingClientRequest(
      of: Grpc_Testing_StreamingOutputCallRequest.self,
      metadata: metadata
    ) { writer in
      try await writer.write(.asking(forResponsesOf: [314_159], payloadSize: 271_828))
    }
    let duplex = try await testService.fullDuplexCall(request: duplexRequest) { response in
      var sizes: [Int] = []
      var trailing = Metadata()
      for try await part in response.bodyParts {
        switch part {
        case .message(let message): sizes.append(message.payload.body.count)
        case .trailingMetadata(let metadata): trailing = metadata
        }
      }
      return (sizes, response.metadata, trailing)
    }
    try expect(
      duplex.0 == [314_159], "FullDuplexCall: expected one 314159-byte response, got \(duplex.0)")
    try Self.check(initial: duplex.1, trailing: duplex.2, rpc: "FullDuplexCall")
  }

  private static func check(initial: Metadata, trailing: Metadata, rpc: String) throws {
    let initialValues = Array(initial[stringValues: InteropMetadataKey.echoInitial])
    try expect(
      initialValues == [Self.initialValue],
      "\(rpc): initial metadata \(InteropMetadataKey.echoInitial) is \(initialValues)"
    )
    let trailingValues = Array(trailing[binaryValues: InteropMetadataKey.echoTrailing])
    try expect(
      trailingValues == [Self.trailingValue],
      "\(rpc): trailing metadata \(InteropMetadataKey.echoTrailing) is \(trailingValues)"
    )
  }
}
