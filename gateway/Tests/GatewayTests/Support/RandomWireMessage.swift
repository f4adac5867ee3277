import Foundation
import ServiceKit
import SwiftProtobuf

@testable import Gateway

/// Random serialized messages of a ``ProtoSchema`` type, for comparing ``ProtoJSONTranscoder``
/// with swift-protobuf: every field kind with its edge values (zeros on the wire for fields
/// without presence, -0.0, NaN, infinities, unknown enum numbers, control characters, C1
/// controls, non-ASCII), packed and unpacked repeated runs, map entries.
///
/// `scrambled` also writes what swift-protobuf's own encoder never does but decodes: fields out
/// of number order, unknown fields, a singular scalar field twice (the last one wins).
struct RandomWireMessage {
  let schema: ProtoSchema
  private var state: UInt64

  init(schema: ProtoSchema, seed: UInt64) {
    self.schema = schema
    self.state = seed
  }

  /// SplitMix64: reproducible from the seed a failing test prints.
  private mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  private mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
  private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

  static let strings = [
    "", "plain", "quote \" and back\\slash / ", "\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}",
    "del \u{7F} c1 \u{80}\u{9F} nbsp \u{A0}", "日本語のテキスト", "emoji 😀 ‮ \u{2028}",
  ]
  static let doubles: [Double] = [0, -0.0, 1.5, -2.25e-300, 1e21, 0.1, .infinity, -.infinity, .nan]

  mutating func message(_ index: Int, scrambled: Bool, depth: Int = 0) -> [UInt8] {
    let layout = schema.messages[index]
    if layout.customJSON != nil { return wellKnown(layout.fullName) }
    var chunks: [[UInt8]] = []
    var oneofsUsed: Set<Int> = []
    for field in layout.fields where chance(70) {
      if let oneof = field.oneof {
        guard oneofsUsed.insert(oneof).inserted else { continue }
      }
      if case .message = field.kind, depth >= 3 { continue }
      var chunk: [UInt8] = []
      if let entry = field.mapEntry {
        var keys: Set<[UInt8]> = []
        for _ in 0..<(1 + below(3)) {
          let entryFields = schema.messages[entry].fields
          let key = value(entryFields[0], depth: depth)
          guard keys.insert(key).inserted else { continue }
          var body = Self.tag(1, entryFields[0].wireType) + key
          body += Self.tag(2, entryFields[1].wireType) + value(entryFields[1], depth: depth)
          chunk += Self.tag(field.number, 2) + Self.varint(UInt64(body.count)) + body
        }
      } else if field.isRepeated {
        let count = 1 + below(3)
        if field.wireType != 2, chance(50) {
          var packed: [UInt8] = []
          for _ in 0..<count { packed += value(field, depth: depth) }
          chunk += Self.tag(field.number, 2) + Self.varint(UInt64(packed.count)) + packed
        } else {
          for _ in 0..<count {
            chunk += Self.tag(field.number, field.wireType) + value(field, depth: depth)
          }
        }
      } else {
        if scrambled, !isMessage(field), chance(20) {
          chunk += Self.tag(field.number, field.wireType) + value(field, depth: depth)
        }
        chunk += Self.tag(field.number, field.wireType) + value(field, depth: depth)
      }
      chunks.append(chunk)
    }
    if scrambled {
      chunks.append(Self.tag(9_999, 0) + Self.varint(next()))
      for index in chunks.indices.reversed() {
        chunks.swapAt(index, below(index + 1))
      }
    }
    return chunks.flatMap { $0 }
  }

  private func isMessage(_ field: FieldLayout) -> Bool {
    if case .message = field.kind { true } else { false }
  }

  /// One value of `field`'s kind as it follows its tag (length-prefixed where delimited).
  private mutating func value(_ field: FieldLayout, depth: Int) -> [UInt8] {
    switch field.kind {
    case .int64, .uint64:
      return Self.varint([0, 1, next(), UInt64(bitPattern: -5), UInt64.max][below(5)])
    case .int32, .uint32:
      return Self.varint(
        [0, 7, UInt64(UInt32(truncatingIfNeeded: next())), UInt64(bitPattern: -3)][below(4)])
    case .sint32, .sint64:
      return Self.varint([0, 1, 2, 3, next() >> 1][below(5)])
    case .bool:
      return Self.varint([0, 1, 2][below(3)])
    case .enumeration(let type):
      let known = Array(schema.enums[type].names.keys)
      let number: Int32 = chance(15) ? 99 : known[below(known.count)]
      return Self.varint(UInt64(bitPattern: Int64(number)))
    case .fixed32, .sfixed32:
      return Self.littleEndian(UInt64(UInt32(truncatingIfNeeded: next())), bytes: 4)
    case .fixed64, .sfixed64:
      return Self.littleEndian(next(), bytes: 8)
    case .float:
      let float = Float(Self.doubles[below(Self.doubles.count)])
      return Self.littleEndian(UInt64(float.bitPattern), bytes: 4)
    case .double:
      return Self.littleEndian(Self.doubles[below(Self.doubles.count)].bitPattern, bytes: 8)
    case .string:
      let string = Array(Self.strings[below(Self.strings.count)].utf8)
      return Self.varint(UInt64(string.count)) + string
    case .bytes:
      let bytes = (0..<below(8)).map { _ in UInt8(truncatingIfNeeded: next()) }
      return Self.varint(UInt64(bytes.count)) + bytes
    case .message(let nested):
      let body = message(nested, scrambled: false, depth: depth + 1)
      return Self.varint(UInt64(body.count)) + body
    }
  }

  /// Valid values of the well-known types (their JSON comes from swift-protobuf either way).
  private mutating func wellKnown(_ name: String) -> [UInt8] {
    let message: any SwiftProtobuf.Message =
      switch name {
      case "google.protobuf.Timestamp":
        Google_Protobuf_Timestamp(
          seconds: Int64(below(4_000_000_000)),
          nanos: Int32([0, 5_000_000, 123_456_000, 7][below(4)]))
      case "google.protobuf.Duration":
        Google_Protobuf_Duration(seconds: Int64(below(100_000)), nanos: Int32(below(1_000) * 1_000))
      case "google.protobuf.FieldMask":
        Google_Protobuf_FieldMask(protoPaths: ["display_name", "custom_fields.tier"])
      case "google.protobuf.Struct":
        // One key: swift-protobuf writes a Struct in its dictionary's order.
        Google_Protobuf_Struct(fields: [
          "tags": Google_Protobuf_Value(
            listValue: .init(values: [
              .init(boolValue: true), .init(numberValue: 1.5), .init(stringValue: "Amy"),
            ]))
        ])
      case "google.protobuf.Value": Google_Protobuf_Value(stringValue: "v")
      case "google.protobuf.Int32Value": Google_Protobuf_Int32Value(Int32(below(1_000)) - 500)
      case "google.protobuf.StringValue": Google_Protobuf_StringValue("s")
      default: Google_Protobuf_Empty()  // Any: empty, written `{}` by both
      }
    return try! message.serializedBytes()
  }

  static func tag(_ number: Int, _ wireType: UInt8) -> [UInt8] {
    var bytes: [UInt8] = []
    ProtobufWire.appendTag(field: number, wireType: wireType, to: &bytes)
    return bytes
  }

  static func varint(_ value: UInt64) -> [UInt8] {
    var bytes: [UInt8] = []
    ProtobufWire.appendVarint(value, to: &bytes)
    return bytes
  }

  static func littleEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
    (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }
}
