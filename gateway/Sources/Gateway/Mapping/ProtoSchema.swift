import Foundation
import MAACContracts
import SwiftProtobuf

/// The message and enum types of a descriptor set, laid out for ``ProtoJSONTranscoder``.
///
/// Built once: from ``MAACDescriptorSet`` (every Protos/maac file and its imports) for the
/// gateway's routes.
struct ProtoSchema: Sendable {
  private(set) var messages: [MessageLayout] = []
  private(set) var enums: [EnumLayout] = []
  private var messageIndex: [String: Int] = [:]

  /// The schema of every MAAC contract, decoded from the embedded descriptor set.
  static let maac: ProtoSchema = {
    guard let bytes = Data(base64Encoded: MAACDescriptorSet.base64),
      let set = try? Google_Protobuf_FileDescriptorSet(serializedBytes: bytes)
    else { preconditionFailure("MAACDescriptorSet is not a FileDescriptorSet") }
    return ProtoSchema(set)
  }()

  init(_ set: Google_Protobuf_FileDescriptorSet) {
    var enumIndex: [String: Int] = [:]
    // Names first (fields refer to types declared later or in other files).
    var declared: [(name: String, descriptor: Google_Protobuf_DescriptorProto, proto3: Bool)] = []
    var declaredEnums: [(name: String, descriptor: Google_Protobuf_EnumDescriptorProto)] = []
    func collect(_ message: Google_Protobuf_DescriptorProto, prefix: String, proto3: Bool) {
      let name = prefix + "." + message.name
      declared.append((name, message, proto3))
      for nested in message.nestedType { collect(nested, prefix: name, proto3: proto3) }
      for nested in message.enumType { declaredEnums.append((name + "." + nested.name, nested)) }
    }
    for file in set.file {
      let prefix = file.package.isEmpty ? "" : "." + file.package
      for message in file.messageType {
        collect(message, prefix: prefix, proto3: file.syntax == "proto3")
      }
      for item in file.enumType { declaredEnums.append((prefix + "." + item.name, item)) }
    }
    for (position, item) in declaredEnums.enumerated() {
      enumIndex[item.name] = position
      var names: [Int32: [UInt8]] = [:]
      var numbers: [String: Int32] = [:]
      for value in item.descriptor.value {
        numbers[value.name] = value.number
        // The first name of a number, as swift-protobuf's generated enum keeps it.
        if names[value.number] == nil { names[value.number] = Array("\"\(value.name)\"".utf8) }
      }
      enums.append(EnumLayout(names: names, numbers: numbers))
    }
    for (position, item) in declared.enumerated() { messageIndex[item.name] = position }

    // proto2 and editions files have presence rules and defaults of their own: every MAAC
    // contract and every well-known type is proto3, so only proto3 is transcoded.
    var unsupported = Set(declared.indices.filter { !declared[$0].proto3 })
    for (position, item) in declared.enumerated() {
      var fields: [FieldLayout] = []
      for field in item.descriptor.field {
        let kind: FieldLayout.Kind
        switch field.type {
        case .double: kind = .double
        case .float: kind = .float
        case .int64: kind = .int64
        case .uint64: kind = .uint64
        case .int32: kind = .int32
        case .fixed64: kind = .fixed64
        case .fixed32: kind = .fixed32
        case .bool: kind = .bool
        case .string: kind = .string
        case .bytes: kind = .bytes
        case .uint32: kind = .uint32
        case .sfixed32: kind = .sfixed32
        case .sfixed64: kind = .sfixed64
        case .sint32: kind = .sint32
        case .sint64: kind = .sint64
        case .enum:
          // NullValue writes `null`, not its name: left to swift-protobuf.
          guard field.typeName != ".google.protobuf.NullValue",
            let index = enumIndex[field.typeName]
          else {
            unsupported.insert(position)
            kind = .int32
            break
          }
          kind = .enumeration(index)
        case .message:
          guard let index = messageIndex[field.typeName] else {
            unsupported.insert(position)
            kind = .int32
            break
          }
          kind = .message(index)
        default:  // groups
          unsupported.insert(position)
          kind = .int32
        }
        let isRepeated = field.label == .repeated
        var mapEntry: Int?
        if isRepeated, case .message(let entry) = kind,
          declared[entry].descriptor.options.mapEntry
        {
          mapEntry = entry
        }
        let isMessage = if case .message = kind { true } else { false }
        let inRealOneof = field.hasOneofIndex && !field.proto3Optional
        fields.append(
          FieldLayout(
            number: Int(field.number), name: field.name, key: Array("\"\(field.name)\":".utf8),
            kind: kind,
            isRepeated: isRepeated,
            hasPresence: !isRepeated
              && (isMessage || field.hasOneofIndex || field.proto3Optional),
            oneof: inRealOneof ? Int(field.oneofIndex) : nil, mapEntry: mapEntry))
      }
      fields.sort { $0.number < $1.number }
      messages.append(
        MessageLayout(
          fullName: String(item.name.dropFirst()), fields: fields,
          customJSON: Self.wellKnownJSON[String(item.name.dropFirst())]))
    }
    // A message is unsupported when it, or any message it contains, is.
    var changed = true
    while changed {
      changed = false
      for position in messages.indices where !unsupported.contains(position) {
        guard messages[position].customJSON == nil else { continue }
        let containsUnsupported = messages[position].fields.contains { field in
          if case .message(let index) = field.kind { unsupported.contains(index) } else { false }
        }
        if containsUnsupported {
          unsupported.insert(position)
          changed = true
        }
      }
    }
    for position in unsupported { messages[position].isSupported = false }
  }

  /// The index of the message `fullName` (e.g. `maac.contacts.v1.Contact`).
  func message(named fullName: String) -> Int? {
    messageIndex["." + fullName]
  }

  /// The well-known types whose JSON form is not an object of their fields.
  private static let wellKnownJSON: [String: MessageLayout.CustomJSON] = [
    "google.protobuf.Any": delegate(Google_Protobuf_Any.self),
    "google.protobuf.Timestamp": delegate(Google_Protobuf_Timestamp.self),
    "google.protobuf.Duration": delegate(Google_Protobuf_Duration.self),
    "google.protobuf.FieldMask": delegate(Google_Protobuf_FieldMask.self),
    "google.protobuf.Struct": delegate(Google_Protobuf_Struct.self),
    "google.protobuf.Value": delegate(Google_Protobuf_Value.self),
    "google.protobuf.ListValue": delegate(Google_Protobuf_ListValue.self),
    "google.protobuf.DoubleValue": delegate(Google_Protobuf_DoubleValue.self),
    "google.protobuf.FloatValue": delegate(Google_Protobuf_FloatValue.self),
    "google.protobuf.Int64Value": delegate(Google_Protobuf_Int64Value.self),
    "google.protobuf.UInt64Value": delegate(Google_Protobuf_UInt64Value.self),
    "google.protobuf.Int32Value": delegate(Google_Protobuf_Int32Value.self),
    "google.protobuf.UInt32Value": delegate(Google_Protobuf_UInt32Value.self),
    "google.protobuf.BoolValue": delegate(Google_Protobuf_BoolValue.self),
    "google.protobuf.StringValue": delegate(Google_Protobuf_StringValue.self),
    "google.protobuf.BytesValue": delegate(Google_Protobuf_BytesValue.self),
  ]

  private static func delegate<M: SwiftProtobuf.Message>(_ type: M.Type)
    -> MessageLayout.CustomJSON
  {
    { bytes in
      try M(serializedBytes: bytes).jsonUTF8Bytes(options: Route.jsonEncoding)
    }
  }
}
