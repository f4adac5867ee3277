import Foundation
import MAACContracts
import SwiftProtobuf
import Testing

@testable import Gateway

/// The explicit enum mappers and the byte-level response rendering (`contacts.md` §5: enums are
/// lower-case strings; G17 envelopes).
@Suite("JSON ↔ protobuf mapping")
struct JSONMappingTests {
  static func json(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
    try message.jsonUTF8Bytes(options: Route.jsonEncoding)
  }

  static func object(_ bytes: [UInt8]?) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes ?? [])) as? [String: Any])
  }

  @Test("Enums at declared paths become lower-case names; look-alike user data is untouched")
  func responseEnums() throws {
    var contact = Maac_Contacts_V1_Contact()
    contact.id = 9
    contact.channelType = .email
    contact.gender = .female
    contact.note = "CHANNEL_TYPE_EMAIL"
    contact.email = .with {
      $0.address = "amy@example.com"
      $0.status = .hardBounce
      $0.displayStatus = .suppressed
    }
    let rendered = ResponseMapping.message.render(
      try Self.json(contact), enums: EnumFields.contact, status: .ok)
    let object = try Self.object(rendered.body)
    #expect(object["channel_type"] as? String == "email")
    #expect(object["gender"] as? String == "female")
    #expect(object["note"] as? String == "CHANNEL_TYPE_EMAIL", "not an enum field: unchanged")
    let email = try #require(object["email"] as? [String: Any])
    #expect(email["status"] as? String == "hard_bounce")
    #expect(email["display_status"] as? String == "suppressed")
    #expect(email["address"] as? String == "amy@example.com")
    #expect(object["id"] as? Int == 9)
  }

  @Test("G17: list envelope from byte ranges: results, next_cursor (null on the last page), count")
  func listEnvelope() throws {
    var page = Maac_Contacts_V1_SearchContactsResponse()
    page.contacts = [
      .with {
        $0.id = 1
        $0.channelType = .line
      }, .with { $0.id = 2 },
    ]
    page.nextPageToken = "abc"
    page.count = 7
    let mapping = ResponseMapping.list(items: "contacts", count: "count")
    let first = try Self.object(
      mapping.render(try Self.json(page), enums: EnumFields.contact.under("contacts"), status: .ok)
        .body)
    #expect((first["results"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [1, 2])
    #expect((first["results"] as? [[String: Any]])?.first?["channel_type"] as? String == "line")
    #expect(first["next_cursor"] as? String == "abc")
    #expect(first["count"] as? Int == 7)
    let last = try Self.object(
      mapping.render(
        try Self.json(Maac_Contacts_V1_SearchContactsResponse()), enums: [:], status: .ok
      )
      .body)
    #expect((last["results"] as? [Any])?.isEmpty == true)
    #expect(last["next_cursor"] is NSNull)
    #expect(last["count"] as? Int == 0)
    var tags = Maac_Tags_V1_ListTagsResponse()
    tags.tags = [
      .with {
        $0.id = 3
        $0.source = .caac
      }
    ]
    let array = try #require(
      try JSONSerialization.jsonObject(
        with: Data(
          ResponseMapping.array(items: "tags").render(
            try Self.json(tags), enums: EnumFields.tag.under("tags"), status: .ok
          ).body ?? [])) as? [[String: Any]])
    #expect(array.first?["source"] as? String == "caac")
  }

  @Test("A22: members are renamed at their path only")
  func renames() throws {
    var list = Maac_Admin_V1_ListChannelsResponse()
    list.channels = [
      .with {
        $0.id = 1
        $0.type = .email
        $0.email = .with { $0.brandDomain = "b.example" }
      },
      .with {
        $0.id = 2
        $0.type = .line
      },
      .with { _ in },
    ]
    let object = try Self.object(
      ResponseMapping.message.render(
        try Self.json(list), enums: EnumFields.channel.under("channels"),
        renames: ["channels.email": "channel_information"], empties: ["channels.email"],
        status: .ok
      ).body)
    let channels = try #require(object["channels"] as? [[String: Any]])
    #expect(channels.count == 3)
    // A22: non-email channels carry an empty `channel_information`.
    #expect((channels[1]["channel_information"] as? [String: Any])?.isEmpty == true)
    #expect((channels[2]["channel_information"] as? [String: Any])?.isEmpty == true)
    #expect(channels[1]["type"] as? String == "line")
    let channel = channels[0]
    #expect(
      (channel["channel_information"] as? [String: Any])?["brand_domain"] as? String == "b.example")
    #expect(channel["email"] == nil)
    #expect(channel["type"] as? String == "email")
  }

  @Test(
    "Requests: lower-case names become proto names in bodies, arrays and queries; others → 400 naming the field"
  )
  func requestEnums() throws {
    let mapping = RequestMapping(
      body: .fields, queryFields: ["source": "source"],
      enums: [
        "channel_types": .channelType, "fields.gender": .gender, "source": .tagSource,
        "status": .taskStatus,
      ])
    let data = try mapping.json(
      body: Array(
        #"{"channel_types":["line","email"],"fields":{"gender":"male"},"status":"completed"}"#.utf8),
      path: [:], query: [("source", "caac")], repeatedQuery: [])
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["channel_types"] as? [String] == ["CHANNEL_TYPE_LINE", "CHANNEL_TYPE_EMAIL"])
    #expect((object["fields"] as? [String: Any])?["gender"] as? String == "GENDER_MALE")
    #expect(object["source"] as? String == "TAG_SOURCE_CAAC")
    #expect(object["status"] as? String == "TASK_STATUS_SUCCEEDED", "contacts.md writes completed")
    #expect(throws: HTTPInputError.self) {
      try mapping.json(
        body: Array(#"{"channel_types":["line","CHANNEL_TYPE_EMAIL"]}"#.utf8), path: [:], query: [],
        repeatedQuery: [])
    }
    do {
      _ = try mapping.json(body: [], path: [:], query: [("source", "MAAC")], repeatedQuery: [])
      Issue.record("an upper-case query value was accepted")
    } catch {
      #expect(error.field == "source")
      #expect(error.reason == "must be one of maac, caac")
    }
    #expect(JSONEnum.taskStatus.external("TASK_STATUS_SUCCEEDED") == "completed")
    #expect(JSONEnum.bulkJobStatus.external("TASK_STATUS_PENDING") == "queued")
    #expect(JSONEnum.channelType.external("CHANNEL_TYPE_UNSPECIFIED") == nil)
  }
}
