import GRPCCore
import MAACContracts
import SwiftProtobuf

/// Server skeleton of `maac.email.v1.EmailInternal`: every method answers UNIMPLEMENTED until the email issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct EmailInternalHandler: Maac_Email_V1_EmailInternal.SimpleServiceProtocol {
  public init() {}

  public func sendJourneyEmail(
    request: Maac_Email_V1_SendJourneyEmailRequest, context: ServerContext
  ) async throws -> Maac_Email_V1_SendJourneyEmailResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailInternal.Method.SendJourneyEmail.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getCampaignReadiness(request: Maac_Email_V1_CampaignRef, context: ServerContext)
    async throws -> Maac_Email_V1_CampaignReadiness
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailInternal.Method.GetCampaignReadiness.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func deleteCampaign(request: Maac_Email_V1_CampaignRef, context: ServerContext)
    async throws -> SwiftProtobuf.Google_Protobuf_Empty
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailInternal.Method.DeleteCampaign.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getSend(request: Maac_Email_V1_GetSendRequest, context: ServerContext) async throws
    -> Maac_Email_V1_Send
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailInternal.Method.GetSend.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
