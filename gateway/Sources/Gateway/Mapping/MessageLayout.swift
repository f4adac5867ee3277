/// One message type of a ``ProtoSchema``: its fields in field-number order (the order
/// swift-protobuf writes JSON members in).
struct MessageLayout: Sendable {
  /// A well-known type with a JSON form of its own (`Timestamp` as an RFC 3339 string, `Struct`
  /// as a free object, wrappers as bare values...): written by swift-protobuf's own type.
  typealias CustomJSON = @Sendable (ArraySlice<UInt8>) throws -> [UInt8]

  var fullName: String
  var fields: [FieldLayout]
  var customJSON: CustomJSON?
  /// Whether the transcoder can write this message and every message it contains: not when one
  /// has a group or a `google.protobuf.NullValue` field, or comes from a proto2 file.
  var isSupported = true
}

/// One enum type of a ``ProtoSchema``: the JSON string (`"NAME"`, quoted) of each known value,
/// and the number of each name.
struct EnumLayout: Sendable {
  var names: [Int32: [UInt8]]
  var numbers: [String: Int32]
}
