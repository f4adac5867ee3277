import CContractsWire
import Foundation
import MAACContracts
import SwiftProtobuf
import Testing

/// Each test encodes a representative message of one context with swift-protobuf, decodes it
/// with protobuf-c (compiled from the same protos by protoc-c) and checks it field by field,
/// then lets protobuf-c encode it again and checks swift-protobuf reads back the same message.
/// Two implementations that agree on every field agree on the contract's wire format.
@Suite("Wire format: swift-protobuf and protobuf-c agree on every context")
struct WireFormatTests {
  static let createdAt = Google_Protobuf_Timestamp(seconds: 1_764_000_000, nanos: 123_456_000)

  @Test("contacts: Contact with identity oneof, optionals, custom fields and timestamps")
  func contact() throws {
    let contact = Maac_Contacts_V1_Contact.with {
      $0.id = 9_007_199_254_740_993  // above 2^53: int64 must not pass through a double
      $0.channelType = .email
      $0.channelID = 11
      $0.externalMemberID = "amy@example.com"
      $0.email = .with {
        $0.address = "amy@example.com"
        $0.status = .hardBounce
        $0.displayStatus = .suppressed
        $0.consentAt = Self.createdAt
        $0.softBounceStreak = 2
      }
      $0.displayName = "艾咪 Amy"  // full-width characters travel as UTF-8
      $0.note = ""  // set but empty: presence must survive
      $0.age = 0  // set to zero: presence must survive
      $0.gender = .others
      $0.starMark = true
      $0.customFields = [
        .with {
          $0.key = "customized_field_1"
          $0.label = "Level"
          $0.value = "gold"
        }
      ]
      $0.engagementLevel = .lv3
      $0.createdAt = Self.createdAt
      $0.version = 7
    }
    let back = try CWire.decode(
      try contact.wire(), as: Maac__Contacts__V1__Contact.self,
      unpack: maac__contacts__v1__contact__unpack, free: maac__contacts__v1__contact__free_unpacked
    ) { c in
      #expect(c.id == 9_007_199_254_740_993)
      #expect(c.channel_type == MAAC__COMMON__V1__CHANNEL_TYPE__CHANNEL_TYPE_EMAIL)
      #expect(c.channel_id == 11)
      #expect(CWire.string(c.external_member_id) == "amy@example.com")
      #expect(c.identity_case == MAAC__CONTACTS__V1__CONTACT__IDENTITY_EMAIL)
      let email = try #require(c.email?.pointee)
      #expect(CWire.string(email.address) == "amy@example.com")
      #expect(email.status == MAAC__COMMON__V1__EMAIL_STATUS__EMAIL_STATUS_HARD_BOUNCE)
      #expect(
        email.display_status
          == MAAC__CONTACTS__V1__EMAIL_DISPLAY_STATUS__EMAIL_DISPLAY_STATUS_SUPPRESSED)
      #expect(email.consent_at?.pointee.seconds == 1_764_000_000)
      #expect(email.consent_at?.pointee.nanos == 123_456_000)
      #expect(email.soft_bounce_streak == 2)
      #expect(c._display_name_case == MAAC__CONTACTS__V1__CONTACT___DISPLAY_NAME_DISPLAY_NAME)
      #expect(CWire.string(c.display_name) == "艾咪 Amy")
      #expect(c._note_case == MAAC__CONTACTS__V1__CONTACT___NOTE_NOTE)
      #expect(CWire.string(c.note) == "")
      #expect(c._age_case == MAAC__CONTACTS__V1__CONTACT___AGE_AGE)
      #expect(c.age == 0)
      #expect(c._full_name_case == MAAC__CONTACTS__V1__CONTACT___FULL_NAME__NOT_SET)
      #expect(c.gender == MAAC__COMMON__V1__GENDER__GENDER_OTHERS)
      #expect(c.star_mark != 0)
      let fields = CWire.messages(c.custom_fields, c.n_custom_fields)
      #expect(fields.count == 1)
      #expect(CWire.string(fields.first?.key) == "customized_field_1")
      #expect(CWire.string(fields.first?.value) == "gold")
      #expect(c.engagement_level == MAAC__COMMON__V1__ENGAGEMENT_LEVEL__ENGAGEMENT_LEVEL_LV3)
      #expect(c.created_at?.pointee.seconds == 1_764_000_000)
      #expect(c.version == 7)
    }
    #expect(try Maac_Contacts_V1_Contact(serializedBytes: back) == contact)
  }

  @Test("contacts: ContactFields map and optional enum")
  func contactFields() throws {
    let fields = Maac_Contacts_V1_ContactFields.with {
      $0.customFields = ["customized_field_2": "blue", "customized_field_1": "gold"]
      $0.gender = .unspecified  // explicitly set to zero
      $0.whatsappStatus = .optedOut
    }
    let back = try CWire.decode(
      try fields.wire(), as: Maac__Contacts__V1__ContactFields.self,
      unpack: maac__contacts__v1__contact_fields__unpack,
      free: maac__contacts__v1__contact_fields__free_unpacked
    ) { c in
      let entries = CWire.messages(c.custom_fields, c.n_custom_fields)
      let map = Dictionary(
        uniqueKeysWithValues: entries.map { (CWire.string($0.key)!, CWire.string($0.value)!) })
      #expect(map == ["customized_field_2": "blue", "customized_field_1": "gold"])
      #expect(c._gender_case == MAAC__CONTACTS__V1__CONTACT_FIELDS___GENDER_GENDER)
      #expect(c.gender == MAAC__COMMON__V1__GENDER__GENDER_UNSPECIFIED)
      #expect(
        c.whatsapp_status == MAAC__COMMON__V1__WHATS_APP_STATUS__WHATSAPP_STATUS_OPTED_OUT)
      #expect(c._display_name_case == MAAC__CONTACTS__V1__CONTACT_FIELDS___DISPLAY_NAME__NOT_SET)
    }
    #expect(try Maac_Contacts_V1_ContactFields(serializedBytes: back) == fields)
  }

  @Test("common + contacts: EventEnvelope whose Any payload is a ContactUpdated")
  func eventEnvelope() throws {
    let updated = Maac_Contacts_V1_ContactUpdated.with {
      $0.cause = .with {
        $0.eventID = 4711
        $0.origin = .user
        $0.actor = "42"
      }
      $0.contactID = 1001
      $0.sourceVersion = 7
      $0.state = .with {
        $0.channelType = .line
        $0.lineFollowStatus = .blocked
        $0.reachable = false
      }
      $0.changes = [
        .with {
          $0.attribute = "display_mobile"
          $0.newValue = "+886911000001"
          $0.sourceTimestamp = Self.createdAt
          $0.origin = .user
        }
      ]
    }
    let envelope = try Maac_Common_V1_EventEnvelope.with {
      $0.sequence = 4711
      $0.eventType = "contact.updated"
      $0.organizationID = 100
      $0.occurredAt = Self.createdAt
      $0.payload = try Google_Protobuf_Any(message: updated)
      $0.producer = "contacts"
      $0.requestID = "req-1"
    }
    let back = try CWire.decode(
      try envelope.wire(), as: Maac__Common__V1__EventEnvelope.self,
      unpack: maac__common__v1__event_envelope__unpack,
      free: maac__common__v1__event_envelope__free_unpacked
    ) { c in
      #expect(c.sequence == 4711)
      #expect(CWire.string(c.event_type) == "contact.updated")
      #expect(c.organization_id == 100)
      #expect(CWire.string(c.producer) == "contacts")
      #expect(CWire.string(c.request_id) == "req-1")
      let any = try #require(c.payload?.pointee)
      #expect(
        CWire.string(any.type_url) == "type.googleapis.com/maac.contacts.v1.ContactUpdated")
      _ = try CWire.decode(
        CWire.bytes(any.value), as: Maac__Contacts__V1__ContactUpdated.self,
        unpack: maac__contacts__v1__contact_updated__unpack,
        free: maac__contacts__v1__contact_updated__free_unpacked
      ) { payload in
        #expect(payload.contact_id == 1001)
        #expect(payload.source_version == 7)
        #expect(payload.cause?.pointee.event_id == 4711)
        #expect(payload.cause?.pointee.origin == MAAC__CONTACTS__V1__ORIGIN__ORIGIN_USER)
        #expect(
          payload.state?.pointee.line_follow_status
            == MAAC__COMMON__V1__LINE_STATUS__LINE_STATUS_BLOCKED)
        let changes = CWire.messages(payload.changes, payload.n_changes)
        #expect(changes.count == 1)
        #expect(CWire.string(changes.first?.attribute) == "display_mobile")
        #expect(
          changes.first?._previous_value_case
            == MAAC__CONTACTS__V1__ATTRIBUTE_CHANGE___PREVIOUS_VALUE__NOT_SET)
        #expect(CWire.string(changes.first?.new_value) == "+886911000001")
      }
    }
    let decoded = try Maac_Common_V1_EventEnvelope(serializedBytes: back)
    // An Any read from bytes and an Any built from a message compare unequal in swift-protobuf
    // (it has no type registry here), so compare encodings and the unpacked payload.
    #expect(try decoded.wire() == envelope.wire())
    #expect(try Maac_Contacts_V1_ContactUpdated(unpackingAny: decoded.payload) == updated)
  }

  @Test("tags: AttachTagsRequest repeated ids are packed both ways")
  func packedRepeatedFields() throws {
    let request = Maac_Tags_V1_AttachTagsRequest.with {
      $0.contactIds = [1, 300, 70_000, -1]
      $0.tagIds = [14887]
      $0.taggedVia = .deepLink
      $0.ref = .with {
        $0.kind = "deep_link"
        $0.id = "995058"
      }
    }
    let bytes = try request.wire()
    // Field 1, wire type 2 (length-delimited): swift-protobuf packs proto3 repeated scalars.
    #expect(bytes.first == 0x0A)
    let back = try CWire.decode(
      bytes, as: Maac__Tags__V1__AttachTagsRequest.self,
      unpack: maac__tags__v1__attach_tags_request__unpack,
      free: maac__tags__v1__attach_tags_request__free_unpacked
    ) { c in
      #expect(CWire.array(c.contact_ids, c.n_contact_ids) == [1, 300, 70_000, -1])
      #expect(CWire.array(c.tag_ids, c.n_tag_ids) == [14887])
      #expect(c.tagged_via == MAAC__TAGS__V1__TAGGED_VIA__TAGGED_VIA_DEEP_LINK)
      #expect(CWire.string(c.ref?.pointee.kind) == "deep_link")
    }
    #expect(back.first == 0x0A, "protobuf-c packs proto3 repeated scalars too")
    #expect(try Maac_Tags_V1_AttachTagsRequest(serializedBytes: back) == request)

    // Both decoders also accept the unpacked form (one key per element), as the spec demands.
    let unpacked = [1, 300].flatMap { Wire.key(1, 0) + Wire.varint(UInt64($0)) }
    let fromUnpacked = try CWire.decode(
      unpacked, as: Maac__Tags__V1__AttachTagsRequest.self,
      unpack: maac__tags__v1__attach_tags_request__unpack,
      free: maac__tags__v1__attach_tags_request__free_unpacked
    ) { c in
      #expect(CWire.array(c.contact_ids, c.n_contact_ids) == [1, 300])
    }
    #expect(fromUnpacked.first == 0x0A)
    #expect(try Maac_Tags_V1_AttachTagsRequest(serializedBytes: unpacked).contactIds == [1, 300])
  }

  @Test("contacts: repeated enum statuses are packed")
  func packedRepeatedEnums() throws {
    let request = Maac_Contacts_V1_ListImportTasksRequest.with {
      $0.statuses = [.pending, .running, .canceled]
      $0.pageSize = 100
    }
    let bytes = try request.wire()
    #expect(bytes.prefix(2) == [0x0A, 0x03])
    let back = try CWire.decode(
      bytes, as: Maac__Contacts__V1__ListImportTasksRequest.self,
      unpack: maac__contacts__v1__list_import_tasks_request__unpack,
      free: maac__contacts__v1__list_import_tasks_request__free_unpacked
    ) { c in
      #expect(
        CWire.array(c.statuses, c.n_statuses) == [
          MAAC__COMMON__V1__TASK_STATUS__TASK_STATUS_PENDING,
          MAAC__COMMON__V1__TASK_STATUS__TASK_STATUS_RUNNING,
          MAAC__COMMON__V1__TASK_STATUS__TASK_STATUS_CANCELED,
        ])
      #expect(c.page_size == 100)
    }
    #expect(back == bytes)
  }

  @Test("tags: a Tag built by protobuf-c decodes field by field in swift-protobuf")
  func tagFromC() throws {
    let arena = CArena()
    var created = Google__Protobuf__Timestamp()
    google__protobuf__timestamp__init(&created)
    created.seconds = 1_764_000_000
    created.nanos = 5
    var expiry = Maac__Tags__V1__Expiry()
    maac__tags__v1__expiry__init(&expiry)
    expiry.mode = MAAC__TAGS__V1__EXPIRY__MODE__MODE_RELATIVE
    expiry.ttl_days = 30
    var tag = Maac__Tags__V1__Tag()
    maac__tags__v1__tag__init(&tag)
    tag.id = 1_563_072
    tag.org_id = 100
    tag.name = arena.string("VIP ✨ 2026")
    tag.source = MAAC__COMMON__V1__TAG_SOURCE__TAG_SOURCE_CAAC
    tag.expiry = arena.box(expiry)
    tag.member_count = 3_600_000
    tag.status = MAAC__TAGS__V1__TAG_STATUS__TAG_STATUS_EXPIRED
    tag.created_at = arena.box(created)
    tag.version = 3
    let decoded = try Maac_Tags_V1_Tag(serializedBytes: CWire.encode(&tag))
    #expect(decoded.id == 1_563_072)
    #expect(decoded.orgID == 100)
    #expect(decoded.name == "VIP ✨ 2026")
    #expect(decoded.source == .caac)
    #expect(decoded.expiry.mode == .relative)
    #expect(decoded.expiry.ttlDays == 30)
    #expect(!decoded.expiry.hasExpireAt)
    #expect(decoded.memberCount == 3_600_000)
    #expect(decoded.status == .expired)
    #expect(decoded.createdAt == Google_Protobuf_Timestamp(seconds: 1_764_000_000, nanos: 5))
    #expect(!decoded.hasDeletedAt)
    #expect(decoded.version == 3)
    #expect(decoded.unknownFields.data.isEmpty)
  }

  @Test("tags: TagCoverageDaily optional double keeps presence of 0")
  func coverage() throws {
    let point = Maac_Tags_V1_TagCoverageDaily.with {
      $0.date = "2026-12-01"
      $0.state = .computed
      $0.totalContacts = 0
      $0.coverageRate = 0
    }
    let back = try CWire.decode(
      try point.wire(), as: Maac__Tags__V1__TagCoverageDaily.self,
      unpack: maac__tags__v1__tag_coverage_daily__unpack,
      free: maac__tags__v1__tag_coverage_daily__free_unpacked
    ) { c in
      #expect(CWire.string(c.date) == "2026-12-01")
      #expect(c.state == MAAC__TAGS__V1__TAG_COVERAGE_DAILY__STATE__STATE_COMPUTED)
      #expect(
        c._coverage_rate_case == MAAC__TAGS__V1__TAG_COVERAGE_DAILY___COVERAGE_RATE_COVERAGE_RATE)
      #expect(c.coverage_rate == 0)
    }
    #expect(try Maac_Tags_V1_TagCoverageDaily(serializedBytes: back) == point)
  }

  @Test("cdh: MergedProfile with wrapper, nested map, entities and provenance")
  func mergedProfile() throws {
    let member = Maac_Common_V1_MemberRef.with {
      $0.source = .maac
      $0.memberID = 1001
    }
    let profile = Maac_Cdh_V1_MergedProfile.with {
      $0.profileID = 5001
      $0.unifyScopeID = 1
      $0.fields = .with {
        $0.displayMobile = "+886911000001"
        $0.gender = .female
        $0.customFields = ["customized_field_3": "x"]
      }
      $0.age = Google_Protobuf_Int32Value(0)
      $0.contactStatus = .active
      $0.entities = [
        .with {
          $0.member = member
          $0.channelType = .line
          $0.lineUid = "U" + String(repeating: "a", count: 32)
          $0.reachable = true
        }
      ]
      $0.provenance = [
        .with {
          $0.field = "display_mobile"
          $0.member = member
          $0.sourceTimestamp = Self.createdAt
        }
      ]
      $0.reunificationPending = true
    }
    let back = try CWire.decode(
      try profile.wire(), as: Maac__Cdh__V1__MergedProfile.self,
      unpack: maac__cdh__v1__merged_profile__unpack,
      free: maac__cdh__v1__merged_profile__free_unpacked
    ) { c in
      #expect(c.profile_id == 5001)
      let fields = try #require(c.fields?.pointee)
      #expect(CWire.string(fields.display_mobile) == "+886911000001")
      #expect(fields.gender == MAAC__COMMON__V1__GENDER__GENDER_FEMALE)
      #expect(fields._custom_id_case == MAAC__CDH__V1__CONTACT_FIELDS___CUSTOM_ID__NOT_SET)
      #expect(CWire.messages(fields.custom_fields, fields.n_custom_fields).count == 1)
      // A wrapper set to 0 is present: the "unknown age" case is distinguishable (U25).
      #expect(c.age?.pointee.value == 0)
      #expect(c.contact_status == MAAC__CDH__V1__CONTACT_STATUS__CONTACT_STATUS_ACTIVE)
      let entity = try #require(CWire.messages(c.entities, c.n_entities).first)
      #expect(entity.member?.pointee.member_id == 1001)
      #expect(entity.member?.pointee.source == MAAC__COMMON__V1__TAG_SOURCE__TAG_SOURCE_MAAC)
      #expect(CWire.string(entity.line_uid)?.count == 33)
      #expect(entity.reachable != 0)
      let provenance = try #require(CWire.messages(c.provenance, c.n_provenance).first)
      #expect(provenance.source_timestamp?.pointee.nanos == 123_456_000)
      #expect(c.reunification_pending != 0)
    }
    #expect(try Maac_Cdh_V1_MergedProfile(serializedBytes: back) == profile)
  }

  @Test("cdh: map<int64, MemberList> of BatchGetUnifiedMembersResponse")
  func int64KeyedMap() throws {
    let response = Maac_Cdh_V1_BatchGetUnifiedMembersResponse.with {
      $0.members = [
        1001: .with {
          $0.profileID = 5001
          $0.members = [.with { $0.source = .maac; $0.memberID = 1001 }]
        },
        -7: .with { $0.profileID = 1 },
      ]
    }
    let back = try CWire.decode(
      try response.wire(),
      as: Maac__Cdh__V1__BatchGetUnifiedMembersResponse.self,
      unpack: maac__cdh__v1__batch_get_unified_members_response__unpack,
      free: maac__cdh__v1__batch_get_unified_members_response__free_unpacked
    ) { c in
      let entries = CWire.messages(c.members, c.n_members)
      let profiles = Dictionary(
        uniqueKeysWithValues: entries.map { ($0.key, $0.value?.pointee.profile_id ?? 0) })
      #expect(profiles == [1001: 5001, -7: 1])
    }
    #expect(try Maac_Cdh_V1_BatchGetUnifiedMembersResponse(serializedBytes: back) == response)
  }

  @Test("segments: nested FilterTree with group and value oneofs")
  func filterTree() throws {
    let tree = Maac_Segments_V1_FilterTree.with {
      $0.match = .all
      $0.conditions = [
        .with {
          $0.condition = .with {
            $0.condition = "tag"
            $0.op = "with"
            $0.value = .with { $0.intValue = 14887 }
            $0.extra = .with { $0.source = .maac }
          }
        },
        .with {
          $0.group = .with {
            $0.match = .any
            $0.conditions = [
              .with {
                $0.condition = .with {
                  $0.condition = "channel"
                  $0.op = "in"
                  $0.value = .with { $0.intList = .with { $0.values = [11, 12] } }
                }
              }
            ]
          }
        },
      ]
    }
    let back = try CWire.decode(
      try tree.wire(), as: Maac__Segments__V1__FilterTree.self,
      unpack: maac__segments__v1__filter_tree__unpack,
      free: maac__segments__v1__filter_tree__free_unpacked
    ) { c in
      #expect(c.match == MAAC__SEGMENTS__V1__FILTER_MATCH__FILTER_MATCH_ALL)
      let nodes = CWire.messages(c.conditions, c.n_conditions)
      #expect(nodes.count == 2)
      #expect(nodes.first?.node_case == MAAC__SEGMENTS__V1__FILTER_NODE__NODE_CONDITION)
      let first = try #require(nodes.first?.condition?.pointee)
      #expect(CWire.string(first.condition) == "tag")
      #expect(first.value?.pointee.kind_case == MAAC__SEGMENTS__V1__CONDITION_VALUE__KIND_INT_VALUE)
      #expect(first.value?.pointee.int_value == 14887)
      #expect(nodes.last?.node_case == MAAC__SEGMENTS__V1__FILTER_NODE__NODE_GROUP)
      let group = try #require(nodes.last?.group?.pointee)
      #expect(group.match == MAAC__SEGMENTS__V1__FILTER_MATCH__FILTER_MATCH_ANY)
      let inner = try #require(CWire.messages(group.conditions, group.n_conditions).first)
      let list = try #require(inner.condition?.pointee.value?.pointee.int_list?.pointee)
      #expect(CWire.array(list.values, list.n_values) == [11, 12])
    }
    #expect(try Maac_Segments_V1_FilterTree(serializedBytes: back) == tree)
  }

  @Test("journey: Node with settings oneof and a Struct")
  func journeyNode() throws {
    let node = try Maac_Journey_V1_Node.with {
      $0.id = 77
      $0.journeyID = 7
      $0.name = "Welcome"
      $0.type = .tagAdded
      $0.settings = .with {
        $0.tagAdded = .with {
          $0.tagID = 4388
          $0.tagSource = .caac
        }
      }
      $0.branchSettings = try Google_Protobuf_Struct(jsonString: #"{"yes": 1, "label": "a", "on": true}"#)
    }
    let back = try CWire.decode(
      try node.wire(), as: Maac__Journey__V1__Node.self,
      unpack: maac__journey__v1__node__unpack, free: maac__journey__v1__node__free_unpacked
    ) { c in
      #expect(c.id == 77)
      #expect(c.journey_id == 7)
      #expect(CWire.string(c.name) == "Welcome")
      #expect(c.type == MAAC__JOURNEY__V1__NODE_TYPE__NODE_TYPE_TAG_ADDED)
      let settings = try #require(c.settings?.pointee)
      #expect(settings.settings_case == MAAC__JOURNEY__V1__NODE_SETTINGS__SETTINGS_TAG_ADDED)
      #expect(settings.tag_added?.pointee.tag_id == 4388)
      #expect(settings.tag_added?.pointee.tag_source == MAAC__COMMON__V1__TAG_SOURCE__TAG_SOURCE_CAAC)
      let object = try #require(c.branch_settings?.pointee)
      var values: [String: String] = [:]
      for entry in CWire.messages(object.fields, object.n_fields) {
        let value = try #require(entry.value?.pointee)
        switch value.kind_case {
        case GOOGLE__PROTOBUF__VALUE__KIND_NUMBER_VALUE: values[CWire.string(entry.key)!] = "\(value.number_value)"
        case GOOGLE__PROTOBUF__VALUE__KIND_STRING_VALUE: values[CWire.string(entry.key)!] = CWire.string(value.string_value)
        case GOOGLE__PROTOBUF__VALUE__KIND_BOOL_VALUE: values[CWire.string(entry.key)!] = "\(value.bool_value != 0)"
        default: values[CWire.string(entry.key)!] = "?"
        }
      }
      #expect(values == ["yes": "1.0", "label": "a", "on": "true"])
    }
    #expect(try Maac_Journey_V1_Node(serializedBytes: back) == node)
  }

  @Test("email: EmailTemplate with editor enum, Struct design and HTML")
  func emailTemplate() throws {
    let template = try Maac_Email_V1_EmailTemplate.with {
      $0.id = 3
      $0.name = "Welcome mail"
      $0.channelType = .email
      $0.messageEditorType = .dragAndDrop
      $0.subject = "Hi {{name}}"
      $0.json = try Google_Protobuf_Struct(jsonString: #"{"rows": [1, 2]}"#)
      $0.html = "<p>Hi</p>"
      $0.senderProfileID = 9
    }
    let back = try CWire.decode(
      try template.wire(), as: Maac__Email__V1__EmailTemplate.self,
      unpack: maac__email__v1__email_template__unpack,
      free: maac__email__v1__email_template__free_unpacked
    ) { c in
      #expect(c.id == 3)
      #expect(CWire.string(c.name) == "Welcome mail")
      #expect(c.channel_type == MAAC__COMMON__V1__CHANNEL_TYPE__CHANNEL_TYPE_EMAIL)
      #expect(
        c.message_editor_type
          == MAAC__EMAIL__V1__MESSAGE_EDITOR_TYPE__MESSAGE_EDITOR_TYPE_DRAG_AND_DROP)
      #expect(CWire.string(c.subject) == "Hi {{name}}")
      #expect(CWire.string(c.html) == "<p>Hi</p>")
      #expect(c.sender_profile_id == 9)
      let design = try #require(c.json?.pointee)
      let rows = try #require(CWire.messages(design.fields, design.n_fields).first)
      #expect(CWire.string(rows.key) == "rows")
      let list = try #require(rows.value?.pointee.list_value?.pointee)
      #expect(CWire.messages(list.values, list.n_values).map(\.number_value) == [1, 2])
    }
    #expect(try Maac_Email_V1_EmailTemplate(serializedBytes: back) == template)
  }

  @Test("admin: Channel with optional external id and email info oneof")
  func adminChannel() throws {
    let channel = Maac_Admin_V1_Channel.with {
      $0.id = 11
      $0.organizationID = 100
      $0.uuid = "6f1c2a8e-0000-4000-8000-000000000001"
      $0.name = "Brand mail"
      $0.type = .email
      $0.status = .warning
      $0.externalChannelID = ""
      $0.enabled = true
      $0.email = .with { $0.brandDomain = "mail.example.com" }
    }
    let back = try CWire.decode(
      try channel.wire(), as: Maac__Admin__V1__Channel.self,
      unpack: maac__admin__v1__channel__unpack, free: maac__admin__v1__channel__free_unpacked
    ) { c in
      #expect(c.id == 11)
      #expect(c.organization_id == 100)
      #expect(CWire.string(c.name) == "Brand mail")
      #expect(c.type == MAAC__COMMON__V1__CHANNEL_TYPE__CHANNEL_TYPE_EMAIL)
      #expect(c.status == MAAC__COMMON__V1__CHANNEL_STATUS__CHANNEL_STATUS_WARNING)
      #expect(
        c._external_channel_id_case
          == MAAC__ADMIN__V1__CHANNEL___EXTERNAL_CHANNEL_ID_EXTERNAL_CHANNEL_ID)
      #expect(CWire.string(c.external_channel_id) == "")
      #expect(c.enabled != 0)
      #expect(c.info_case == MAAC__ADMIN__V1__CHANNEL__INFO_EMAIL)
      #expect(CWire.string(c.email?.pointee.brand_domain) == "mail.example.com")
    }
    #expect(try Maac_Admin_V1_Channel(serializedBytes: back) == channel)
  }

  @Test("Unknown fields survive a trip through protobuf-c and back")
  func unknownFieldsFromSwiftThroughC() throws {
    // A newer producer's Tag with two fields this contract does not know yet.
    let tag = Maac_Tags_V1_Tag.with {
      $0.id = 5
      $0.name = "new"
    }
    let bytes = try tag.wire() + Wire.unknownFields
    let back = try CWire.decode(
      bytes, as: Maac__Tags__V1__Tag.self, unpack: maac__tags__v1__tag__unpack,
      free: maac__tags__v1__tag__free_unpacked
    ) { c in
      #expect(c.id == 5)
      #expect(c.base.n_unknown_fields == 2)
      let unknown = CWire.array(c.base.unknown_fields, Int(c.base.n_unknown_fields))
      #expect(unknown.map(\.tag) == [1999, 2000])
      // protobuf-c keeps a length-delimited unknown field's bytes with their length prefix.
      #expect(CWire.array(unknown.last?.data, unknown.last?.len ?? 0) == [5] + Array("later".utf8))
    }
    let decoded = try Maac_Tags_V1_Tag(serializedBytes: back)
    #expect(decoded.id == 5)
    #expect(decoded.name == "new")
    #expect(Array(decoded.unknownFields.data) == Wire.unknownFields)
    // And swift-protobuf writes them out again for the next hop.
    #expect(try decoded.wire().suffix(Wire.unknownFields.count) == Wire.unknownFields[...])
  }

  @Test("Unknown fields inside a nested message survive both implementations")
  func nestedUnknownFields() throws {
    // The envelope's payload is known; an unknown field sits inside the nested Timestamp.
    var timestamp = try Self.createdAt.wire()
    timestamp += Wire.key(1999, 0) + Wire.varint(1)
    let envelope =
      Wire.key(1, 0) + Wire.varint(9) + Wire.key(4, 2) + Wire.varint(UInt64(timestamp.count))
      + timestamp
    let swift = try Maac_Common_V1_EventEnvelope(serializedBytes: envelope)
    #expect(swift.occurredAt.seconds == Self.createdAt.seconds)
    #expect(Array(swift.occurredAt.unknownFields.data) == Wire.key(1999, 0) + Wire.varint(1))
    let back = try CWire.decode(
      try swift.wire(), as: Maac__Common__V1__EventEnvelope.self,
      unpack: maac__common__v1__event_envelope__unpack,
      free: maac__common__v1__event_envelope__free_unpacked
    ) { c in
      #expect(c.sequence == 9)
      #expect(c.occurred_at?.pointee.base.n_unknown_fields == 1)
    }
    #expect(try Maac_Common_V1_EventEnvelope(serializedBytes: back) == swift)
  }
}
