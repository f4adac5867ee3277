import GRPCCore
import MAACContracts

/// Server skeleton of `maac.contacts.v1.ContactsEvents`: every method answers UNIMPLEMENTED until the contacts issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct ContactsEventsHandler: Maac_Contacts_V1_ContactsEvents.SimpleServiceProtocol {
  public init() {}

  public func subscribe(
    request: Maac_Common_V1_SubscribeRequest, response: RPCWriter<Maac_Common_V1_EventEnvelope>,
    context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsEvents.Method.Subscribe.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
