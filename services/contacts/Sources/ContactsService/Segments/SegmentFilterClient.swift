import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit

/// ``FilterEvaluator`` over `maac.segments.v1.SegmentsInternal` (`EvaluateFilter` for ids,
/// `PreviewFilter` for counts), forwarding the caller's request id.
public struct SegmentFilterClient: FilterEvaluator {
  let client: GRPCClient<NGHTTP2ClientTransport>

  public init(client: GRPCClient<NGHTTP2ClientTransport>) {
    self.client = client
  }

  /// C66: an outage of segment (or of the tag manager behind it) is 503, never 400.
  static let unavailable = ServiceErrors.make(
    .unavailable, "SEGMENT_UNAVAILABLE",
    "filters are evaluated by the segment service, which is unavailable; try again later")

  func metadata(_ organizationID: Int64) -> Metadata {
    CallerContext(
      organizationID: organizationID, userID: "system:contacts",
      requestID: CallerContext.current?.requestID ?? RequestID.generate()
    ).metadata
  }

  static func scope(_ channelIDs: [Int64]) -> Maac_Segments_V1_ChannelScope {
    var scope = Maac_Segments_V1_ChannelScope()
    scope.channelIds = channelIDs
    return scope
  }

  public func evaluate(
    _ filter: Maac_Segments_V1_FilterTree, channelIDs: [Int64], organizationID: Int64
  ) async throws -> FilterEvaluation {
    var request = Maac_Segments_V1_EvaluateFilterRequest()
    request.filters = filter
    request.channelScope = Self.scope(channelIDs)
    let segments = Maac_Segments_V1_SegmentsInternal.Client(wrapping: client)
    return try await Self.translating {
      try await segments.evaluateFilter(request, metadata: metadata(organizationID)) { response in
        var ids: [Int64] = []
        var asOf: Date?
        for try await batch in response.messages {
          ids += batch.contactIds
          if batch.hasDataAsOf { asOf = batch.dataAsOf.date }
        }
        return FilterEvaluation(contactIDs: ids, dataAsOf: asOf)
      }
    }
  }

  public func count(
    _ filter: Maac_Segments_V1_FilterTree, channelIDs: [Int64], organizationID: Int64
  ) async throws -> (count: Int64, dataAsOf: Date?) {
    var request = Maac_Segments_V1_PreviewFilterRequest()
    request.filters = filter
    request.channelScope = Self.scope(channelIDs)
    let segments = Maac_Segments_V1_SegmentsInternal.Client(wrapping: client)
    let response = try await Self.translating {
      try await segments.previewFilter(request, metadata: metadata(organizationID))
    }
    return (response.counts.total, response.hasDataAsOf ? response.dataAsOf.date : nil)
  }

  /// C66: segment's verdicts on the filter (INVALID_ARGUMENT with its reason, NOT_FOUND of a
  /// channel or segment, FAILED_PRECONDITION of exclusions) reach the caller as segment
  /// worded them; anything that means "segment could not answer" — down, not deployed yet
  /// (UNIMPLEMENTED), overloaded, lagging, timed out — is UNAVAILABLE.
  static func translating<T>(_ body: () async throws -> T) async throws -> T {
    do {
      return try await body()
    } catch let error as RPCError {
      switch error.code {
      case .invalidArgument:
        throw ServiceError(
          .invalidArgument, error.message, field: field(of: error) ?? "filter",
          reason: reason(of: error) ?? "INVALID_FILTER")
      case .notFound:
        throw ServiceError(
          .notFound, error.message, field: field(of: error), reason: reason(of: error))
      case .failedPrecondition:
        throw ServiceError(.failedPrecondition, error.message, reason: reason(of: error))
      case .cancelled:
        throw error
      default:
        throw unavailable
      }
    }
  }

  /// Segment's reason code (ServiceKit's reason trailer), passed on unchanged (C66).
  static func reason(of error: RPCError) -> String? {
    error.metadata[stringValues: ServiceError.reasonMetadataKey].first(where: { _ in true })
  }

  static func field(of error: RPCError) -> String? {
    error.metadata[stringValues: ServiceError.fieldMetadataKey].first(where: { _ in true })
  }
}
