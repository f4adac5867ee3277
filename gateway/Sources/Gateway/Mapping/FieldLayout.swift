/// One field of a ``MessageLayout``: what the transcoder needs to read its wire value and write
/// its proto3 JSON member.
struct FieldLayout: Sendable {
  /// The field's protobuf type; messages and enums by index into ``ProtoSchema``.
  enum Kind: Sendable, Equatable {
    case double, float, int64, uint64, int32, fixed64, fixed32, bool, string, bytes, uint32
    case sfixed32, sfixed64, sint32, sint64
    case enumeration(Int)
    case message(Int)
  }

  var number: Int
  /// The proto field name (`contact_id`).
  var name: String
  /// `"name":`, the member's key as written (proto field names, `preserveProtoFieldNames`).
  var key: [UInt8]
  var kind: Kind
  var isRepeated: Bool
  /// Written even when it holds its default value: proto3 `optional`, oneof members and
  /// message fields. Other singular fields are omitted at their default, as swift-protobuf does.
  var hasPresence: Bool
  /// The index of the (real, not synthetic) oneof the field belongs to.
  var oneof: Int?
  /// For a map field, the index of its entry message (key = field 1, value = field 2).
  var mapEntry: Int?

  /// The wire type a single value of this kind is written with.
  var wireType: UInt8 {
    switch kind {
    case .double, .fixed64, .sfixed64: 1
    case .string, .bytes, .message: 2
    case .float, .fixed32, .sfixed32: 5
    default: 0
    }
  }
}
