import GRPCCore
import MAACContracts
import SwiftProtobuf

/// Server skeleton of `maac.segments.v1.SegmentsInternal`: every method answers UNIMPLEMENTED until the segments issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct SegmentsInternalHandler: Maac_Segments_V1_SegmentsInternal.SimpleServiceProtocol {
  public init() {}

  public func getSegment(request: Maac_Segments_V1_GetSegmentRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_Segment
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.GetSegment.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSegments(request: Maac_Segments_V1_ListSegmentsRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_ListSegmentsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.ListSegments.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getSegmentCalculation(
    request: Maac_Segments_V1_GetSegmentCalculationRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_SegmentCalculation {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.GetSegmentCalculation.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func validateFilter(
    request: Maac_Segments_V1_ValidateFilterRequest, context: ServerContext
  ) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.ValidateFilter.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func previewFilter(request: Maac_Segments_V1_PreviewFilterRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_PreviewFilterResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.PreviewFilter.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func evaluateFilter(
    request: Maac_Segments_V1_EvaluateFilterRequest,
    response: RPCWriter<Maac_Segments_V1_EvaluateFilterResponse>, context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.EvaluateFilter.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSegmentMembers(
    request: Maac_Segments_V1_ListSegmentMembersRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_ListSegmentMembersResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.ListSegmentMembers.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func streamSegmentMembers(
    request: Maac_Segments_V1_StreamSegmentMembersRequest,
    response: RPCWriter<Maac_Segments_V1_StreamSegmentMembersResponse>, context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.StreamSegmentMembers.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func checkMembership(
    request: Maac_Segments_V1_CheckMembershipRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_CheckMembershipResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.CheckMembership.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func addSegmentReference(
    request: Maac_Segments_V1_SegmentReferenceRequest, context: ServerContext
  ) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.AddSegmentReference.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func removeSegmentReference(
    request: Maac_Segments_V1_SegmentReferenceRequest, context: ServerContext
  ) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.RemoveSegmentReference.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSegmentReferences(
    request: Maac_Segments_V1_ListSegmentReferencesRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_ListSegmentReferencesResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.ListSegmentReferences.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getIngestionWatermark(
    request: Maac_Segments_V1_GetIngestionWatermarkRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_GetIngestionWatermarkResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_SegmentsInternal.Method.GetIngestionWatermark.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
