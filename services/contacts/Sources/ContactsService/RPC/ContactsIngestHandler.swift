import GRPCCore
import MAACContracts

/// Server skeleton of `maac.contacts.v1.ContactsIngest`: every method answers UNIMPLEMENTED until the contacts issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct ContactsIngestHandler: Maac_Contacts_V1_ContactsIngest.SimpleServiceProtocol {
  public init() {}

  public func applyChannelEvent(
    request: Maac_Contacts_V1_ApplyChannelEventRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ApplyChannelEventResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsIngest.Method.ApplyChannelEvent.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func recordInteraction(
    request: Maac_Contacts_V1_RecordInteractionRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_RecordInteractionResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsIngest.Method.RecordInteraction.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func updateEmailMessagingStatus(
    request: Maac_Contacts_V1_UpdateEmailMessagingStatusRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_UpdateEmailMessagingStatusResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsIngest.Method.UpdateEmailMessagingStatus.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func applyProfileBroadcast(
    request: Maac_Contacts_V1_ApplyProfileBroadcastRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ApplyProfileBroadcastResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsIngest.Method.ApplyProfileBroadcast.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func setSystemAttributes(
    request: Maac_Contacts_V1_SetSystemAttributesRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_Contact {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsIngest.Method.SetSystemAttributes.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
