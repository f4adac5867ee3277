import GRPCCore
import MAACContracts

/// Server skeleton of `maac.admin.v1.AdminCenter`: every method answers UNIMPLEMENTED until the admin issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct AdminCenterHandler: Maac_Admin_V1_AdminCenter.SimpleServiceProtocol {
  public init() {}

  public func listChannels(request: Maac_Admin_V1_ListChannelsRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_ListChannelsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminCenter.Method.ListChannels.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSenderDomains(
    request: Maac_Admin_V1_ListSenderDomainsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListSenderDomainsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminCenter.Method.ListSenderDomains.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSenderProfiles(
    request: Maac_Admin_V1_ListSenderProfilesRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListSenderProfilesResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminCenter.Method.ListSenderProfiles.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func validateSenderDomain(
    request: Maac_Admin_V1_ValidateSenderDomainRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_SenderDomain {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminCenter.Method.ValidateSenderDomain.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func mintExchangeToken(
    request: Maac_Admin_V1_MintExchangeTokenRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_MintExchangeTokenResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminCenter.Method.MintExchangeToken.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
