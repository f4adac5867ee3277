import GRPCCore
import MAACContracts
import SwiftProtobuf

/// Server skeleton of `maac.email.v1.Email`: every method answers UNIMPLEMENTED until the email issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct EmailHandler: Maac_Email_V1_Email.SimpleServiceProtocol {
  public init() {}

  public func upsertCampaign(request: Maac_Email_V1_UpsertCampaignRequest, context: ServerContext)
    async throws -> Maac_Email_V1_Campaign
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.UpsertCampaign.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getCampaign(request: Maac_Email_V1_CampaignRef, context: ServerContext) async throws
    -> Maac_Email_V1_Campaign
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.GetCampaign.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func deleteCampaign(request: Maac_Email_V1_CampaignRef, context: ServerContext)
    async throws -> SwiftProtobuf.Google_Protobuf_Empty
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.DeleteCampaign.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listCampaigns(request: Maac_Email_V1_ListCampaignsRequest, context: ServerContext)
    async throws -> Maac_Email_V1_ListCampaignsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.ListCampaigns.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func buildMessage(request: Maac_Email_V1_BuildMessageRequest, context: ServerContext)
    async throws -> Maac_Email_V1_BuildMessageResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.BuildMessage.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func sendTestEmail(request: Maac_Email_V1_SendTestEmailRequest, context: ServerContext)
    async throws -> Maac_Email_V1_TestSendResults
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.SendTestEmail.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func sendTestMessage(request: Maac_Email_V1_SendTestMessageRequest, context: ServerContext)
    async throws -> Maac_Email_V1_TestSendResults
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.SendTestMessage.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func createTemplate(request: Maac_Email_V1_CreateTemplateRequest, context: ServerContext)
    async throws -> Maac_Email_V1_EmailTemplate
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.CreateTemplate.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateTemplate(request: Maac_Email_V1_UpdateTemplateRequest, context: ServerContext)
    async throws -> Maac_Email_V1_EmailTemplate
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.UpdateTemplate.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func deleteTemplate(request: Maac_Email_V1_DeleteTemplateRequest, context: ServerContext)
    async throws -> SwiftProtobuf.Google_Protobuf_Empty
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.DeleteTemplate.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getTemplate(request: Maac_Email_V1_GetTemplateRequest, context: ServerContext)
    async throws -> Maac_Email_V1_EmailTemplate
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.GetTemplate.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func searchTemplates(request: Maac_Email_V1_SearchTemplatesRequest, context: ServerContext)
    async throws -> Maac_Email_V1_SearchTemplatesResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.SearchTemplates.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listSenderProfiles(
    request: Maac_Email_V1_ListSenderProfilesRequest, context: ServerContext
  ) async throws -> Maac_Email_V1_ListSenderProfilesResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.ListSenderProfiles.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listEmailChannels(
    request: Maac_Email_V1_ListEmailChannelsRequest, context: ServerContext
  ) async throws -> Maac_Email_V1_ListEmailChannelsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.ListEmailChannels.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getGaSettings(request: Maac_Email_V1_GetGaSettingsRequest, context: ServerContext)
    async throws -> Maac_Email_V1_GetGaSettingsResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_Email.Method.GetGaSettings.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
