import Foundation
import MAACContracts
import SwiftProtobuf
import Testing

@testable import Gateway

/// The reply transcoder writes the JSON swift-protobuf writes (G14: JSON ↔ protobuf through
/// swift-protobuf's mapping or explicit mappers), and leaves every reply it cannot write
/// exactly to swift-protobuf.
@Suite("Protobuf → JSON transcoder")
struct ProtoJSONTranscoderTests {
  /// Every unary route's reply type, and messages with the kinds the routes' replies lack
  /// (doubles, bytes, `map<int64, message>`, `map<string, int64>`, Struct, Any, Duration,
  /// Int32Value).
  static let types: [any SwiftProtobuf.Message.Type] = {
    var types = GatewayRoutes.all.routes.compactMap(\.responseType)
    types += [
      Maac_Journey_V1_NodeReport.self, Maac_Cdh_V1_BatchGetUnifiedMembersResponse.self,
      Maac_Contacts_V1_ContactStats.self, Maac_Contacts_V1_FileChunk.self,
      Maac_Common_V1_EventEnvelope.self, Maac_Cdh_V1_MergedProfile.self,
      Maac_Admin_V1_AdvanceClockRequest.self, Maac_Cdh_V1_AuditLogEntry.self,
    ]
    var seen: Set<String> = []
    return types.filter { seen.insert($0.protoMessageName).inserted }
  }()

  static let deterministic: JSONEncodingOptions = {
    var options = Route.jsonEncoding
    options.useDeterministicOrdering = true
    return options
  }()

  static func transcoder(_ type: any SwiftProtobuf.Message.Type) throws -> ProtoJSONTranscoder {
    try #require(
      ProtoJSONTranscoder(messageNamed: type.protoMessageName),
      "no transcoder for \(type.protoMessageName)")
  }

  @Test("Every route's reply type is transcoded (none is left to swift-protobuf by its schema)")
  func everyRouteReplyTypeIsSupported() throws {
    let routeTypes = GatewayRoutes.all.routes.compactMap(\.responseType)
    #expect(routeTypes.count > 30, "the unary routes carry their reply types")
    for type in Self.types { _ = try Self.transcoder(type) }
  }

  @Test("A Contact's JSON, written out by hand")
  func knownContact() throws {
    var contact = Maac_Contacts_V1_Contact()
    contact.id = 42
    contact.channelType = .email
    contact.displayName = ""  // proto3 optional: written although empty
    contact.starMark = false  // no presence: omitted
    contact.note = "line 1\n\"q\" \u{7F}"
    contact.email = .with { $0.address = "amy@example.com" }
    contact.createdAt = Google_Protobuf_Timestamp(seconds: 1_700_000_000, nanos: 5_000_000)
    let json = try Self.transcoder(Maac_Contacts_V1_Contact.self).json(
      try contact.serializedBytes())
    let expected = try contact.jsonUTF8Bytes(options: Self.deterministic) as [UInt8]
    #expect(json == expected)
    let text = String(decoding: try #require(json), as: UTF8.self)
    #expect(text.hasPrefix(#"{"id":42,"channel_type":"CHANNEL_TYPE_EMAIL","#), "\(text)")
    #expect(text.contains(#""email":{"address":"amy@example.com"}"#), "\(text)")
    #expect(text.contains(#""display_name":"""#), "\(text)")
    #expect(!text.contains("star_mark"), "\(text)")
    #expect(text.contains(#""note":"line 1\n\"q\" \u007F""#), "\(text)")
    #expect(text.contains(#""created_at":"2023-11-14T22:13:20.005Z""#), "\(text)")

    var stats = Maac_Contacts_V1_ContactStats()
    stats.byChannelType = ["line": 3]
    stats.total = 3
    let statsJSON = try Self.transcoder(Maac_Contacts_V1_ContactStats.self).json(
      try stats.serializedBytes())
    #expect(
      statsJSON.map { String(decoding: $0, as: UTF8.self) }
        == #"{"total":3,"by_channel_type":{"line":3}}"#)
  }

  @Test("Random replies of every type: byte for byte what swift-protobuf writes")
  func randomRepliesMatchSwiftProtobuf() throws {
    let schema = ProtoSchema.maac
    for (offset, type) in Self.types.enumerated() {
      let transcoder = try Self.transcoder(type)
      let index = try #require(schema.message(named: type.protoMessageName))
      for round in 0..<40 {
        let seed = UInt64(offset * 1_000 + round)
        var random = RandomWireMessage(schema: schema, seed: seed)
        let wire = random.message(index, scrambled: false)
        let decoded = try type.init(serializedBytes: wire)
        // Maps in sorted order on the wire, so both write them in the same order.
        var binary = BinaryEncodingOptions()
        binary.useDeterministicOrdering = true
        let canonical: [UInt8] = try decoded.serializedBytes(options: binary)
        let expected: [UInt8] = try decoded.jsonUTF8Bytes(options: Self.deterministic)
        let json = transcoder.json(canonical).map { String(decoding: $0, as: UTF8.self) }
        #expect(
          json == String(decoding: expected, as: UTF8.self),
          "\(type.protoMessageName) seed \(seed)")
      }
    }
  }

  @Test("Out-of-order fields, unknown fields, a scalar sent twice: the same JSON object")
  func scrambledRepliesMatchSwiftProtobuf() throws {
    let schema = ProtoSchema.maac
    for (offset, type) in Self.types.enumerated() {
      let transcoder = try Self.transcoder(type)
      let index = try #require(schema.message(named: type.protoMessageName))
      for round in 0..<20 {
        let seed = UInt64(500_000 + offset * 1_000 + round)
        var random = RandomWireMessage(schema: schema, seed: seed)
        let wire = random.message(index, scrambled: true)
        let expected: [UInt8] = try type.init(serializedBytes: wire).jsonUTF8Bytes(
          options: Self.deterministic)
        let json = try #require(transcoder.json(wire), "\(type.protoMessageName) seed \(seed)")
        // Same members and values; the order of map entries may differ (wire order).
        let ours = try JSONSerialization.jsonObject(with: Data(json)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: Data(expected)) as? NSDictionary
        #expect(
          ours == theirs,
          """
          \(type.protoMessageName) seed \(seed):
          transcoder:    \(String(decoding: json, as: UTF8.self))
          swift-protobuf: \(String(decoding: expected, as: UTF8.self))
          """)
      }
    }
  }

  @Test("Replies swift-protobuf must judge are left to it (nil), and it refuses the invalid ones")
  func unusualRepliesFallBack() throws {
    let transcoder = try Self.transcoder(Maac_Contacts_V1_Contact.self)
    let tag = RandomWireMessage.tag
    let varint = RandomWireMessage.varint
    let email: [UInt8] = try Maac_Contacts_V1_EmailIdentity.with { $0.address = "a@b.c" }
      .serializedBytes()
    let line: [UInt8] = try Maac_Contacts_V1_LineIdentity.with { $0.lineUid = "U1" }
      .serializedBytes()
    let cases: [(String, [UInt8], refusedBySwiftProtobuf: Bool)] = [
      ("invalid UTF-8 in a string", tag(4, 2) + varint(2) + [0xC3, 0x28], true),
      ("a truncated length", tag(4, 2) + varint(9) + Array("abc".utf8), true),
      ("a truncated varint", tag(1, 0) + [0x80], true),
      // swift-protobuf keeps these two as unknown fields.
      ("a group", tag(1, 3) + tag(1, 4), false),
      ("a string field sent as a varint", tag(4, 0) + varint(1), false),
      (
        "a message field sent twice (merged)",
        tag(15, 2) + varint(UInt64(email.count)) + email
          + tag(15, 2) + varint(UInt64(email.count)) + email, false
      ),
      (
        "two members of one oneof",
        tag(10, 2) + varint(UInt64(line.count)) + line
          + tag(15, 2) + varint(UInt64(email.count)) + email, false
      ),
    ]
    for (name, wire, refused) in cases {
      #expect(transcoder.json(wire) == nil, "\(name): left to swift-protobuf")
      let decoded = Result { try Maac_Contacts_V1_Contact(serializedBytes: wire) }
      if refused {
        #expect(throws: (any Error).self, "\(name): swift-protobuf refuses it") {
          try decoded.get()
        }
      } else {
        #expect(throws: Never.self, "\(name): swift-protobuf takes it") { try decoded.get() }
      }
    }
    let stats = try Self.transcoder(Maac_Contacts_V1_ContactStats.self)
    let twice = Self.mapEntry("line", 1) + Self.mapEntry("line", 2)
    #expect(stats.json(twice) == nil, "a map key sent twice: left to swift-protobuf")
    #expect(try Maac_Contacts_V1_ContactStats(serializedBytes: twice).byChannelType == ["line": 2])
  }

  /// A ContactStats `by_channel_type` (field 3, `map<string, int64>`) entry.
  static func mapEntry(_ key: String, _ value: UInt64) -> [UInt8] {
    let tag = RandomWireMessage.tag
    let varint = RandomWireMessage.varint
    let body =
      tag(1, 2) + varint(UInt64(key.utf8.count)) + Array(key.utf8) + tag(2, 0) + varint(value)
    return tag(3, 2) + varint(UInt64(body.count)) + body
  }
}
