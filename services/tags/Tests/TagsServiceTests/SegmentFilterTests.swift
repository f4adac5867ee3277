import Foundation
import GRPCCore
import MAACContracts
import MAACTestSupport
import SegmentsService
import ServiceKit
import SwiftProtobuf
import Synchronization
import Testing

@testable import TagsService

/// A segment service for the tests: the generated `SegmentsInternal` protocol served over a
/// real nghttp2 server. `ValidateFilter` refuses conditions named `bad`; `EvaluateFilter`
/// streams the contacts the test set at the moment it is called (so a test can tell
/// resolution at submission from resolution at execution).
final class TestSegments: SegmentsInternalStandIn, Sendable {
  struct State: Sendable {
    var matches: [Int64] = []
    var validated: [Maac_Segments_V1_ValidateFilterRequest] = []
    var evaluated: [(request: Maac_Segments_V1_EvaluateFilterRequest, at: Date)] = []
  }
  let state = Mutex(State())
  let dataAsOf = Date(timeIntervalSince1970: 1_800_000_000)

  func setMatches(_ ids: [Int64]) { state.withLock { $0.matches = ids } }

  func validateFilter(request: Maac_Segments_V1_ValidateFilterRequest, context: ServerContext)
    async throws -> Google_Protobuf_Empty
  {
    state.withLock { $0.validated.append(request) }
    if request.filters.conditions.contains(where: { $0.condition.condition == "bad" }) {
      var metadata = Metadata()
      metadata.addString("INVALID_FILTER", forKey: "x-maac-error-reason")
      metadata.addString("filters.conditions[0].condition", forKey: "x-maac-error-field")
      throw RPCError(
        code: .invalidArgument,
        message: "filters.conditions[0].condition: unknown condition \"bad\"", metadata: metadata)
    }
    return Google_Protobuf_Empty()
  }

  func evaluateFilter(
    request: Maac_Segments_V1_EvaluateFilterRequest,
    response: RPCWriter<Maac_Segments_V1_EvaluateFilterResponse>, context: ServerContext
  ) async throws {
    let matches = state.withLock { state in
      state.evaluated.append((request, Date()))
      return state.matches
    }
    // Batches of at most 10,000 ascending ids; two per test to cross a batch boundary.
    let sorted = matches.sorted()
    let half = max(1, sorted.count / 2)
    for start in stride(from: 0, to: max(sorted.count, 1), by: half) {
      var message = Maac_Segments_V1_EvaluateFilterResponse()
      message.contactIds = Array(sorted[start..<min(sorted.count, start + half)])
      message.dataAsOf = Google_Protobuf_Timestamp(date: dataAsOf)
      try await response.write(message)
    }
  }

}

/// Runs `handlers` as a segment service on its own server process (no database).
func withSegments<T: Sendable>(
  _ handlers: [any RegistrableRPCService], _ body: (HostAndPort) async throws -> T
) async throws -> T {
  let process = ServiceProcess(
    name: "segments", configuration: ServiceConfiguration(logLevel: .critical))
  let server = try await RunningService.start(
    process, services: handlers, tenancy: .organizationScoped())
  do {
    let value = try await body(server.address)
    await server.stop()
    return value
  } catch {
    await server.stop()
    throw error
  }
}

/// A filter target of conditions (`tag with <id>` or any other condition name).
func segmentFilter(_ conditions: [(String, Int64)]) -> Maac_Tags_V1_BulkTagTarget {
  var target = Maac_Tags_V1_BulkTagTarget()
  target.filter.tree.match = .all
  target.filter.tree.conditions = conditions.map { name, value in
    var node = Maac_Segments_V1_FilterNode()
    node.condition.condition = name
    node.condition.op = "with"
    node.condition.value.intValue = value
    return node
  }
  return target
}

@Suite("Bulk job filters through the segment service")
struct SegmentFilterTests {
  @Test(
    "T16, T17: a filter is validated by segment at submission and evaluated by segment only when the job runs, with min_watermark"
  )
  func evaluatedAtExecution() async throws {
    let segments = TestSegments()
    try await withSegments([segments]) { address in
      try await TagsHarness.withDatabase { base in
        var harness = base
        harness.peers["segments"] = address
        try await harness.withService { client, _ in
          let tag = try await client.create("winners", org: 5)
          // Segment's refusal is the caller's error, code and reason unchanged (§9).
          await expectError(.invalidArgument, reason: "INVALID_FILTER") {
            _ = try await client.startJob(
              .add, tags: [tag.id], target: segmentFilter([("bad", 1)]), org: 5)
          }
          // Conditions beyond tags are segment's to evaluate (B4), so they are accepted.
          segments.setMatches([99])
          var request = Maac_Tags_V1_StartBulkTagJobRequest()
          request.action = .add
          request.tagIds = [tag.id]
          request.target = segmentFilter([("attribute", 3), ("tag", tag.id)])
          // Held back briefly so the test changes what segment answers after submission.
          request.notBefore = Google_Protobuf_Timestamp(date: Date().addingTimeInterval(1.5))
          let submitted = try await client.startBulkTagJob(request, metadata: tenant(5))
          let submittedAt = Date()
          #expect(submitted.status == .pending)
          #expect(submitted.warnings == ["self_referencing_filter"])
          #expect(segments.state.withLock { $0.evaluated.isEmpty })
          #expect(segments.state.withLock { $0.validated.count } == 2)
          segments.setMatches([3, 1, 2])
          var job = submitted
          try await eventually {
            job = try await client.job(submitted.id, org: 5)
            return isTerminal(job)
          }
          #expect(job.status == .succeeded)
          #expect(job.matchedCount == 3)
          #expect(job.affectedCount == 3)
          #expect(job.dataAsOf.date == segments.dataAsOf)
          for contact: Int64 in [1, 2, 3] {
            #expect(try await client.contactTags(contact, org: 5).map(\.tagID) == [tag.id])
          }
          #expect(try await client.contactTags(99, org: 5).isEmpty)
          let evaluated = try #require(segments.state.withLock { $0.evaluated.first })
          #expect(evaluated.at >= submittedAt)
          #expect(
            evaluated.request.minWatermark.date
              >= submitted.createdAt.date.addingTimeInterval(-0.001))
          #expect(evaluated.request.filters.conditions.count == 2)
        }
      }
    }
  }

  @Test(
    "T16: when segment cannot evaluate (the real segments skeleton answers UNIMPLEMENTED, or nothing listens) the job fails with TARGET_RESOLUTION_FAILED and says why"
  )
  func unavailableSegment() async throws {
    // The real SegmentsService library, whose methods answer UNIMPLEMENTED for now.
    try await withSegments([SegmentsInternalHandler()]) { address in
      try await TagsHarness.withDatabase { base in
        var harness = base
        harness.peers["segments"] = address
        try await harness.withService { client, _ in
          let tag = try await client.create("t", org: 6)
          let submitted = try await client.startJob(
            .add, tags: [tag.id], target: segmentFilter([("attribute", 1)]), org: 6)
          var job = submitted
          try await eventually {
            job = try await client.job(submitted.id, org: 6)
            return isTerminal(job)
          }
          #expect(job.status == .failed)
          #expect(job.errorReason == "TARGET_RESOLUTION_FAILED")
          #expect(job.errorMessage.contains("EvaluateFilter"))
          #expect(job.matchedCount == 0)
        }
      }
    }
    // A segments peer that does not listen: retried, then failed with the count of retries.
    try await RefusingPort.with { port in
      try await TagsHarness.withDatabase { base in
        var harness = base
        harness.peers["segments"] = HostAndPort(host: "127.0.0.1", port: port)
        try await harness.withService { client, _ in
          let tag = try await client.create("t", org: 7)
          let submitted = try await client.startJob(
            .add, tags: [tag.id], target: segmentFilter([("attribute", 1)]), org: 7)
          var job = submitted
          try await eventually {
            job = try await client.job(submitted.id, org: 7)
            return isTerminal(job)
          }
          #expect(job.status == .failed)
          #expect(job.errorReason == "TARGET_RESOLUTION_FAILED")
          #expect(job.errorMessage.contains("after 3 retries"))
        }
      }
    }
  }
}
