import CDHDomain
import Foundation
import MAACContracts
import ServiceKit
import SwiftProtobuf

/// Conversions between the `maac.*.v1` contracts and the CDH domain.
enum ContractMapping {
  static func timestamp(_ instant: Instant) -> Google_Protobuf_Timestamp {
    Google_Protobuf_Timestamp(
      seconds: instant.microseconds.floorDiv(1_000_000),
      nanos: Int32(instant.microseconds.floorMod(1_000_000) * 1000))
  }

  static func instant(_ timestamp: Google_Protobuf_Timestamp) -> Instant {
    Instant(microseconds: timestamp.seconds * 1_000_000 + Int64(timestamp.nanos / 1000))
  }

  static func source(_ source: Maac_Common_V1_TagSource) -> MemberSource? {
    switch source {
    case .maac: .maac
    case .caac: .caac
    default: nil
    }
  }

  static func tagSource(_ source: MemberSource) -> Maac_Common_V1_TagSource {
    source == .maac ? .maac : .caac
  }

  static func memberRef(_ member: MemberRef) -> Maac_Common_V1_MemberRef {
    .with {
      $0.source = tagSource(member.source)
      $0.memberID = member.memberID
    }
  }

  /// Validates a request's member (cdh.md §7 "any with MemberRef").
  static func member(_ ref: Maac_Common_V1_MemberRef, field: String = "member") throws(DomainError)
    -> MemberRef
  {
    try MemberRef.validated(source: source(ref.source), memberID: ref.memberID, field: field)
  }

  static func attribute(_ attribute: Maac_Cdh_V1_UnifyAttribute) -> UnifyAttribute? {
    switch attribute {
    case .customID: .customID
    case .displayMobile: .displayMobile
    case .displayEmail: .displayEmail
    case .lineUid: .lineUID
    case .connectID: .connectID
    default: nil
    }
  }

  static func attribute(_ attribute: UnifyAttribute) -> Maac_Cdh_V1_UnifyAttribute {
    switch attribute {
    case .customID: .customID
    case .displayMobile: .displayMobile
    case .displayEmail: .displayEmail
    case .lineUID: .lineUid
    case .connectID: .connectID
    }
  }

  static func requestedKeys(_ keys: [Maac_Cdh_V1_UnifyKey]) -> [UnifyKeySet.Requested] {
    keys.map { key in
      UnifyKeySet.Requested(
        attribute: attribute(key.attribute),
        rawName: attribute(key.attribute) == nil ? "\(key.attribute)" : "",
        isDistinct: key.isDistinct)
    }
  }

  static func keys(_ keys: UnifyKeySet) -> [Maac_Cdh_V1_UnifyKey] {
    keys.attributes.map { key in .with { $0.attribute = attribute(key) } }
  }

  static func gender(_ text: String) -> Maac_Common_V1_Gender {
    switch text {
    case "female": .female
    case "male": .male
    case "others": .others
    default: .unknown
    }
  }

  static func genderText(_ gender: Maac_Common_V1_Gender) -> String? {
    switch gender {
    case .female: "female"
    case .male: "male"
    case .others: "others"
    case .unknown: "unknown"
    default: nil
    }
  }

  static func contactFields(_ view: MergedProfileView) -> Maac_Cdh_V1_ContactFields {
    var fields = Maac_Cdh_V1_ContactFields()
    for (field, winner) in view.fields {
      let value = winner.value
      switch field {
      case "display_name": fields.displayName = value
      case "full_name": fields.fullName = value
      case "display_mobile": fields.displayMobile = value
      case "display_email": fields.displayEmail = value
      case "region": fields.region = value
      case "city": fields.city = value
      case "address": fields.address = value
      case "birthday": fields.birthday = value
      case "gender": fields.gender = gender(value)
      case "company": fields.company = value
      case "account_manager": fields.accountManager = value
      case "custom_id": fields.customID = value
      case "member_level": fields.memberLevel = value
      case "connect_id": fields.connectID = value
      case "star_mark": fields.starMark = value == "true"
      default:
        if field.hasPrefix(ProfileField.customFieldPrefix) {
          fields.customFields[String(field.dropFirst(ProfileField.customFieldPrefix.count))] = value
        }
      }
    }
    return fields
  }

  /// The winner of every field, then the newest clear of every cleared field
  /// (`cleared = true`), each list sorted by field.
  static func provenance(_ view: MergedProfileView, clears: [String: FieldWinner] = [:])
    -> [Maac_Cdh_V1_FieldProvenance]
  {
    let values = view.fields.sorted { $0.key < $1.key }.map { field, winner in
      Maac_Cdh_V1_FieldProvenance.with {
        $0.field = field
        $0.member = memberRef(winner.member)
        $0.sourceTimestamp = timestamp(winner.sourceTimestamp)
      }
    }
    let cleared = clears.sorted { $0.key < $1.key }.map { field, clear in
      Maac_Cdh_V1_FieldProvenance.with {
        $0.field = field
        $0.member = memberRef(clear.member)
        $0.sourceTimestamp = timestamp(clear.sourceTimestamp)
        $0.cleared = true
      }
    }
    return values + cleared
  }

  static func fieldUpdates(_ updates: [Maac_Cdh_V1_FieldUpdate]) -> [ProfileFieldUpdate] {
    updates.map { update in
      switch update.op {
      case .setValue(let value): ProfileFieldUpdate(field: update.field, value: value)
      case .clear: ProfileFieldUpdate(field: update.field, value: nil)
      // No op: an empty set, refused by validation as "empty".
      case nil: ProfileFieldUpdate(field: update.field, value: "")
      }
    }
  }

  static func jobStatus(_ status: ReunifyJobStatus) -> Maac_Common_V1_TaskStatus {
    switch status {
    case .pending: .pending
    case .running: .running
    case .completed: .succeeded
    case .failed: .failed
    case .superseded: .canceled
    }
  }

  static func trigger(_ trigger: ReunifyTrigger) -> Maac_Cdh_V1_ReunifyTrigger {
    switch trigger {
    case .settingsChange: .settingsChange
    case .scopeChange: .scopeChange
    case .disconnect: .disconnect
    case .adminResync: .adminResync
    }
  }

  static func importStatus(_ status: ImportTaskStatus) -> Maac_Common_V1_TaskStatus {
    switch status {
    case .pending: .pending
    case .running: .running
    case .complete: .succeeded
    case .failed: .failed
    }
  }

  static func broadcastType(_ type: ProfileBroadcastType) -> Maac_Cdh_V1_ProfileBroadcastType {
    switch type {
    case .unifyScopeSettingUpdate: .unifyScopeSettingUpdate
    case .memberImport: .memberImport
    case .channelEntityProfileUpdate: .channelEntityProfileUpdate
    case .profileUpdate: .profileUpdate
    case .unmerge: .unmerge
    case .entityDeleted: .entityDeleted
    case .adminResync: .adminResync
    }
  }

  /// The spec's spelling of a broadcast type (`channel_entity_profile_update`, ...).
  static func broadcastTypeName(_ type: Maac_Cdh_V1_ProfileBroadcastType) -> String {
    let all: [ProfileBroadcastType] = [
      .unifyScopeSettingUpdate, .memberImport, .channelEntityProfileUpdate, .profileUpdate,
      .unmerge,
      .entityDeleted, .adminResync,
    ]
    return all.first { broadcastType($0) == type }?.rawValue ?? ""
  }

  static func serviceError(_ error: DomainError) -> ServiceError {
    let field = error.field.isEmpty ? nil : error.field
    switch error.kind {
    case .invalidArgument: return ServiceError(.invalidArgument, error.message, field: field)
    case .failedPrecondition: return ServiceError(.failedPrecondition, error.message, field: field)
    case .notFound: return ServiceError(.notFound, error.message, field: field)
    case .resourceExhausted: return ServiceError(.resourceExhausted, error.message, field: field)
    case .permissionDenied: return ServiceError(.permissionDenied, error.message, field: field)
    }
  }
}

extension Int64 {
  func floorDiv(_ divisor: Int64) -> Int64 {
    let quotient = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }

  func floorMod(_ divisor: Int64) -> Int64 { self - floorDiv(divisor) * divisor }
}
