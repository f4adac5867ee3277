import ContactsDomain
import MAACContracts
import ServiceKit

/// Finds the contact a request names by id or by channel + primary key (C60, C73).
struct ContactResolver: Sendable {
  let store: ContactStore
  let directory: any OrganizationDirectory

  enum Selector {
    case id(Int64)
    case key(Maac_Contacts_V1_ChannelKey)

    init(_ selector: Maac_Contacts_V1_GetContactRequest.OneOf_Selector) {
      switch selector {
      case .contactID(let id): self = .id(id)
      case .channelKey(let key): self = .key(key)
      }
    }

    init(_ selector: Maac_Contacts_V1_UpdateContactRequest.OneOf_Selector) {
      switch selector {
      case .contactID(let id): self = .id(id)
      case .channelKey(let key): self = .key(key)
      }
    }
  }

  /// The live contact a selector names (C60): an id, or a channel + primary key.
  func resolve(org: Int64, selector: Selector?) async throws -> Contact {
    switch selector {
    case .id(let id) where id > 0:
      guard let contact = try await store.contact(organizationID: org, id: id) else {
        throw ContactStore.notFound
      }
      return contact
    case .key(let key):
      let type: ChannelType
      if key.channelID == 0 {
        type = .sms
      } else {
        guard let channel = try await directory.channel(organizationID: org, id: key.channelID)
        else {
          throw ContactStore.notFound
        }
        type = channel.type
      }
      let externalID = try ServiceErrors.domain {
        try ContactIdentity.normalizePrimaryKey(
          key.externalID, type: type, field: "channel_key.external_id")
      }
      guard
        let contact = try await store.contact(
          organizationID: org, type: type, channelID: key.channelID == 0 ? nil : key.channelID,
          externalID: externalID)
      else { throw ContactStore.notFound }
      return contact
    default:
      throw ServiceErrors.invalid(
        .invalidSelector, field: "contact_id", "give a positive contact_id or a channel_key")
    }
  }

}
