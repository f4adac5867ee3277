/// JSON strings and base64 as swift-protobuf's `JSONEncoder` writes them, for
/// ``ProtoJSONTranscoder`` (and the strings of ``ScalarJSONWriter``): the same escapes (`\b \t \n \f \r \" \\`, `\u00XX` with upper-case
/// hex digits for the other C0 controls, DEL and the C1 controls), the same UTF-8 validation
/// (Swift's UTF-8 parser, which swift-protobuf's decoder uses), standard padded base64.
enum JSONStringEscaping {
  private static let hexDigits = Array("0123456789ABCDEF".utf8)
  private static let base64Digits = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// Appends `bytes` as a quoted JSON string; throws when they are not valid UTF-8.
  static func appendQuoted<E: Error>(
    _ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], invalid: @autoclosure () -> E
  ) throws(E) {
    if bytes.contains(where: { $0 >= 0x80 }), !isValidUTF8(bytes) { throw invalid() }
    appendEscaped(bytes, to: &out)
  }

  /// Appends `string` (always valid UTF-8) as a quoted JSON string.
  static func appendQuoted(_ string: String, to out: inout [UInt8]) {
    var string = string
    string.withUTF8 { appendEscaped($0, to: &out) }
  }

  private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case 8: out.append(contentsOf: #"\b"#.utf8)
      case 9: out.append(contentsOf: #"\t"#.utf8)
      case 10: out.append(contentsOf: #"\n"#.utf8)
      case 12: out.append(contentsOf: #"\f"#.utf8)
      case 13: out.append(contentsOf: #"\r"#.utf8)
      case 34: out.append(contentsOf: #"\""#.utf8)
      case 92: out.append(contentsOf: #"\\"#.utf8)
      case 0..<32, 127:
        appendHexEscape(byte, to: &out)
      case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]):
        // U+0080...U+009F, the C1 controls.
        appendHexEscape(bytes[index + 1], to: &out)
        index += 1
      default:
        out.append(byte)
      }
      index += 1
    }
    out.append(UInt8(ascii: "\""))
  }

  /// Appends `bytes` as a quoted base64 string.
  static func appendBase64(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var index = 0
    while index + 3 <= bytes.count {
      let group = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
      appendBase64Group(group, digits: 4, to: &out)
      index += 3
    }
    switch bytes.count - index {
    case 2:
      appendBase64Group(Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8, digits: 3, to: &out)
      out.append(UInt8(ascii: "="))
    case 1:
      appendBase64Group(Int(bytes[index]) << 16, digits: 2, to: &out)
      out.append(contentsOf: "==".utf8)
    default:
      break
    }
    out.append(UInt8(ascii: "\""))
  }

  private static func appendBase64Group(_ group: Int, digits: Int, to out: inout [UInt8]) {
    for position in 0..<digits { out.append(base64Digits[(group >> (18 - 6 * position)) & 63]) }
  }

  private static func appendHexEscape(_ value: UInt8, to out: inout [UInt8]) {
    out.append(contentsOf: #"\u00"#.utf8)
    out.append(hexDigits[Int(value >> 4)])
    out.append(hexDigits[Int(value & 15)])
  }

  private static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid: continue
      case .error: return false
      case .emptyInput: return true
      }
    }
  }
}
