import GRPCCore
import GRPCProtobuf
import MAACContracts

/// The upstream: GetContact answered from memory, so the figures are transport + gateway cost.
struct ContactsStub: RegistrableRPCService {
  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    router.registerHandler(
      forMethod: Maac_Contacts_V1_Contacts.Method.GetContact.descriptor,
      deserializer: ProtobufDeserializer<Maac_Contacts_V1_GetContactRequest>(),
      serializer: ProtobufSerializer<Maac_Contacts_V1_Contact>()
    ) { request, _ in
      var id: Int64 = 0
      for try await message in request.messages { id = message.contactID }
      var contact = Maac_Contacts_V1_Contact()
      contact.id = id
      return StreamingServerResponse(single: ServerResponse(message: contact))
    }
    // GQ6: the gateway asks admin center once per organization and TTL (cached).
    router.registerHandler(
      forMethod: Maac_Admin_V1_AdminInternal.Method.GetOrganization.descriptor,
      deserializer: ProtobufDeserializer<Maac_Admin_V1_GetOrganizationRequest>(),
      serializer: ProtobufSerializer<Maac_Admin_V1_Organization>()
    ) { request, _ in
      var organization = Maac_Admin_V1_Organization()
      for try await message in request.messages { organization.id = message.organizationID }
      organization.active = true
      return StreamingServerResponse(single: ServerResponse(message: organization))
    }
  }
}
