import ServiceKit

/// Writes a bodiless request's fields (path and query values the gateway collected, by request
/// field name) straight as protobuf wire bytes, instead of writing them as JSON for
/// swift-protobuf to parse and serialize again (most GETs: `{"contact_id": "5"}`).
///
/// Only what has one unambiguous encoding is written here: top-level scalar and enum fields,
/// repeated or not, with canonical decimal integers (`0`, `-12`, `42`; no sign `+`, no leading
/// zero, no exponent), booleans, strings and enum names. Anything else answers `nil` and the
/// caller takes the JSON path, so swift-protobuf's JSON mapping decides it and words its errors
/// (an unknown field, `page_size=ten`, a number out of range...).
struct ProtoRequestEncoder: Sendable {
  private let schema: ProtoSchema
  private let fields: [String: FieldLayout]

  /// An encoder for the message `fullName`, or `nil` when the schema does not have it.
  init?(schema: ProtoSchema = .maac, messageNamed fullName: String) {
    guard let index = schema.message(named: fullName), schema.messages[index].customJSON == nil
    else { return nil }
    self.schema = schema
    var fields: [String: FieldLayout] = [:]
    for field in schema.messages[index].fields { fields[field.name] = field }
    self.fields = fields
  }

  /// The wire bytes of `object` (request field name → `String`, `Bool` or an array of them),
  /// or `nil` when the JSON path must decide.
  func encode(_ object: [String: Any]) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(16 * object.count)
    for (name, value) in object {
      guard let field = fields[name], field.mapEntry == nil else { return nil }
      if field.isRepeated {
        guard let items = value as? [Any] else { return nil }
        for item in items {
          guard append(item, as: field, to: &out) else { return nil }
        }
      } else {
        guard !(value is [Any]), append(value, as: field, to: &out) else { return nil }
      }
    }
    return out
  }

  /// Appends one value of `field` with its tag (unpacked: every parser takes both forms).
  private func append(_ value: Any, as field: FieldLayout, to out: inout [UInt8]) -> Bool {
    if field.kind == .string, let string = value as? String {
      ProtobufWire.appendString(string, field: field.number, to: &out)
      return true
    }
    guard let varint = varint(value, as: field.kind) else { return false }
    ProtobufWire.appendTag(field: field.number, wireType: 0, to: &out)
    ProtobufWire.appendVarint(varint, to: &out)
    return true
  }

  /// The varint of a bool, an enum name or a canonical decimal integer of its field's range;
  /// `nil` for sint, fixed, floating point, bytes and message fields, and any other value.
  private func varint(_ value: Any, as kind: FieldLayout.Kind) -> UInt64? {
    switch (kind, value) {
    case (.bool, let bool as Bool):
      return bool ? 1 : 0
    case (.enumeration(let type), let name as String):
      return schema.enums[type].numbers[name].map { UInt64(bitPattern: Int64($0)) }
    case (_, let text as String) where Self.isCanonicalInteger(text):
      switch kind {
      case .int64: return Int64(text).map { UInt64(bitPattern: $0) }
      case .int32: return Int32(text).map { UInt64(bitPattern: Int64($0)) }
      case .uint64: return UInt64(text)
      case .uint32: return UInt32(text).map { UInt64($0) }
      default: return nil
      }
    default:
      return nil
    }
  }

  /// Whether `text` is a canonical decimal integer (`-?(0|[1-9][0-9]*)`, not `-0`).
  private static func isCanonicalInteger(_ text: String) -> Bool {
    var digits = text.utf8[...]
    if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
    guard let first = digits.first, digits.count <= 20,
      digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
    else { return false }
    return first != UInt8(ascii: "0") || (digits.count == 1 && text.utf8.count == 1)
  }
}
