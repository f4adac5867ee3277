/// Base64 for `-bin` metadata values.
///
/// gRPC sends binary metadata base64-encoded without padding and must accept it with or without
/// padding; both directions are small enough that a table-driven coder beats pulling in Foundation.
enum Base64 {
  private static let alphabet: [UInt8] = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
  )

  private static let decodeTable: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
    // Also accept the URL-safe alphabet: some peers use it.
    table[Int(UInt8(ascii: "-"))] = 62
    table[Int(UInt8(ascii: "_"))] = 63
    return table
  }()

  /// Encodes without padding, as gRPC peers send it.
  static func encode(_ bytes: [UInt8]) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count * 4 + 2) / 3)
    var index = 0
    while index + 3 <= bytes.count {
      let value =
        UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
      output.append(alphabet[Int((value >> 18) & 63)])
      output.append(alphabet[Int((value >> 12) & 63)])
      output.append(alphabet[Int((value >> 6) & 63)])
      output.append(alphabet[Int(value & 63)])
      index += 3
    }
    let remaining = bytes.count - index
    if remaining == 1 {
      let value = UInt32(bytes[index]) << 16
      output.append(alphabet[Int((value >> 18) & 63)])
      output.append(alphabet[Int((value >> 12) & 63)])
    } else if remaining == 2 {
      let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
      output.append(alphabet[Int((value >> 18) & 63)])
      output.append(alphabet[Int((value >> 12) & 63)])
      output.append(alphabet[Int((value >> 6) & 63)])
    }
    return output
  }

  /// Decodes padded or unpadded input; `nil` if a byte is outside the alphabet.
  static func decode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
    var end = input.count
    while end > 0 && input[end - 1] == UInt8(ascii: "=") { end -= 1 }
    var output: [UInt8] = []
    output.reserveCapacity(end * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    for index in 0..<end {
      let decoded = decodeTable[Int(input[index])]
      if decoded == 0xFF { return nil }
      accumulator = accumulator << 6 | UInt32(decoded)
      bits += 6
      if bits >= 8 {
        bits -= 8
        output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
      }
    }
    return output
  }
}
