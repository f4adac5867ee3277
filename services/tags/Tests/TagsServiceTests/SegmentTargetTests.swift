import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import ServiceKit
import SwiftProtobuf
import Synchronization
import Testing

@testable import TagsService

/// A segment service holding one segment (id 5) with a snapshot: the generated
/// `SegmentsInternal` protocol over a real nghttp2 server. A member read asking for a snapshot
/// fresher than the one it holds starts a calculation and answers `CALCULATION_PENDING` with its
/// id (S12); the calculation reads `running` once, then `succeeded` with the fresh members.
final class TestSegmentSnapshots: SegmentsInternalStandIn,
  Sendable
{
  struct State: Sendable {
    var members: [Int64] = [11, 12]
    var dataAsOf = Date(timeIntervalSince1970: 1_700_000_000)
    var fresh: [Int64] = [11, 12, 13]
    var calculationPolls = 0
    var reads: [Maac_Segments_V1_StreamSegmentMembersRequest] = []
  }
  let state = Mutex(State())
  static let segmentID: Int64 = 5
  static let calculationID: Int64 = 77

  func getSegment(request: Maac_Segments_V1_GetSegmentRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_Segment
  {
    guard request.segmentID == Self.segmentID else { throw Self.notFound(request.segmentID) }
    var segment = Maac_Segments_V1_Segment()
    segment.id = Self.segmentID
    return segment
  }

  static func notFound(_ id: Int64) -> RPCError {
    var metadata = Metadata()
    metadata.addString("SEGMENT_NOT_FOUND", forKey: "x-maac-error-reason")
    return RPCError(code: .notFound, message: "segment \(id) not found", metadata: metadata)
  }

  func streamSegmentMembers(
    request: Maac_Segments_V1_StreamSegmentMembersRequest,
    response: RPCWriter<Maac_Segments_V1_StreamSegmentMembersResponse>, context: ServerContext
  ) async throws {
    guard request.segmentID == Self.segmentID else { throw Self.notFound(request.segmentID) }
    let (members, dataAsOf): ([Int64], Date) = try state.withLock { state in
      state.reads.append(request)
      if case .minDataAsOf(let wanted)? = request.consistency.kind,
        state.dataAsOf < wanted.date
      {
        var metadata = Metadata()
        metadata.addString("CALCULATION_PENDING", forKey: "x-maac-error-reason")
        metadata.addString(String(Self.calculationID), forKey: "calculation_id")
        throw RPCError(code: .deadlineExceeded, message: "calculation pending", metadata: metadata)
      }
      return (state.members, state.dataAsOf)
    }
    var header = Maac_Segments_V1_StreamSegmentMembersResponse()
    header.header.calculationID = Self.calculationID
    header.header.dataAsOf = Google_Protobuf_Timestamp(date: dataAsOf)
    try await response.write(header)
    var batch = Maac_Segments_V1_StreamSegmentMembersResponse()
    batch.batch.contactIds = members
    try await response.write(batch)
  }

  func getSegmentCalculation(
    request: Maac_Segments_V1_GetSegmentCalculationRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_SegmentCalculation {
    var calculation = Maac_Segments_V1_SegmentCalculation()
    calculation.id = request.calculationID
    calculation.status = state.withLock { state in
      state.calculationPolls += 1
      guard state.calculationPolls >= 2 else { return .running }
      state.members = state.fresh
      state.dataAsOf = Date()
      return .succeeded
    }
    return calculation
  }

}

func segmentTarget(_ id: Int64, refresh: Bool) -> Maac_Tags_V1_BulkTagTarget {
  var target = Maac_Tags_V1_BulkTagTarget()
  target.segment.segmentID = id
  target.segment.refresh = refresh
  return target
}

@Suite("Bulk jobs on segment targets")
struct SegmentTargetTests {
  @Test(
    "T16: a segment target uses the segment's latest snapshot (StreamSegmentMembers), or with refresh a fresh calculation followed with GetSegmentCalculation; an unknown segment is SEGMENT_NOT_FOUND at submission"
  )
  func segmentTargets() async throws {
    let segments = TestSegmentSnapshots()
    try await withSegments([segments]) { address in
      try await TagsHarness.withDatabase { base in
        var harness = base
        harness.peers["segments"] = address
        try await harness.withService { client, _ in
          let org: Int64 = 41
          let tag = try await client.create("segmented", org: org)
          await expectError(
            .notFound, reason: "SEGMENT_NOT_FOUND", field: "target.segment.segment_id"
          ) {
            _ = try await client.startJob(
              .add, tags: [tag.id], target: segmentTarget(6, refresh: false), org: org)
          }

          let snapshot = try await client.startJob(
            .add, tags: [tag.id], target: segmentTarget(5, refresh: false), org: org)
          var job = snapshot
          try await eventually {
            job = try await client.job(snapshot.id, org: org)
            return isTerminal(job)
          }
          #expect(job.status == .succeeded, "\(job.errorMessage)")
          #expect(job.matchedCount == 2)
          #expect(job.dataAsOf.date == Date(timeIntervalSince1970: 1_700_000_000))
          #expect(try await client.contactTags(13, org: org).isEmpty)
          #expect(segments.state.withLock { $0.calculationPolls } == 0)

          let refreshed = try await client.startJob(
            .add, tags: [tag.id], target: segmentTarget(5, refresh: true), org: org)
          job = refreshed
          try await eventually {
            job = try await client.job(refreshed.id, org: org)
            return isTerminal(job)
          }
          #expect(job.status == .succeeded, "\(job.errorMessage)")
          #expect(job.matchedCount == 3)
          #expect(job.affectedCount == 1)
          #expect(job.unchangedCount == 2)
          #expect(try await client.contactTags(13, org: org).map(\.tagID) == [tag.id])
          #expect(segments.state.withLock { $0.calculationPolls } == 2)
          let last = try #require(segments.state.withLock { $0.reads.last })
          guard case .minDataAsOf(let wanted)? = last.consistency.kind else {
            Issue.record("refresh did not ask for a fresh snapshot: \(last)")
            return
          }
          #expect(wanted.date >= refreshed.createdAt.date.addingTimeInterval(-0.001))
        }
      }
    }
  }
}
