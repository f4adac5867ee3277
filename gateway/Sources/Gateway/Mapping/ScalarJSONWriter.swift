/// Writes the small JSON objects the gateway builds itself (path ids, query values, enum names)
/// without going through `JSONSerialization`: for bodiless requests, the common case of every
/// GET, the request JSON is assembled directly and handed to swift-protobuf.
enum ScalarJSONWriter {
  /// The JSON text of `object`, or `nil` when it holds a value other than the gateway's own
  /// `String`, `Bool` and arrays of them (then the caller falls back to Foundation).
  static func write(_ object: [String: Any]) -> [UInt8]? {
    var out: [UInt8] = [UInt8(ascii: "{")]
    out.reserveCapacity(64)
    var first = true
    for (key, value) in object {
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      JSONStringEscaping.appendQuoted(key, to: &out)
      out.append(UInt8(ascii: ":"))
      guard append(value, to: &out) else { return nil }
    }
    out.append(UInt8(ascii: "}"))
    return out
  }

  private static func append(_ value: Any, to out: inout [UInt8]) -> Bool {
    switch value {
    case let string as String:
      JSONStringEscaping.appendQuoted(string, to: &out)
    case let bool as Bool:
      out.append(contentsOf: (bool ? "true" : "false").utf8)
    case let array as [Any]:
      out.append(UInt8(ascii: "["))
      for (index, item) in array.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        guard append(item, to: &out) else { return false }
      }
      out.append(UInt8(ascii: "]"))
    default:
      return false
    }
    return true
  }
}
