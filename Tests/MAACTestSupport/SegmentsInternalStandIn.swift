import GRPCCore
import MAACContracts
import SwiftProtobuf

/// The segment service's internal API for tests of its callers (there is no segments service
/// yet): a stand-in implements the calls its test needs; every other call answers
/// UNIMPLEMENTED, as the real skeleton does.
public protocol SegmentsInternalStandIn: Maac_Segments_V1_SegmentsInternal.SimpleServiceProtocol {}

extension SegmentsInternalStandIn {
  private func unimplemented(_ method: String) -> RPCError {
    RPCError(code: .unimplemented, message: "\(method) is not implemented by this stand-in")
  }

  public func getSegment(request: Maac_Segments_V1_GetSegmentRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_Segment
  {
    throw unimplemented("GetSegment")
  }

  public func listSegments(request: Maac_Segments_V1_ListSegmentsRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_ListSegmentsResponse
  {
    throw unimplemented("ListSegments")
  }

  public func getSegmentCalculation(
    request: Maac_Segments_V1_GetSegmentCalculationRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_SegmentCalculation {
    throw unimplemented("GetSegmentCalculation")
  }

  public func validateFilter(
    request: Maac_Segments_V1_ValidateFilterRequest, context: ServerContext
  ) async throws -> Google_Protobuf_Empty {
    throw unimplemented("ValidateFilter")
  }

  public func previewFilter(request: Maac_Segments_V1_PreviewFilterRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_PreviewFilterResponse
  {
    throw unimplemented("PreviewFilter")
  }

  public func evaluateFilter(
    request: Maac_Segments_V1_EvaluateFilterRequest,
    response: RPCWriter<Maac_Segments_V1_EvaluateFilterResponse>, context: ServerContext
  ) async throws {
    throw unimplemented("EvaluateFilter")
  }

  public func listSegmentMembers(
    request: Maac_Segments_V1_ListSegmentMembersRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_ListSegmentMembersResponse {
    throw unimplemented("ListSegmentMembers")
  }

  public func streamSegmentMembers(
    request: Maac_Segments_V1_StreamSegmentMembersRequest,
    response: RPCWriter<Maac_Segments_V1_StreamSegmentMembersResponse>, context: ServerContext
  ) async throws {
    throw unimplemented("StreamSegmentMembers")
  }

  public func checkMembership(
    request: Maac_Segments_V1_CheckMembershipRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_CheckMembershipResponse {
    throw unimplemented("CheckMembership")
  }

  public func addSegmentReference(
    request: Maac_Segments_V1_SegmentReferenceRequest, context: ServerContext
  ) async throws -> Google_Protobuf_Empty {
    throw unimplemented("AddSegmentReference")
  }

  public func removeSegmentReference(
    request: Maac_Segments_V1_SegmentReferenceRequest, context: ServerContext
  ) async throws -> Google_Protobuf_Empty {
    throw unimplemented("RemoveSegmentReference")
  }

  public func listSegmentReferences(
    request: Maac_Segments_V1_ListSegmentReferencesRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_ListSegmentReferencesResponse {
    throw unimplemented("ListSegmentReferences")
  }

  public func getIngestionWatermark(
    request: Maac_Segments_V1_GetIngestionWatermarkRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_GetIngestionWatermarkResponse {
    throw unimplemented("GetIngestionWatermark")
  }
}
