import GRPCCore
import MAACContracts
import SwiftProtobuf

/// Server skeleton of `maac.journey.v1.Journeys`: every method answers UNIMPLEMENTED until the journey issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct JourneysHandler: Maac_Journey_V1_Journeys.SimpleServiceProtocol {
  public init() {}

  public func createJourney(request: Maac_Journey_V1_CreateJourneyRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_Journey
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.CreateJourney.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getJourney(request: Maac_Journey_V1_GetJourneyRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_Journey
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.GetJourney.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listJourneys(request: Maac_Journey_V1_ListJourneysRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_ListJourneysResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.ListJourneys.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func countJourneys(request: Maac_Journey_V1_CountJourneysRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_JourneyCounts
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.CountJourneys.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateJourney(request: Maac_Journey_V1_UpdateJourneyRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_Journey
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.UpdateJourney.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func deleteJourney(request: Maac_Journey_V1_DeleteJourneyRequest, context: ServerContext)
    async throws -> SwiftProtobuf.Google_Protobuf_Empty
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.DeleteJourney.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func publishJourney(
    request: Maac_Journey_V1_JourneyTransitionRequest, context: ServerContext
  ) async throws -> Maac_Journey_V1_Journey {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.PublishJourney.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func pauseJourney(
    request: Maac_Journey_V1_JourneyTransitionRequest, context: ServerContext
  ) async throws -> Maac_Journey_V1_Journey {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.PauseJourney.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func resumeJourney(
    request: Maac_Journey_V1_JourneyTransitionRequest, context: ServerContext
  ) async throws -> Maac_Journey_V1_Journey {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.ResumeJourney.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func createNode(request: Maac_Journey_V1_CreateNodeRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_Node
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.CreateNode.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateNode(request: Maac_Journey_V1_UpdateNodeRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_Node
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.UpdateNode.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func deleteNode(request: Maac_Journey_V1_DeleteNodeRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_DeleteNodeResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.DeleteNode.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func triggerJourney(request: Maac_Journey_V1_TriggerJourneyRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_TriggerJourneyResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.TriggerJourney.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getJourneyReport(
    request: Maac_Journey_V1_GetJourneyReportRequest, context: ServerContext
  ) async throws -> Maac_Journey_V1_JourneyReport {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.GetJourneyReport.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listNodeReports(
    request: Maac_Journey_V1_GetJourneyReportRequest, context: ServerContext
  ) async throws -> Maac_Journey_V1_NodeReports {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.ListNodeReports.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listMemberProgress(
    request: Maac_Journey_V1_ListMemberProgressRequest, context: ServerContext
  ) async throws -> Maac_Journey_V1_MemberProgressList {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_Journeys.Method.ListMemberProgress.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
