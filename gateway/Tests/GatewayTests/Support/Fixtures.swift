import Foundation
import GRPCCore
import Gateway
import MAACContracts
import ServiceKit

/// Test upstreams for what the real services cannot show: the metadata a service receives
/// (G5), a service slower than the deadline (G12) and one that implements nothing (500). The
/// routes themselves are tested against the real services (`ServiceStack`).
enum Fixtures {
  /// Contacts answering GetContact (org 1 owns contact 5, org 2 contact 6) and
  /// SearchEmailContacts.
  static func contactsUpstream() async throws -> TestUpstream {
    try await TestUpstream.start([
      Unary(Maac_Contacts_V1_Contacts.Method.GetContact.descriptor) {
        (request: Maac_Contacts_V1_GetContactRequest, caller) -> Maac_Contacts_V1_Contact in
        let owned: [Int64: Int64] = [5: 1, 6: 2]
        guard owned[request.contactID] == caller.organizationID else {
          throw ServiceError.notFound("contact", id: request.contactID)
        }
        var contact = Maac_Contacts_V1_Contact()
        contact.id = request.contactID
        return contact
      },
      // A JSON request body over h2c (OnePortTests): org 1 finds amy@example.com.
      Unary(Maac_Contacts_V1_Contacts.Method.SearchEmailContacts.descriptor) {
        (request: Maac_Contacts_V1_SearchEmailContactsRequest, caller)
          -> Maac_Contacts_V1_SearchEmailContactsResponse
        in
        var response = Maac_Contacts_V1_SearchEmailContactsResponse()
        if caller.organizationID == 1, request.email == "amy@example.com" {
          var hit = Maac_Contacts_V1_EmailContactHit()
          hit.email = request.email
          response.hits = [hit]
        }
        return response
      },
    ])
  }

  /// Admin center knowing every organization as active (GQ6), listing no channels, and
  /// validating sender domains slower than any deadline.
  static func adminUpstream() async throws -> TestUpstream {
    try await TestUpstream.start(
      [
        Unary(Maac_Admin_V1_AdminInternal.Method.GetOrganization.descriptor) {
          (request: Maac_Admin_V1_GetOrganizationRequest, caller) -> Maac_Admin_V1_Organization in
          .with {
            $0.id =
              request.organizationID == 0 ? caller.organizationID ?? 0 : request.organizationID
            $0.active = true
          }
        },
        Unary(Maac_Admin_V1_AdminCenter.Method.ListChannels.descriptor) {
          (request: Maac_Admin_V1_ListChannelsRequest, caller) -> Maac_Admin_V1_ListChannelsResponse
          in Maac_Admin_V1_ListChannelsResponse()
        },
        Unary(Maac_Admin_V1_AdminCenter.Method.ValidateSenderDomain.descriptor) {
          (request: Maac_Admin_V1_ValidateSenderDomainRequest, caller) -> Maac_Admin_V1_SenderDomain
          in
          // Waits until the gateway's deadline cancels the call (the 504 test).
          try await Task.sleep(for: .seconds(3600))
          return Maac_Admin_V1_SenderDomain()
        },
      ], organizationRequired: false)
  }
}
