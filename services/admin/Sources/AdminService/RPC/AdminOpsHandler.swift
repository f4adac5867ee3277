import GRPCCore
import MAACContracts
import SwiftProtobuf

/// Server skeleton of `maac.admin.v1.AdminOps`: every method answers UNIMPLEMENTED until the admin issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct AdminOpsHandler: Maac_Admin_V1_AdminOps.SimpleServiceProtocol {
  public init() {}

  public func createOrganization(
    request: Maac_Admin_V1_CreateOrganizationRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_Organization {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.CreateOrganization.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateOrganization(
    request: Maac_Admin_V1_UpdateOrganizationRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_Organization {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.UpdateOrganization.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func createChannel(request: Maac_Admin_V1_CreateChannelRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_Channel
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.CreateChannel.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateChannel(request: Maac_Admin_V1_UpdateChannelRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_Channel
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.UpdateChannel.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func setEmailProviderCredentials(
    request: Maac_Admin_V1_SetEmailProviderCredentialsRequest, context: ServerContext
  ) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.SetEmailProviderCredentials.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func setChannelCredentials(
    request: Maac_Admin_V1_SetChannelCredentialsRequest, context: ServerContext
  ) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.SetChannelCredentials.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func addSenderDomain(request: Maac_Admin_V1_AddSenderDomainRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_SenderDomain
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.AddSenderDomain.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func setSenderDomainExternalId(
    request: Maac_Admin_V1_SetSenderDomainExternalIdRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_SenderDomain {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.SetSenderDomainExternalId.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func createSenderProfile(
    request: Maac_Admin_V1_CreateSenderProfileRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_SenderProfile {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.CreateSenderProfile.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func deleteSenderProfile(
    request: Maac_Admin_V1_DeleteSenderProfileRequest, context: ServerContext
  ) async throws -> SwiftProtobuf.Google_Protobuf_Empty {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.DeleteSenderProfile.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func restoreChannel(request: Maac_Admin_V1_RestoreChannelRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_Channel
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.RestoreChannel.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listChannelStatusTransitions(
    request: Maac_Admin_V1_ListChannelStatusTransitionsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListChannelStatusTransitionsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.ListChannelStatusTransitions.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func setCustomFieldDefinition(
    request: Maac_Admin_V1_SetCustomFieldDefinitionRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_CustomFieldDefinition {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.SetCustomFieldDefinition.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func provision(request: Maac_Admin_V1_ProvisionRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_ProvisionResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Admin_V1_AdminOps.Method.Provision.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
