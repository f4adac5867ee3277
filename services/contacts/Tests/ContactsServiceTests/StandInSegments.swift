import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import SwiftProtobuf
import Synchronization

/// A segment service for the contact list's tests, implementing the generated
/// `SegmentsInternal` protocol over the real transport (segments itself is a later issue). Its
/// "projection" is a table the test writes: tag id → contact ids. It understands one
/// condition, `tag with <id>`, answers an unknown tag as segment would (INVALID_ARGUMENT
/// `UNKNOWN_TAG`), streams ids ascending in small batches, and can be made unavailable.
final class StandInSegments: SegmentsInternalStandIn, Sendable {
  struct Call: Sendable {
    var method: String
    var organizationID: Int64?
    var requestID: String?
    var channelIDs: [Int64]
  }

  struct State: Sendable {
    var members: [Int64: Set<Int64>] = [:]
    var dataAsOf = Date(timeIntervalSince1970: 1_800_000_000)
    var down = false
    var calls: [Call] = []
  }

  let state = Mutex(State())
  /// Ids per streamed message: small, so a page needs several messages.
  let batchSize = 2

  func setMembers(tag: Int64, _ ids: Set<Int64>) { state.withLock { $0.members[tag] = ids } }
  func setDown(_ down: Bool) { state.withLock { $0.down = down } }
  var calls: [Call] { state.withLock { $0.calls } }

  static func tagFilter(_ tag: Int64) -> Maac_Segments_V1_FilterTree {
    var condition = Maac_Segments_V1_Condition()
    condition.condition = "tag"
    condition.op = "with"
    condition.value.intValue = tag
    var node = Maac_Segments_V1_FilterNode()
    node.condition = condition
    var tree = Maac_Segments_V1_FilterTree()
    tree.match = .all
    tree.conditions = [node]
    return tree
  }

  /// The ids the filter matches in this organization's table, ascending.
  func matches(_ filter: Maac_Segments_V1_FilterTree, method: String, scope: [Int64]) throws
    -> ([Int64], Date)
  {
    let caller = CallerContext.current
    return try state.withLock { state in
      state.calls.append(
        Call(
          method: method, organizationID: caller?.organizationID, requestID: caller?.requestID,
          channelIDs: scope))
      if state.down {
        throw RPCError(code: .unavailable, message: "segment projection is restarting")
      }
      guard filter.conditions.count == 1,
        case .condition(let condition) = filter.conditions[0].node,
        condition.condition == "tag", condition.op == "with",
        case .intValue(let tag) = condition.value.kind
      else {
        throw RPCError(
          code: .invalidArgument, message: "conditions[0]: INVALID_FILTER: only `tag with` here",
          metadata: [ServiceError.fieldMetadataKey: "conditions[0]"])
      }
      guard let ids = state.members[tag] else {
        throw RPCError(
          code: .invalidArgument, message: "conditions[0].value: UNKNOWN_TAG: tag \(tag) not found",
          metadata: [
            ServiceError.fieldMetadataKey: "conditions[0].value",
            ServiceError.reasonMetadataKey: "UNKNOWN_TAG",
          ])
      }
      return (ids.sorted(), state.dataAsOf)
    }
  }

  func evaluateFilter(
    request: Maac_Segments_V1_EvaluateFilterRequest,
    response: RPCWriter<Maac_Segments_V1_EvaluateFilterResponse>, context: ServerContext
  ) async throws {
    let (ids, asOf) = try matches(
      request.filters, method: "EvaluateFilter", scope: request.channelScope.channelIds)
    var offset = 0
    repeat {
      var message = Maac_Segments_V1_EvaluateFilterResponse()
      message.contactIds = Array(ids[offset..<min(ids.count, offset + batchSize)])
      message.dataAsOf = Google_Protobuf_Timestamp(date: asOf)
      try await response.write(message)
      offset += batchSize
    } while offset < ids.count
  }

  func previewFilter(request: Maac_Segments_V1_PreviewFilterRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_PreviewFilterResponse
  {
    let (ids, asOf) = try matches(
      request.filters, method: "PreviewFilter", scope: request.channelScope.channelIds)
    var response = Maac_Segments_V1_PreviewFilterResponse()
    response.counts.total = Int64(ids.count)
    response.dataAsOf = Google_Protobuf_Timestamp(date: asOf)
    return response
  }
}
