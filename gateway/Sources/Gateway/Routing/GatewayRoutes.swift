import MAACContracts
import NIOHTTP1

/// The v1 route table (`gateway.md` §5; `contacts.md` §5, `tags.md` §6, `cdh.md`, `admin.md`).
///
/// Adding a service's routes is a few lines here: method + template → RPC + mapping.
public enum GatewayRoutes {
  /// Every route the gateway serves.
  public static var all: RouteTable {
    RouteTable(admin + cdhApplication + contacts + tags + csv)
  }

  typealias Admin = Maac_Admin_V1_AdminCenter.Method
  typealias Unify = Maac_Cdh_V1_UnifySettingsService.Method
  typealias Contacts = Maac_Contacts_V1_Contacts.Method
  typealias Tags = Maac_Tags_V1_TagManagerService.Method

  static let paging = RequestMapping.paging
  static let tagSource: EnumPaths = ["source": .tagSource, "tag_source": .tagSource]

  static var admin: [Route] {
    [
      .unary(
        .GET, "/api/v1/channels", family: .admin, upstream: "admin",
        rpc: Admin.ListChannels.descriptor,
        request: Maac_Admin_V1_ListChannelsRequest.self,
        response: Maac_Admin_V1_ListChannelsResponse.self,
        mapping: RequestMapping(
          queryFields: ["type": "type"], enums: ["type": .channelType]),
        responseEnums: EnumFields.channel.under("channels"),
        // A22: the email details are documented as `channel_information`, `{}` for the others.
        responseRenames: ["channels.email": "channel_information"],
        responseEmpties: ["channels.email"], extraTokenUses: ["platform"]),
      .unary(
        .GET, "/api/v1/channels/{channel_id}/sender-domains", family: .admin, upstream: "admin",
        rpc: Admin.ListSenderDomains.descriptor,
        request: Maac_Admin_V1_ListSenderDomainsRequest.self,
        response: Maac_Admin_V1_ListSenderDomainsResponse.self,
        responseEnums: EnumFields.senderDomain.under("sender_domains"), extraTokenUses: ["platform"]
      ),
      .unary(
        .GET, "/api/v1/channels/{channel_id}/sender-profiles", family: .admin, upstream: "admin",
        rpc: Admin.ListSenderProfiles.descriptor,
        request: Maac_Admin_V1_ListSenderProfilesRequest.self,
        response: Maac_Admin_V1_ListSenderProfilesResponse.self,
        responseEnums: EnumFields.senderProfile.under("sender_profiles"),
        extraTokenUses: ["platform"]),
      .unary(
        .POST, "/api/v1/channels/{channel_id}/sender-domains/{domain_id}/validate", family: .admin,
        upstream: "admin", rpc: Admin.ValidateSenderDomain.descriptor,
        request: Maac_Admin_V1_ValidateSenderDomainRequest.self,
        response: Maac_Admin_V1_SenderDomain.self, responseEnums: EnumFields.senderDomain,
        extraTokenUses: ["platform"], timeout: .seconds(20)),
      .unary(
        .POST, "/accounts/v1/token", family: .admin, upstream: "admin",
        rpc: Admin.MintExchangeToken.descriptor,
        request: Maac_Admin_V1_MintExchangeTokenRequest.self,
        response: Maac_Admin_V1_MintExchangeTokenResponse.self,
        mapping: RequestMapping(body: .fields), extraTokenUses: ["platform"]),
    ]
  }

  static var cdhApplication: [Route] {
    // The singular `/api/v1/application/...` is an alias of the plural (GQ4).
    let unifyKeysBody = RequestMapping(
      body: .fields, enums: ["unify_keys.attribute": .unifyAttribute],
      scalarItems: ["unify_keys": "attribute"], acceptedBodyKeys: ["unify_keys"])
    return ["applications", "application"].flatMap { base -> [Route] in
      let prefix = "/api/v1/\(base)/cdh"
      return [
        .unary(
          .GET, "\(prefix)/unify-scope-setting", family: .cdhApp, upstream: "cdh",
          rpc: Unify.GetUnifySettings.descriptor,
          request: Maac_Cdh_V1_GetUnifySettingsRequest.self,
          response: Maac_Cdh_V1_UnifySettings.self, responseEnums: EnumFields.unifySettings,
          extraTokenUses: ["platform"]),
        .unary(
          .PUT, "\(prefix)/unify-scope-setting/unify-keys", family: .cdhApp, upstream: "cdh",
          rpc: Unify.UpdateUnifyKeys.descriptor,
          request: Maac_Cdh_V1_UpdateUnifyKeysRequest.self,
          response: Maac_Cdh_V1_UpdateUnifyKeysResponse.self,
          mapping: unifyKeysBody, responseEnums: EnumFields.unifySettings.under("settings"),
          extraTokenUses: ["platform"]),
        .unary(
          .POST, "\(prefix)/integrate", family: .cdhApp, upstream: "cdh",
          rpc: Unify.ConnectOrgs.descriptor,
          request: Maac_Cdh_V1_ConnectOrgsRequest.self, response: Maac_Cdh_V1_UnifySettings.self,
          mapping: unifyKeysBody, responseEnums: EnumFields.unifySettings,
          extraTokenUses: ["platform"]),
        .unary(
          .POST, "\(prefix)/disconnect", family: .cdhApp, upstream: "cdh",
          rpc: Unify.DisconnectScope.descriptor,
          request: Maac_Cdh_V1_DisconnectScopeRequest.self,
          response: Maac_Cdh_V1_DisconnectScopeResponse.self,
          mapping: RequestMapping(body: .fields, acceptedBodyKeys: []), render: .empty,
          extraTokenUses: ["platform"]),
        .unary(
          .GET, "\(prefix)/unify-scope-setting/merge-state", family: .cdhApp, upstream: "cdh",
          rpc: Unify.GetMergeState.descriptor,
          request: Maac_Cdh_V1_GetMergeStateRequest.self, response: Maac_Cdh_V1_MergeState.self,
          responseEnums: EnumFields.mergeState, extraTokenUses: ["platform"]),
        .unary(
          .GET, "\(prefix)/organizations", family: .cdhApp, upstream: "cdh",
          rpc: Unify.ListScopeOrgs.descriptor,
          request: Maac_Cdh_V1_ListScopeOrgsRequest.self,
          response: Maac_Cdh_V1_ListScopeOrgsResponse.self,
          // No `org_uuid` parameter: the caller's own organization's, never another's.
          render: .array(items: "orgs"),
          responseEnums: EnumFields.scopeOrg.under("orgs"), extraTokenUses: ["platform"]),
      ]
    }
  }

  static var contacts: [Route] {
    let base = "/api/member/v1"
    return [
      .unary(
        .POST, "\(base)/search", family: .contacts, upstream: "contacts",
        rpc: Contacts.SearchEmailContacts.descriptor,
        request: Maac_Contacts_V1_SearchEmailContactsRequest.self,
        response: Maac_Contacts_V1_SearchEmailContactsResponse.self,
        mapping: RequestMapping(body: .fields), render: .array(items: "hits"),
        responseEnums: EnumFields.emailHit.under("hits"), extraTokenUses: ["extension"]),
      .unary(
        .POST, "\(base)/contacts", family: .contacts, upstream: "contacts",
        rpc: Contacts.CreateContact.descriptor,
        request: Maac_Contacts_V1_CreateContactRequest.self,
        response: Maac_Contacts_V1_Contact.self,
        mapping: RequestMapping(
          body: .fields,
          enums: EnumFields.contactFields.under("fields").merging(["channel_type": .channelType]) {
            $1
          }),
        responseEnums: EnumFields.contact, status: .created),
      .unary(
        .POST, "\(base)/contacts/search", family: .contacts, upstream: "contacts",
        rpc: Contacts.SearchContacts.descriptor,
        request: Maac_Contacts_V1_SearchContactsRequest.self,
        response: Maac_Contacts_V1_SearchContactsResponse.self,
        mapping: RequestMapping(
          body: .fields, bodyRenames: paging, enums: ["channel_types": .channelType]),
        render: .list(items: "contacts", count: "count"),
        responseEnums: EnumFields.contact.under("contacts")),
      .unary(
        .GET, "\(base)/contacts/{contact_id}", family: .contacts, upstream: "contacts",
        rpc: Contacts.GetContact.descriptor,
        request: Maac_Contacts_V1_GetContactRequest.self, response: Maac_Contacts_V1_Contact.self,
        responseEnums: EnumFields.contact),
      .unary(
        .PATCH, "\(base)/contacts/{contact_id}", family: .contacts, upstream: "contacts",
        rpc: Contacts.UpdateContact.descriptor,
        request: Maac_Contacts_V1_UpdateContactRequest.self,
        response: Maac_Contacts_V1_Contact.self,
        mapping: RequestMapping(
          body: .mergePatch(into: "fields", mask: "update_mask", renames: [:]),
          enums: EnumFields.contactFields.under("fields")),
        responseEnums: EnumFields.contact),
      .unary(
        .DELETE, "\(base)/contacts/{contact_id}", family: .contacts, upstream: "contacts",
        rpc: Contacts.DeleteContact.descriptor,
        request: Maac_Contacts_V1_DeleteContactRequest.self,
        response: Maac_Contacts_V1_DeleteContactResponse.self,
        render: .empty),
      .unary(
        .PUT, "\(base)/contacts/{contact_id}/customer-id", family: .contacts, upstream: "contacts",
        rpc: Contacts.BindCustomerId.descriptor,
        request: Maac_Contacts_V1_BindCustomerIdRequest.self,
        response: Maac_Contacts_V1_Contact.self,
        mapping: RequestMapping(body: .fields, enums: ["via": .bindVia]),
        responseEnums: EnumFields.contact),
      .unary(
        .DELETE, "\(base)/contacts/{contact_id}/customer-id", family: .contacts,
        upstream: "contacts",
        rpc: Contacts.UnbindCustomerId.descriptor,
        request: Maac_Contacts_V1_UnbindCustomerIdRequest.self,
        response: Maac_Contacts_V1_Contact.self, responseEnums: EnumFields.contact),
      .unary(
        .GET, "\(base)/contacts/{contact_id}/history", family: .contacts, upstream: "contacts",
        rpc: Contacts.ListContactHistory.descriptor,
        request: Maac_Contacts_V1_ListContactHistoryRequest.self,
        response: Maac_Contacts_V1_ListContactHistoryResponse.self,
        mapping: RequestMapping(queryFields: paging.merging(["field": "field"]) { $1 }),
        render: .list(items: "entries"), responseEnums: EnumFields.historyEntry.under("entries")),
      .unary(
        .GET, "\(base)/stats", family: .contacts, upstream: "contacts",
        rpc: Contacts.GetContactStats.descriptor,
        request: Maac_Contacts_V1_GetContactStatsRequest.self,
        response: Maac_Contacts_V1_ContactStats.self,
        mapping: RequestMapping(queryFields: ["channel_id": "channel_id"])),
      .unary(
        .GET, "\(base)/imports", family: .contacts, upstream: "contacts",
        rpc: Contacts.ListImportTasks.descriptor,
        request: Maac_Contacts_V1_ListImportTasksRequest.self,
        response: Maac_Contacts_V1_ListImportTasksResponse.self,
        mapping: RequestMapping(
          queryFields: paging.merging(["status": "statuses"]) { $1 },
          enums: ["statuses": .taskStatus]),
        repeatedQuery: ["statuses"], render: .list(items: "tasks"),
        responseEnums: EnumFields.importTask.under("tasks")),
      .unary(
        .GET, "\(base)/imports/{task_id}", family: .contacts, upstream: "contacts",
        rpc: Contacts.GetImportTask.descriptor,
        request: Maac_Contacts_V1_GetImportTaskRequest.self,
        response: Maac_Contacts_V1_ImportTask.self, responseEnums: EnumFields.importTask),
      .unary(
        .GET, "\(base)/imports/{task_id}/rows", family: .contacts, upstream: "contacts",
        rpc: Contacts.ListImportRowResults.descriptor,
        request: Maac_Contacts_V1_ListImportRowResultsRequest.self,
        response: Maac_Contacts_V1_ListImportRowResultsResponse.self,
        mapping: RequestMapping(
          queryFields: paging.merging([
            "outcome": "outcomes", "only_with_issues": "only_with_issues",
          ]) { $1 },
          enums: ["outcomes": .rowOutcome]),
        repeatedQuery: ["outcomes"], render: .list(items: "rows"),
        responseEnums: EnumFields.rowResult.under("rows")),
      .unary(
        .POST, "\(base)/exports", family: .contacts, upstream: "contacts",
        rpc: Contacts.CreateExportTask.descriptor,
        request: Maac_Contacts_V1_CreateExportTaskRequest.self,
        response: Maac_Contacts_V1_ExportTask.self,
        mapping: RequestMapping(
          body: .fields, enums: ["search.channel_types": .channelType]),
        responseEnums: EnumFields.exportTask, status: .accepted),
      .unary(
        .GET, "\(base)/exports/{task_id}", family: .contacts, upstream: "contacts",
        rpc: Contacts.GetExportTask.descriptor,
        request: Maac_Contacts_V1_GetExportTaskRequest.self,
        response: Maac_Contacts_V1_ExportTask.self, responseEnums: EnumFields.exportTask),
    ]
  }

  static var tags: [Route] {
    let base = "/api/tag/v1"
    return [
      .unary(
        .GET, "/api/cdp/v1/tags", family: .tags, upstream: "tags", rpc: Tags.ListTags.descriptor,
        request: Maac_Tags_V1_ListTagsRequest.self, response: Maac_Tags_V1_ListTagsResponse.self,
        mapping: RequestMapping(queryFields: ["source": "source"], enums: tagSource),
        render: .array(items: "tags"), responseEnums: EnumFields.tag.under("tags"),
        extraTokenUses: ["extension"]),
      .unary(
        .GET, "\(base)/tags", family: .tags, upstream: "tags", rpc: Tags.ListTags.descriptor,
        request: Maac_Tags_V1_ListTagsRequest.self, response: Maac_Tags_V1_ListTagsResponse.self,
        mapping: RequestMapping(
          queryFields: paging.merging([
            "source": "source", "created_via": "created_via", "q": "name_query", "status": "status",
            "sort": "sort_by", "order": "sort_order",
          ]) { $1 },
          enums: tagSource.merging([
            "created_via": .createdVia, "status": .tagStatus, "sort_by": .tagSortBy,
            "sort_order": .sortOrder,
          ]) { $1 }),
        render: .list(items: "tags", count: "total_count"),
        responseEnums: EnumFields.tag.under("tags")),
      .unary(
        .POST, "\(base)/tags", family: .tags, upstream: "tags", rpc: Tags.CreateTag.descriptor,
        request: Maac_Tags_V1_CreateTagRequest.self, response: Maac_Tags_V1_Tag.self,
        mapping: RequestMapping(
          body: .fields,
          enums: [
            "expiry.mode": .expiryMode, "created_via": .createdVia,
            "created_via_detail": .taggedVia,
          ]),
        responseEnums: EnumFields.tag, status: .created),
      .unary(
        .GET, "\(base)/tags/{tag_id}", family: .tags, upstream: "tags", rpc: Tags.GetTag.descriptor,
        request: Maac_Tags_V1_GetTagRequest.self, response: Maac_Tags_V1_Tag.self,
        mapping: RequestMapping(queryFields: ["source": "tag_source"], enums: tagSource),
        responseEnums: EnumFields.tag),
      .unary(
        .PATCH, "\(base)/tags/{tag_id}", family: .tags, upstream: "tags",
        rpc: Tags.UpdateTag.descriptor,
        request: Maac_Tags_V1_UpdateTagRequest.self, response: Maac_Tags_V1_Tag.self,
        mapping: RequestMapping(
          body: .mergePatch(
            into: nil, mask: "update_mask", renames: ["version": "expected_version"]),
          queryFields: ["source": "tag_source"],
          enums: tagSource.merging(["expiry.mode": .expiryMode]) { $1 }),
        responseEnums: EnumFields.tag),
      .unary(
        .DELETE, "\(base)/tags/{tag_id}", family: .tags, upstream: "tags",
        rpc: Tags.DeleteTag.descriptor,
        request: Maac_Tags_V1_DeleteTagRequest.self, response: Maac_Tags_V1_DeleteTagResponse.self,
        mapping: RequestMapping(queryFields: ["source": "tag_source"], enums: tagSource),
        responseEnums: EnumFields.tag.under("tag"), status: .accepted),
      .unary(
        .POST, "\(base)/tags/batch-delete", family: .tags, upstream: "tags",
        rpc: Tags.BatchDeleteTags.descriptor,
        request: Maac_Tags_V1_BatchDeleteTagsRequest.self,
        response: Maac_Tags_V1_BatchDeleteTagsResponse.self,
        mapping: RequestMapping(body: .fields, enums: tagSource),
        responseEnums: EnumFields.deleteResult.under("results"), status: .accepted),
      .unary(
        .GET, "\(base)/contacts/{contact_id}/tags", family: .tags, upstream: "tags",
        rpc: Tags.ListContactTags.descriptor,
        request: Maac_Tags_V1_ListContactTagsRequest.self,
        response: Maac_Tags_V1_ListContactTagsResponse.self,
        mapping: RequestMapping(queryFields: ["include_inherited": "include_inherited"]),
        render: .array(items: "tags"), responseEnums: EnumFields.contactTag.under("tags")),
      .unary(
        .DELETE, "\(base)/contacts/{contact_id}/tags/{tag_id}", family: .tags, upstream: "tags",
        rpc: Tags.DetachTags.descriptor,
        request: Maac_Tags_V1_DetachTagsRequest.self,
        response: Maac_Tags_V1_DetachTagsResponse.self,
        mapping: RequestMapping(pathFields: ["contact_id": "contact_ids[]", "tag_id": "tag_ids[]"]),
        render: .empty),
      .unary(
        .GET, "\(base)/contacts/{contact_id}/tag-history", family: .tags, upstream: "tags",
        rpc: Tags.GetContactTagHistory.descriptor,
        request: Maac_Tags_V1_GetContactTagHistoryRequest.self,
        response: Maac_Tags_V1_GetContactTagHistoryResponse.self,
        mapping: RequestMapping(
          queryFields: paging.merging(["tag_id": "tag_id", "from": "from", "to": "to"]) { $1 }),
        render: .list(items: "events"), responseEnums: EnumFields.tagEvent.under("events")),
      .unary(
        .POST, "\(base)/bulk-jobs", family: .tags, upstream: "tags",
        rpc: Tags.StartBulkTagJob.descriptor,
        request: Maac_Tags_V1_StartBulkTagJobRequest.self, response: Maac_Tags_V1_BulkTagJob.self,
        mapping: RequestMapping(
          body: .fields, enums: ["action": .bulkAction, "tag_source": .tagSource]),
        responseEnums: EnumFields.bulkJob, status: .accepted),
      .unary(
        .GET, "\(base)/bulk-jobs/{job_id}", family: .tags, upstream: "tags",
        rpc: Tags.GetBulkTagJob.descriptor,
        request: Maac_Tags_V1_GetBulkTagJobRequest.self, response: Maac_Tags_V1_BulkTagJob.self,
        responseEnums: EnumFields.bulkJob),
      .unary(
        .POST, "\(base)/bulk-jobs/{job_id}/cancel", family: .tags, upstream: "tags",
        rpc: Tags.CancelBulkTagJob.descriptor,
        request: Maac_Tags_V1_CancelBulkTagJobRequest.self, response: Maac_Tags_V1_BulkTagJob.self,
        responseEnums: EnumFields.bulkJob),
      .unary(
        .GET, "\(base)/coverage", family: .tags, upstream: "tags",
        rpc: Tags.GetTagCoverage.descriptor,
        request: Maac_Tags_V1_GetTagCoverageRequest.self,
        response: Maac_Tags_V1_GetTagCoverageResponse.self,
        mapping: RequestMapping(
          queryFields: [
            "channel_id": "channel_id", "start_date": "start_date", "end_date": "end_date",
          ]),
        responseEnums: EnumFields.coverage),
    ]
  }
}
