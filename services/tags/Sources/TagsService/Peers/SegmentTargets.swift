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
  /// Polls of `GetSegmentCalculation` while a calculation a member read started runs, and the
  /// pause between them (10 minutes in all, the longest wait segment allows, S12).
  var calculationPolls = 1_200
  var calculationPause: Duration = .milliseconds(500)

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

  // MARK: Segment targets

  /// Checks at submission that the segment exists (§9 `SEGMENT_NOT_FOUND`); when segment
  /// cannot answer, the job is accepted and execution decides.
  func validate(segment target: Maac_Tags_V1_SegmentTarget, organizationID: Int64) async throws {
    guard let segments else { return }
    var request = Maac_Segments_V1_GetSegmentRequest()
    request.segmentID = target.segmentID
    do {
      _ = try await Maac_Segments_V1_SegmentsInternal.Client(wrapping: segments)
        .getSegment(request, metadata: caller(organizationID))
    } catch let error as RPCError {
      switch error.code {
      case .notFound:
        throw TagRuleViolation(
          .notFound, reason: "SEGMENT_NOT_FOUND", field: "target.segment.segment_id",
          message: "segment \(target.segmentID) not found")
      case .unavailable, .unimplemented, .deadlineExceeded, .internalError, .unknown: return
      default: throw error
      }
    }
  }

  /// Streams the members of a segment into `batch` (T16): the latest snapshot, or, with
  /// `refresh`, a snapshot computed at or after `freshAsOf` — segment starts (or joins) that
  /// calculation itself when asked for `min_data_as_of` (S12). While a calculation runs segment
  /// answers `CALCULATION_PENDING` / `NO_SNAPSHOT` with its id; the calculation is followed with
  /// `GetSegmentCalculation` and the read repeated. Returns the snapshot's `data_as_of`.
  func members(
    of target: Maac_Tags_V1_SegmentTarget, organizationID: Int64, freshAsOf: Date,
    attempt body: @Sendable () async throws -> Void,
    batch: @escaping @Sendable ([Int64]) async throws -> Void
  ) async throws -> Date? {
    guard let segments else {
      throw TargetResolutionFailure(
        reason: "TARGET_RESOLUTION_FAILED",
        message: "segment members unavailable: no segment service is configured")
    }
    let client = Maac_Segments_V1_SegmentsInternal.Client(wrapping: segments)
    var request = Maac_Segments_V1_StreamSegmentMembersRequest()
    request.segmentID = target.segmentID
    if target.refresh {
      request.consistency.minDataAsOf = Google_Protobuf_Timestamp(date: freshAsOf)
    } else {
      request.consistency.anySnapshot = true
    }
    var unavailable = 0
    var followed = 0
    while true {
      do {
        try await body()
        return try await client.streamSegmentMembers(request, metadata: caller(organizationID)) {
          response in
          var dataAsOf: Date?
          for try await message in response.messages {
            switch message.part {
            case .header(let header)?:
              if header.hasDataAsOf { dataAsOf = header.dataAsOf.date }
            case .batch(let ids)?:
              if !ids.contactIds.isEmpty { try await batch(ids.contactIds) }
            case nil: continue
            }
          }
          return dataAsOf
        }
      } catch let error as RPCError {
        let reason = error.metadata[stringValues: "x-maac-error-reason"].first { _ in true }
        let calculation =
          (error.metadata[stringValues: "calculation_id"].first { _ in true }
          ?? error.metadata[stringValues: "x-maac-calculation-id"].first { _ in true })
          .flatMap { Int64($0) }
        switch (error.code, reason) {
        case (.deadlineExceeded, "CALCULATION_PENDING"), (.failedPrecondition, "NO_SNAPSHOT"):
          guard let calculation, followed < 3 else {
            throw TargetResolutionFailure(
              reason: "TARGET_RESOLUTION_FAILED",
              message: "segment \(target.segmentID) has no usable snapshot: \(error.message)")
          }
          followed += 1
          try await awaitCalculation(calculation, client: client, organizationID: organizationID)
        case (.notFound, _):
          throw TargetResolutionFailure(
            reason: "SEGMENT_NOT_FOUND", message: "segment \(target.segmentID) not found")
        case (.unavailable, _), (.deadlineExceeded, _), (.resourceExhausted, _), (.aborted, _):
          unavailable += 1
          guard unavailable < attempts else {
            throw TargetResolutionFailure(
              reason: "TARGET_RESOLUTION_FAILED",
              message:
                "segment members unavailable after \(attempts) retries: \(error.code) \(error.message)"
            )
          }
          try await Task.sleep(for: retryPause * unavailable)
        case (.unimplemented, _):
          throw TargetResolutionFailure(
            reason: "TARGET_RESOLUTION_FAILED",
            message:
              "segment members unavailable: the segment service does not implement StreamSegmentMembers (\(error.message))"
          )
        default:
          throw TargetResolutionFailure(
            reason: reason ?? "TARGET_RESOLUTION_FAILED",
            message:
              "segment refused to list segment \(target.segmentID): \(error.code) \(error.message)")
        }
      }
    }
  }

  /// Waits for calculation `id` to finish; a failed or cancelled one fails the job.
  private func awaitCalculation(
    _ id: Int64, client: Maac_Segments_V1_SegmentsInternal.Client<NGHTTP2ClientTransport>,
    organizationID: Int64
  ) async throws {
    var request = Maac_Segments_V1_GetSegmentCalculationRequest()
    request.calculationID = id
    for _ in 0..<max(1, calculationPolls) {
      let calculation: Maac_Segments_V1_SegmentCalculation
      do {
        calculation = try await client.getSegmentCalculation(
          request, metadata: caller(organizationID))
      } catch let error as RPCError where error.code == .unavailable {
        try await Task.sleep(for: calculationPause)
        continue
      }
      switch calculation.status {
      case .succeeded: return
      case .failed, .canceled:
        throw TargetResolutionFailure(
          reason: "TARGET_RESOLUTION_FAILED",
          message: "segment calculation \(id) ended \(calculation.status)")
      default: try await Task.sleep(for: calculationPause)
      }
    }
    throw TargetResolutionFailure(
      reason: "TARGET_RESOLUTION_FAILED",
      message: "segment calculation \(id) did not finish within the wait")
  }
}
