import GRPCCore
import MAACContracts

/// Server skeleton of `maac.email.v1.EmailInbound`: every method answers UNIMPLEMENTED until the email issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct EmailInboundHandler: Maac_Email_V1_EmailInbound.SimpleServiceProtocol {
  public init() {}

  public func exchangeToken(request: Maac_Email_V1_ExchangeTokenRequest, context: ServerContext)
    async throws -> Maac_Email_V1_ExchangeTokenResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailInbound.Method.ExchangeToken.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func ingestProviderWebhook(
    request: Maac_Email_V1_IngestProviderWebhookRequest, context: ServerContext
  ) async throws -> Maac_Email_V1_IngestProviderWebhookResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailInbound.Method.IngestProviderWebhook.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getUnsubscribePage(request: Maac_Email_V1_UnsubscribeRequest, context: ServerContext)
    async throws -> Maac_Email_V1_UnsubscribeResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailInbound.Method.GetUnsubscribePage.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func unsubscribe(request: Maac_Email_V1_UnsubscribeRequest, context: ServerContext)
    async throws -> Maac_Email_V1_UnsubscribeResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailInbound.Method.Unsubscribe.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getJwks(request: Maac_Email_V1_GetJwksRequest, context: ServerContext) async throws
    -> Maac_Email_V1_GetJwksResponse
  {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Email_V1_EmailInbound.Method.GetJwks.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
