import GRPCCore
import MAACContracts

/// Server skeleton of `maac.contacts.v1.ContactsInternal`: every method answers UNIMPLEMENTED until the contacts issue
/// implements it (scaffolded by Scripts/generate-service-skeletons.py).
public struct ContactsInternalHandler: Maac_Contacts_V1_ContactsInternal.SimpleServiceProtocol {
  public init() {}

  public func batchGetContacts(
    request: Maac_Contacts_V1_BatchGetContactsRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_BatchGetContactsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsInternal.Method.BatchGetContacts.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func lookupContacts(
    request: Maac_Contacts_V1_LookupContactsRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_LookupContactsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsInternal.Method.LookupContacts.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func resolveChannelEntity(
    request: Maac_Contacts_V1_ResolveChannelEntityRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ResolveChannelEntityResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsInternal.Method.ResolveChannelEntity.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func resolveMembers(
    request: Maac_Contacts_V1_ResolveMembersRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ResolveMembersResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsInternal.Method.ResolveMembers.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listChannelEntities(
    request: Maac_Contacts_V1_ListChannelEntitiesRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ListChannelEntitiesResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsInternal.Method.ListChannelEntities.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func getEmailRecipients(
    request: Maac_Contacts_V1_GetEmailRecipientsRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_GetEmailRecipientsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsInternal.Method.GetEmailRecipients.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func listChannelContactCounts(
    request: Maac_Contacts_V1_ListChannelContactCountsRequest, context: ServerContext
  ) async throws -> Maac_Contacts_V1_ListChannelContactCountsResponse {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsInternal.Method.ListChannelContactCounts.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }

  public func streamContacts(
    request: Maac_Contacts_V1_StreamContactsRequest,
    response: RPCWriter<Maac_Contacts_V1_ContactBatch>, context: ServerContext
  ) async throws {
    throw RPCError(
      code: .unimplemented,
      message:
        "\(Maac_Contacts_V1_ContactsInternal.Method.StreamContacts.descriptor.fullyQualifiedMethod) is not implemented yet"
    )
  }
}
