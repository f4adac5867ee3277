import GRPCCore
import MAACContracts

/// Server skeleton of `maac.journey.v1.JourneyInternal`: every method answers UNIMPLEMENTED until the journey issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct JourneyInternalHandler: Maac_Journey_V1_JourneyInternal.SimpleServiceProtocol {
  public init() {}

  public func getNode(request: Maac_Journey_V1_GetNodeRequest, context: ServerContext) async throws
    -> Maac_Journey_V1_NodeContext
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_JourneyInternal.Method.GetNode.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getNodes(request: Maac_Journey_V1_GetNodesRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_NodeContexts
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_JourneyInternal.Method.GetNodes.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func syncEmailNodeSettings(
    request: Maac_Journey_V1_SyncEmailNodeSettingsRequest, context: ServerContext
  ) async throws -> Maac_Journey_V1_Node {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_JourneyInternal.Method.SyncEmailNodeSettings.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func enrollMembers(request: Maac_Journey_V1_EnrollMembersRequest, context: ServerContext)
    async throws -> Maac_Journey_V1_EnrollMembersResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Journey_V1_JourneyInternal.Method.EnrollMembers.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
