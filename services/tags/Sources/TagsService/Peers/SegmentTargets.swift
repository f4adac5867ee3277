import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit
import SwiftProtobuf
import TagsDomain

/// Why a bulk job's target could not be resolved; the job fails with this reason (T16, §9).
struct TargetResolutionFailure: Error, Sendable {
  var reason: String
  var message: String
}

/// Bulk-job filters through segment (B4, T16): `SegmentsInternal/ValidateFilter` at
/// submission, `SegmentsInternal/EvaluateFilter` when the job runs, with `min_watermark` so the
/// projection has seen every earlier change.
struct SegmentTargets: Sendable {
  /// ServiceKit's client of peer `segments`, if configured.
  let segments: GRPCClient<NGHTTP2ClientTransport>?
  /// Tries of `EvaluateFilter` while segment is unavailable.
  var attempts = 3
  var retryPause: Duration = .milliseconds(200)

  /// Whether filters go to segment (a `segments` peer is configured); otherwise the tag
  /// manager resolves the tag-only filters it can answer from its own data.
  var isConfigured: Bool { segments != nil }

  private func caller(_ organizationID: Int64) -> Metadata {
    CallerContext(
      organizationID: organizationID, userID: "system:tags",
      requestID: CallerContext.current?.requestID ?? RequestID.generate()
    ).metadata
  }

  /// Validates the filter at submission; segment's refusal is returned to the caller with
  /// its code and reason. When segment cannot answer (unavailable, not implemented), the job
  /// is accepted and the evaluation at execution time decides.
  func validate(_ filter: Maac_Tags_V1_FilterTarget, organizationID: Int64) async throws {
    guard let segments else { return }
    var request = Maac_Segments_V1_ValidateFilterRequest()
    request.filters = filter.tree
    if filter.hasChannelScope { request.channelScope = filter.channelScope }
    do {
      _ = try await Maac_Segments_V1_SegmentsInternal.Client(wrapping: segments)
        .validateFilter(request, metadata: caller(organizationID))
    } catch let error as RPCError {
      switch error.code {
      case .unavailable, .unimplemented, .deadlineExceeded, .internalError, .unknown: return
      default:
        // Forwarded unchanged (§9: "code and reason forwarded from segment").
        throw error
      }
    }
  }

  /// Streams the contacts matching `filter` into `body` (ascending batches of at most
  /// 10,000); returns the projection watermark segment evaluated.
  ///
  /// `body` may be called again from the start after a failed attempt, so it must be
  /// undoable (the runner calls this inside one transaction per attempt).
  func evaluate(
    _ filter: Maac_Tags_V1_FilterTarget, organizationID: Int64, minWatermark: Date,
    attempt body: @Sendable () async throws -> Void,
    batch: @escaping @Sendable ([Int64]) async throws -> Void
  ) async throws -> Date? {
    guard let segments else {
      throw TargetResolutionFailure(
        reason: "TARGET_RESOLUTION_FAILED",
        message: "segment evaluation unavailable: no segment service is configured")
    }
    var request = Maac_Segments_V1_EvaluateFilterRequest()
    request.filters = filter.tree
    if filter.hasChannelScope { request.channelScope = filter.channelScope }
    request.minWatermark = Google_Protobuf_Timestamp(date: minWatermark)
    let client = Maac_Segments_V1_SegmentsInternal.Client(wrapping: segments)
    var last: RPCError?
    for attempt in 1...max(1, attempts) {
      do {
        try await body()
        return try await client.evaluateFilter(request, metadata: caller(organizationID)) {
          response in
          var dataAsOf: Date?
          for try await message in response.messages {
            if message.hasDataAsOf { dataAsOf = message.dataAsOf.date }
            if !message.contactIds.isEmpty { try await batch(message.contactIds) }
          }
          return dataAsOf
        }
      } catch let error as RPCError {
        last = error
        switch error.code {
        case .unavailable, .deadlineExceeded, .resourceExhausted, .aborted:
          if attempt < attempts { try await Task.sleep(for: retryPause * attempt) }
        case .unimplemented:
          throw TargetResolutionFailure(
            reason: "TARGET_RESOLUTION_FAILED",
            message:
              "segment evaluation unavailable: the segment service does not implement EvaluateFilter (\(error.message))"
          )
        default:
          let reason = error.metadata[stringValues: "x-maac-error-reason"].first { _ in true }
          throw TargetResolutionFailure(
            reason: reason ?? "TARGET_RESOLUTION_FAILED",
            message: "segment refused the filter: \(error.code) \(error.message)")
        }
      }
    }
    throw TargetResolutionFailure(
      reason: "TARGET_RESOLUTION_FAILED",
      message:
        "segment evaluation unavailable after \(attempts) retries: \(last.map { "\($0.code) \($0.message)" } ?? "")"
    )
  }
}
