import GRPCCore
import MAACContracts
import SwiftProtobuf

/// Server skeleton of `maac.segments.v1.Segments`: every method answers UNIMPLEMENTED until the segments issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct SegmentsHandler: Maac_Segments_V1_Segments.SimpleServiceProtocol {
  public init() {}

  public func createSegment(request: Maac_Segments_V1_CreateSegmentRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_CreateSegmentResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.CreateSegment.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getSegment(request: Maac_Segments_V1_GetSegmentRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_Segment
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.GetSegment.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSegments(request: Maac_Segments_V1_ListSegmentsRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_ListSegmentsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.ListSegments.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateSegment(request: Maac_Segments_V1_UpdateSegmentRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_UpdateSegmentResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.UpdateSegment.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func deleteSegment(request: Maac_Segments_V1_DeleteSegmentRequest, context: ServerContext)
    async throws -> SwiftProtobuf.Google_Protobuf_Empty
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.DeleteSegment.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func calculateSegment(
    request: Maac_Segments_V1_CalculateSegmentRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_SegmentCalculation {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.CalculateSegment.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func batchCalculateSegments(
    request: Maac_Segments_V1_BatchCalculateSegmentsRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_BatchCalculateSegmentsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.BatchCalculateSegments.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getSegmentCalculation(
    request: Maac_Segments_V1_GetSegmentCalculationRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_SegmentCalculation {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.GetSegmentCalculation.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSegmentCalculations(
    request: Maac_Segments_V1_ListSegmentCalculationsRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_ListSegmentCalculationsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.ListSegmentCalculations.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func previewFilter(request: Maac_Segments_V1_PreviewFilterRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_PreviewFilterResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.PreviewFilter.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSegmentMembers(
    request: Maac_Segments_V1_ListSegmentMembersRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_ListSegmentMembersResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.ListSegmentMembers.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func uploadSegmentFile(
    request: RPCAsyncSequence<Maac_Segments_V1_UploadSegmentFileRequest, any Swift.Error>,
    context: ServerContext
  ) async throws -> Maac_Segments_V1_UploadSegmentFileResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.UploadSegmentFile.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func exportSegment(request: Maac_Segments_V1_ExportSegmentRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_ExportSegmentResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.ExportSegment.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getExportJob(request: Maac_Segments_V1_GetExportJobRequest, context: ServerContext)
    async throws -> Maac_Segments_V1_ExportJob
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.GetExportJob.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSegmentVersions(
    request: Maac_Segments_V1_ListSegmentVersionsRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_ListSegmentVersionsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.ListSegmentVersions.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getSegmentVersion(
    request: Maac_Segments_V1_GetSegmentVersionRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_SegmentVersion {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.GetSegmentVersion.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listConditionCatalog(
    request: Maac_Segments_V1_ListConditionCatalogRequest, context: ServerContext
  ) async throws -> Maac_Segments_V1_ListConditionCatalogResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Segments_V1_Segments.Method.ListConditionCatalog.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
