import GRPCCore
import MAACContracts

/// Server skeleton of `maac.admin.v1.AdminInternal`: every method answers UNIMPLEMENTED until the admin issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct AdminInternalHandler: Maac_Admin_V1_AdminInternal.SimpleServiceProtocol {
  public init() {}

  public func getOrganization(request: Maac_Admin_V1_GetOrganizationRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_Organization
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.GetOrganization.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listOrganizationsByUuid(
    request: Maac_Admin_V1_ListOrganizationsByUuidRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListOrganizationsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.ListOrganizationsByUuid.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getOrganizationSettings(
    request: Maac_Admin_V1_GetOrganizationSettingsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_OrganizationSettings {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.GetOrganizationSettings.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getChannel(request: Maac_Admin_V1_GetChannelRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_Channel
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.GetChannel.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listChannels(request: Maac_Admin_V1_ListChannelsRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_ListChannelsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.ListChannels.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSenderProfiles(
    request: Maac_Admin_V1_ListSenderProfilesRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListSenderProfilesResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.ListSenderProfiles.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getSenderProfile(
    request: Maac_Admin_V1_GetSenderProfileRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_SenderProfile {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.GetSenderProfile.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func checkSendPermission(
    request: Maac_Admin_V1_CheckSendPermissionRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_CheckSendPermissionResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.CheckSendPermission.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func reportDeliveryEvents(
    request: Maac_Admin_V1_ReportDeliveryEventsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ReportDeliveryEventsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.ReportDeliveryEvents.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getChannelHealth(
    request: Maac_Admin_V1_GetChannelHealthRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ChannelHealth {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.GetChannelHealth.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listCustomFieldDefinitions(
    request: Maac_Admin_V1_ListCustomFieldDefinitionsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListCustomFieldDefinitionsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.ListCustomFieldDefinitions.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getEmailProviderCredentials(
    request: Maac_Admin_V1_GetEmailProviderCredentialsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_EmailProviderCredentials {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.GetEmailProviderCredentials.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getChannelCredentials(
    request: Maac_Admin_V1_GetChannelCredentialsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ChannelCredentials {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminInternal.Method.GetChannelCredentials.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
