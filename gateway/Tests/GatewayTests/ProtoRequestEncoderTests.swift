import Foundation
import MAACContracts
import SwiftProtobuf
import Testing

@testable import Gateway

/// The bodiless request encoder gives the upstream the message the JSON path gives it, and
/// leaves every value it does not write canonically to swift-protobuf's JSON mapping.
@Suite("Request fields → protobuf encoder")
struct ProtoRequestEncoderTests {
  static let requestTypes: [any SwiftProtobuf.Message.Type] = {
    var seen: Set<String> = []
    return GatewayRoutes.all.routes.compactMap(\.requestType).filter {
      seen.insert($0.protoMessageName).inserted
    }
  }()

  static func canonical(_ message: any SwiftProtobuf.Message) throws -> [UInt8] {
    var options = BinaryEncodingOptions()
    options.useDeterministicOrdering = true
    return try message.serializedBytes(options: options)
  }

  /// What the JSON path makes of `object`: nil when swift-protobuf refuses it.
  static func viaJSON(_ object: [String: Any], _ type: any SwiftProtobuf.Message.Type) throws
    -> [UInt8]?
  {
    let json = try #require(ScalarJSONWriter.write(object))
    guard let message = try? type.init(jsonUTF8Bytes: json, options: Route.jsonDecoding) else {
      return nil
    }
    return try canonical(message)
  }

  static let integerTexts = [
    "0", "5", "-7", "2147483647", "-2147483648", "4294967295", "9223372036854775807",
    "-9223372036854775808", "18446744073709551615",
  ]

  @Test("Random path and query fields of every route's request: the message the JSON path makes")
  func randomFieldsMatchTheJSONPath() throws {
    #expect(Self.requestTypes.count > 30)
    let schema = ProtoSchema.maac
    var written = 0
    for (offset, type) in Self.requestTypes.enumerated() {
      let encoder = try #require(ProtoRequestEncoder(messageNamed: type.protoMessageName))
      let layout = schema.messages[try #require(schema.message(named: type.protoMessageName))]
      for round in 0..<30 {
        var object: [String: Any] = [:]
        for (position, field) in layout.fields.enumerated()
        where (offset + round + position) % 3 != 0 && field.mapEntry == nil {
          let pick = offset * 7 + round * 13 + position
          let scalar: Any
          switch field.kind {
          case .bool: scalar = pick % 2 == 0
          case .enumeration(let enumIndex):
            let names = schema.enums[enumIndex].numbers.keys.sorted()
            scalar = names[pick % names.count]
          case .string: scalar = RandomWireMessage.strings[pick % RandomWireMessage.strings.count]
          case .int32, .int64, .uint32, .uint64:
            scalar = Self.integerTexts[pick % Self.integerTexts.count]
          default: continue  // message, bytes, floating point...: never path or query values
          }
          object[field.name] = field.isRepeated ? [scalar, scalar] : scalar
        }
        guard let bytes = encoder.encode(object) else { continue }
        written += 1
        let decoded = try type.init(serializedBytes: bytes)
        let expected = try Self.viaJSON(object, type)
        #expect(
          try expected == Self.canonical(decoded),
          "\(type.protoMessageName) \(object): the JSON path \(expected == nil ? "refuses it" : "differs")"
        )
      }
    }
    #expect(written > 100, "most bodiless requests are written directly (\(written))")
  }

  @Test("GetContact's path id is written directly; non-canonical or foreign values are not")
  func fallsBackToTheJSONPath() throws {
    let encoder = try #require(
      ProtoRequestEncoder(messageNamed: Maac_Contacts_V1_GetContactRequest.protoMessageName))
    let bytes = try #require(encoder.encode(["contact_id": "5"]))
    #expect(try Maac_Contacts_V1_GetContactRequest(serializedBytes: bytes).contactID == 5)
    for value in ["05", "+5", "-0", "5e0", " 5", "5.0", "ten", "", "9223372036854775808"] {
      #expect(encoder.encode(["contact_id": value]) == nil, "\(value)")
    }
    #expect(encoder.encode(["contact_id": true]) == nil, "a boolean for an integer")
    #expect(encoder.encode(["contact_id": ["5"]]) == nil, "an array for a singular field")
    #expect(encoder.encode(["no_such_field": "5"]) == nil, "an unknown field")
  }
}
