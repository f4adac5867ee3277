/// Protobuf wire-format writing for the places that build a message's bytes directly instead of
/// through a generated type (contacts' created events, the gateway's bodiless requests).
public enum ProtobufWire {
  /// A base-128 varint.
  public static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  /// The tag of field `field` with wire type `wireType`.
  public static func appendTag(field: Int, wireType: UInt8, to bytes: inout [UInt8]) {
    appendVarint(UInt64(field) << 3 | UInt64(wireType), to: &bytes)
  }

  /// Field `field` with wire type 2 (LEN) holding `payload`.
  public static func appendLengthDelimited(_ payload: [UInt8], field: Int, to bytes: inout [UInt8])
  {
    appendTag(field: field, wireType: 2, to: &bytes)
    appendVarint(UInt64(payload.count), to: &bytes)
    bytes += payload
  }

  /// A `string` field: its UTF-8 bytes, length-delimited.
  public static func appendString(_ value: String, field: Int, to bytes: inout [UInt8]) {
    appendTag(field: field, wireType: 2, to: &bytes)
    var value = value
    value.withUTF8 { utf8 in
      appendVarint(UInt64(utf8.count), to: &bytes)
      bytes.append(contentsOf: utf8)
    }
  }
}
