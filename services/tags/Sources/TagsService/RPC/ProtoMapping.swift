import Foundation
import MAACContracts
import SwiftProtobuf
import TagsDomain

/// Conversions between the wire types of maac.tags.v1 and the domain's types.
enum ProtoMapping {
  static func source(_ wire: Maac_Common_V1_TagSource) -> TagSource {
    wire == .caac ? .caac : .maac
  }

  static func wire(_ source: TagSource) -> Maac_Common_V1_TagSource {
    source == .caac ? .caac : .maac
  }

  static func createdVia(_ wire: Maac_Tags_V1_CreatedVia) -> CreatedVia? {
    switch wire {
    case .maac: .maac
    case .caac: .caac
    case .api: .api
    default: nil
    }
  }

  static func wire(_ via: CreatedVia) -> Maac_Tags_V1_CreatedVia {
    switch via {
    case .maac: .maac
    case .caac: .caac
    case .api: .api
    }
  }

  static let taggedViaPairs: [(Maac_Tags_V1_TaggedVia, TaggedVia)] = [
    (.manual, .manual), (.bulkUpdate, .bulkUpdate), (.import, .import), (.openApi, .openAPI),
    (.deepLink, .deepLink), (.messageLink, .messageLink), (.broadcastClick, .broadcastClick),
    (.autoReply, .autoReply), (.richMenu, .richMenu), (.journey, .journey), (.cdhSync, .cdhSync),
    (.unification, .unification),
  ]

  static func taggedVia(_ wire: Maac_Tags_V1_TaggedVia) -> TaggedVia? {
    taggedViaPairs.first { $0.0 == wire }?.1
  }

  static func wire(_ via: TaggedVia?) -> Maac_Tags_V1_TaggedVia {
    guard let via else { return .unspecified }
    return taggedViaPairs.first { $0.1 == via }?.0 ?? .unspecified
  }

  static let removeReasonPairs: [(Maac_Tags_V1_RemoveReason, RemoveReason)] = [
    (.manual, .manual), (.bulkUpdate, .bulkUpdate), (.openApi, .openAPI), (.journey, .journey),
    (.expired, .expired), (.tagDeleted, .tagDeleted), (.contactDeleted, .contactDeleted),
    (.cdhSync, .cdhSync), (.unmerge, .unmerge),
  ]

  static func removeReason(_ wire: Maac_Tags_V1_RemoveReason) -> RemoveReason? {
    removeReasonPairs.first { $0.0 == wire }?.1
  }

  static func wire(_ reason: RemoveReason?) -> Maac_Tags_V1_RemoveReason {
    guard let reason else { return .unspecified }
    return removeReasonPairs.first { $0.1 == reason }?.0 ?? .unspecified
  }

  static func wire(_ origin: Origin) -> Maac_Tags_V1_Origin {
    origin == .direct ? .direct : .inherited
  }

  static func wire(_ refType: RefType) -> Maac_Tags_V1_RefType {
    switch refType {
    case .none: .none
    case .cdh: .cdh
    case .cdhInherited: .cdhInherited
    }
  }

  static func wire(_ status: TagStatus) -> Maac_Tags_V1_TagStatus {
    switch status {
    case .active: .active
    case .expired: .expired
    case .deleted: .deleted
    }
  }

  static func wire(_ status: BulkJobStatus) -> Maac_Common_V1_TaskStatus {
    switch status {
    case .pending: .pending
    case .running: .running
    case .succeeded: .succeeded
    case .failed: .failed
    case .canceled: .canceled
    }
  }

  static func bulkStatus(_ wire: Maac_Common_V1_TaskStatus) -> BulkJobStatus? {
    switch wire {
    case .pending: .pending
    case .running: .running
    case .succeeded: .succeeded
    case .failed: .failed
    case .canceled: .canceled
    default: nil
    }
  }

  static func wire(_ expiry: Expiry) -> Maac_Tags_V1_Expiry {
    var wire = Maac_Tags_V1_Expiry()
    switch expiry {
    case .none: wire.mode = .none
    case .relative(let days):
      wire.mode = .relative
      wire.ttlDays = Int32(days)
    case .absolute(let at):
      wire.mode = .absolute
      wire.expireAt = Google_Protobuf_Timestamp(date: at)
    }
    return wire
  }

  /// Validates a wire expiry (T20).
  static func expiry(_ wire: Maac_Tags_V1_Expiry, now: Date) throws(TagRuleViolation) -> Expiry {
    let mode: Expiry.Mode =
      switch wire.mode {
      case .none: .none
      case .relative: .relative
      case .absolute: .absolute
      default: .unspecified
      }
    return try Expiry.validated(
      mode: mode, ttlDays: Int(wire.ttlDays),
      expireAt: wire.hasExpireAt ? wire.expireAt.date : nil, now: now)
  }

  static func ref(_ wire: Maac_Tags_V1_Ref, has: Bool) -> TagRef? {
    guard has, !(wire.kind.isEmpty && wire.id.isEmpty) else { return nil }
    return TagRef(kind: wire.kind, id: wire.id)
  }

  static func wire(_ ref: TagRef) -> Maac_Tags_V1_Ref {
    var wire = Maac_Tags_V1_Ref()
    wire.kind = ref.kind
    wire.id = ref.id
    return wire
  }
}
