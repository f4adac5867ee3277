import Testing

@testable import GRPCNGHTTP2Transport

/// The gRPC length-prefix framing on both sides, at awkward chunk boundaries.
@Suite("Message framing")
struct FramingTests {
  @Test("Outbound queue frames messages correctly whatever the read size; deframer recovers them")
  func roundTripAtEveryChunkSize() throws {
    let messages: [[UInt8]] = [
      [], [1], Array(0..<200), [UInt8](repeating: 9, count: 70_000), [7, 7],
    ]
    for chunk in [1, 2, 3, 4, 5, 6, 7, 16_384, 100_000] {
      var queue = OutboundMessageQueue()
      for message in messages { queue.append(message) }
      var wire: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: chunk)
      while !queue.isEmpty {
        let count = buffer.withUnsafeMutableBytes { queue.read(into: $0) }
        wire += buffer[0..<count]
      }
      #expect(wire.count == messages.reduce(0) { $0 + $1.count + 5 })

      var deframer = GRPCMessageDeframer(maxMessageSize: 1 << 20)
      var decoded: [[UInt8]] = []
      var offset = 0
      while offset < wire.count {
        let end = min(wire.count, offset + chunk)
        try wire[offset..<end].withUnsafeBytes { bytes in
          try deframer.process(bytes) { decoded.append($0) }
        }
        offset = end
      }
      #expect(decoded == messages, "chunk size \(chunk)")
      #expect(!deframer.hasPartialMessage)
    }
  }

  @Test("Deframer rejects a declared length above the limit before buffering it")
  func deframerLimit() {
    var deframer = GRPCMessageDeframer(maxMessageSize: 10)
    let bytes: [UInt8] = [0, 0, 0, 0, 11]
    #expect(throws: GRPCMessageDeframer.Failure.messageTooLarge(length: 11, limit: 10)) {
      try bytes.withUnsafeBytes { try deframer.process($0) { _ in } }
    }
  }

  @Test("Percent-encoding and base64 helpers round-trip")
  func encodings() {
    let message = "\t\n☺ 100% 😈"
    let encoded = GRPCStatusMessage.encode(message)
    #expect(String(decoding: encoded, as: UTF8.self) == "%09%0A%E2%98%BA 100%25 %F0%9F%98%88")
    #expect(encoded.withUnsafeBytes { GRPCStatusMessage.decode($0) } == message)
    for count in 0..<10 {
      let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + 200) }
      let base64 = Base64.encode(bytes)
      #expect(base64.withUnsafeBytes { Base64.decode($0) } == bytes)
      let padded = base64 + [UInt8](repeating: UInt8(ascii: "="), count: (4 - base64.count % 4) % 4)
      #expect(padded.withUnsafeBytes { Base64.decode($0) } == bytes)
    }
  }
}
