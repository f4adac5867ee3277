import GRPCCore
import MAACContracts

/// Server skeleton of `maac.cdh.v1.UnifySettingsService`: every method answers UNIMPLEMENTED until the cdh issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct UnifySettingsServiceHandler: Maac_Cdh_V1_UnifySettingsService.SimpleServiceProtocol {
  public init() {}

  public func getUnifySettings(request: Maac_Cdh_V1_GetUnifySettingsRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UnifySettings
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_UnifySettingsService.Method.GetUnifySettings.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateUnifyKeys(request: Maac_Cdh_V1_UpdateUnifyKeysRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UpdateUnifyKeysResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_UnifySettingsService.Method.UpdateUnifyKeys.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getMergeState(request: Maac_Cdh_V1_GetMergeStateRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_MergeState
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_UnifySettingsService.Method.GetMergeState.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func connectOrgs(request: Maac_Cdh_V1_ConnectOrgsRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_UnifySettings
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_UnifySettingsService.Method.ConnectOrgs.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func disconnectScope(request: Maac_Cdh_V1_DisconnectScopeRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_DisconnectScopeResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_UnifySettingsService.Method.DisconnectScope.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listScopeOrgs(request: Maac_Cdh_V1_ListScopeOrgsRequest, context: ServerContext)
    async throws -> Maac_Cdh_V1_ListScopeOrgsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Cdh_V1_UnifySettingsService.Method.ListScopeOrgs.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
