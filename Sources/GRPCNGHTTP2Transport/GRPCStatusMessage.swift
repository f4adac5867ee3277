/// Percent-encoding of `grpc-message`, as the gRPC HTTP/2 protocol prescribes: bytes outside
/// printable ASCII (0x20...0x7E) and `%` itself are sent as `%XX` of their UTF-8 bytes.
enum GRPCStatusMessage {
  private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

  static func encode(_ message: String) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(message.utf8.count)
    for byte in message.utf8 {
      if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
        output.append(byte)
      } else {
        output.append(UInt8(ascii: "%"))
        output.append(hex[Int(byte >> 4)])
        output.append(hex[Int(byte & 0x0F)])
      }
    }
    return output
  }

  /// Decodes `%XX` sequences; malformed sequences are kept verbatim (the spec asks receivers
  /// not to fail the RPC over a badly encoded message).
  static func decode(_ input: UnsafeRawBufferPointer) -> String {
    var output: [UInt8] = []
    output.reserveCapacity(input.count)
    var index = 0
    while index < input.count {
      let byte = input[index]
      if byte == UInt8(ascii: "%"), index + 2 < input.count,
        let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
      {
        output.append(high << 4 | low)
        index += 3
      } else {
        output.append(byte)
        index += 1
      }
    }
    return String(decoding: output, as: UTF8.self)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
