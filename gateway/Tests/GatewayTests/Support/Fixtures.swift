import Foundation
import GRPCCore
import Gateway
import MAACContracts
import ServiceKit

/// Test upstreams (stand-ins for services not yet in `main`) holding per-organization data,
/// so cross-organization access can be checked: org 1 owns contact 5, tag 7, channel 21;
/// org 2 owns contact 6.
enum Fixtures {
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
      Unary(Maac_Contacts_V1_Contacts.Method.SearchEmailContacts.descriptor) {
        (request: Maac_Contacts_V1_SearchEmailContactsRequest, caller)
          -> Maac_Contacts_V1_SearchEmailContactsResponse
        in
        guard request.email.contains("@") else {
          throw ServiceError.invalidArgument(field: "email", "is not an email")
        }
        var response = Maac_Contacts_V1_SearchEmailContactsResponse()
        if caller.organizationID == 1, request.email == "amy@example.com" {
          var hit = Maac_Contacts_V1_EmailContactHit()
          hit.email = request.email
          response.hits = [hit]
        }
        return response
      },
      Unary(Maac_Contacts_V1_Contacts.Method.ListContactHistory.descriptor) {
        (request: Maac_Contacts_V1_ListContactHistoryRequest, caller)
          -> Maac_Contacts_V1_ListContactHistoryResponse
        in
        var response = Maac_Contacts_V1_ListContactHistoryResponse()
        // Echo the paging parameters so the test sees cursor/limit arrive as page_token/page_size.
        response.nextPageToken = "after-\(request.pageToken)-\(request.pageSize)"
        response.entries = [Maac_Contacts_V1_HistoryEntry()]
        return response
      },
    ])
  }

  static func tagsUpstream() async throws -> TestUpstream {
    try await TestUpstream.start([
      Unary(Maac_Tags_V1_TagManagerService.Method.GetTag.descriptor) {
        (request: Maac_Tags_V1_GetTagRequest, caller) -> Maac_Tags_V1_Tag in
        guard request.tagID == 7, caller.organizationID == 1 else {
          throw ServiceError.notFound("tag", id: request.tagID)
        }
        var tag = Maac_Tags_V1_Tag()
        tag.id = 7
        tag.name = "VIP"
        return tag
      },
      Unary(Maac_Tags_V1_TagManagerService.Method.ListTags.descriptor) {
        (request: Maac_Tags_V1_ListTagsRequest, caller) -> Maac_Tags_V1_ListTagsResponse in
        var response = Maac_Tags_V1_ListTagsResponse()
        if caller.organizationID == 1 {
          var tag = Maac_Tags_V1_Tag()
          tag.id = 7
          tag.name = "VIP"
          response.tags = [tag]
          response.totalCount = 1
        }
        response.nextPageToken = request.pageToken.isEmpty ? "" : "next"
        return response
      },
    ])
  }

  static func adminUpstream() async throws -> TestUpstream {
    try await TestUpstream.start([
      Unary(Maac_Admin_V1_AdminCenter.Method.ListChannels.descriptor) {
        (request: Maac_Admin_V1_ListChannelsRequest, caller) -> Maac_Admin_V1_ListChannelsResponse
        in
        var response = Maac_Admin_V1_ListChannelsResponse()
        if caller.organizationID == 1 {
          var channel = Maac_Admin_V1_Channel()
          channel.id = 21
          response.channels = [channel]
        }
        return response
      },
      Unary(Maac_Admin_V1_AdminCenter.Method.ListSenderDomains.descriptor) {
        (request: Maac_Admin_V1_ListSenderDomainsRequest, caller)
          -> Maac_Admin_V1_ListSenderDomainsResponse in
        guard request.channelID == 21, caller.organizationID == 1 else {
          throw RPCError(code: .notFound, message: "channel \(request.channelID) not found")
        }
        return Maac_Admin_V1_ListSenderDomainsResponse()
      },
      Unary(Maac_Admin_V1_AdminCenter.Method.ValidateSenderDomain.descriptor) {
        (request: Maac_Admin_V1_ValidateSenderDomainRequest, caller) -> Maac_Admin_V1_SenderDomain
        in
        // Waits until the gateway's deadline cancels the call (the 504 test).
        try await Task.sleep(for: .seconds(3600))
        return Maac_Admin_V1_SenderDomain()
      },
    ])
  }

  static func cdhUpstream() async throws -> TestUpstream {
    try await TestUpstream.start([
      Unary(Maac_Cdh_V1_UnifySettingsService.Method.GetUnifySettings.descriptor) {
        (request: Maac_Cdh_V1_GetUnifySettingsRequest, caller) -> Maac_Cdh_V1_UnifySettings in
        guard caller.organizationID == 1 else {
          throw RPCError(code: .notFound, message: "no unify scope")
        }
        return Maac_Cdh_V1_UnifySettings()
      },
      Unary(Maac_Cdh_V1_UnifySettingsService.Method.DisconnectScope.descriptor) {
        (request: Maac_Cdh_V1_DisconnectScopeRequest, caller) -> Maac_Cdh_V1_DisconnectScopeResponse
        in
        Maac_Cdh_V1_DisconnectScopeResponse()
      },
    ])
  }
}
