import AdminDomain
import GRPCCore
import MAACContracts
import ServiceKit

/// `maac.admin.v1.AdminInternal`: what other services ask admin center about the caller's
/// organization. `GetChannelCredentials` answers only the allowed service callers; the
/// email-channel RPCs answer UNIMPLEMENTED until admin center's part 2.
public struct AdminInternalHandler: Maac_Admin_V1_AdminInternal.SimpleServiceProtocol {
  private let directory: AdminDirectory
  private let vault: CredentialVault
  private let credentialCallers: CredentialCallers

  public init(
    directory: AdminDirectory, vault: CredentialVault, credentialCallers: CredentialCallers
  ) {
    self.directory = directory
    self.vault = vault
    self.credentialCallers = credentialCallers
  }

  public func getOrganization(
    request: Maac_Admin_V1_GetOrganizationRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_Organization {
    guard request.organizationID >= 0 else {
      throw AdminError.invalid(field: "organization_id", "must not be negative")
    }
    let callerOrganization = CallerContext.current?.organizationID
    let wanted: Int64
    if request.organizationID == 0 {
      guard let callerOrganization else {
        throw AdminError.invalid(
          field: "organization_id",
          "is required when the call carries no `\(CallerMetadataKey.organizationID)`")
      }
      wanted = callerOrganization
    } else {
      wanted = request.organizationID
      // Only services may look up an organization other than their caller's; for anyone
      // else it does not exist.
      if wanted != callerOrganization && !CallerOrganization.isServiceCaller {
        throw AdminError.organizationNotFound(wanted)
      }
    }
    return ProtoMapping.organization(try await directory.organization(wanted))
  }

  public func getOrganizationSettings(
    request: Maac_Admin_V1_GetOrganizationSettingsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_OrganizationSettings {
    ProtoMapping.settings(try await directory.organization(try CallerOrganization.id()))
  }

  public func getChannel(request: Maac_Admin_V1_GetChannelRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_Channel
  {
    let organizationID = try CallerOrganization.id()
    let id = try RequestValidation.positiveID(request.channelID, field: "channel_id")
    return ProtoMapping.channel(try await directory.channel(organizationID: organizationID, id: id))
  }

  public func listChannels(request: Maac_Admin_V1_ListChannelsRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_ListChannelsResponse
  {
    try await ChannelListing.list(request, directory: directory)
  }

  public func listCustomFieldDefinitions(
    request: Maac_Admin_V1_ListCustomFieldDefinitionsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListCustomFieldDefinitionsResponse {
    var response = Maac_Admin_V1_ListCustomFieldDefinitionsResponse()
    response.definitions = try await directory.customFields(
      organizationID: try CallerOrganization.id()
    ).map(ProtoMapping.customField)
    return response
  }

  /// Checks, in this order: the caller is on the allow-list (PERMISSION_DENIED, before
  /// anything about the channel is revealed), the organization metadata, `channel_id`, the
  /// channel, and that the caller may read the channel type's credentials.
  public func getChannelCredentials(
    request: Maac_Admin_V1_GetChannelCredentialsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ChannelCredentials {
    let caller = CallerContext.current
    guard credentialCallers.admits(caller) else {
      throw AdminError.forbidden(
        "channel credentials are served only to the services on admin center's allow-list")
    }
    let organizationID = try CallerOrganization.id()
    let id = try RequestValidation.positiveID(request.channelID, field: "channel_id")
    return CredentialMapping.message(
      try await vault.credentials(organizationID: organizationID, channelID: id) { kind in
        credentialCallers.permits(caller, kind: kind)
      })
  }

  // MARK: Later parts of admin center

  public func listOrganizationsByUuid(
    request: Maac_Admin_V1_ListOrganizationsByUuidRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListOrganizationsResponse {
    throw AdminError.notYetImplemented("ListOrganizationsByUuid", part: "CDH organization linking")
  }

  public func listSenderProfiles(
    request: Maac_Admin_V1_ListSenderProfilesRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListSenderProfilesResponse {
    throw AdminError.notYetImplemented("ListSenderProfiles", part: AdminOpsHandler.emailPart)
  }

  public func getSenderProfile(
    request: Maac_Admin_V1_GetSenderProfileRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_SenderProfile {
    throw AdminError.notYetImplemented("GetSenderProfile", part: AdminOpsHandler.emailPart)
  }

  public func checkSendPermission(
    request: Maac_Admin_V1_CheckSendPermissionRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_CheckSendPermissionResponse {
    throw AdminError.notYetImplemented("CheckSendPermission", part: AdminOpsHandler.emailPart)
  }

  public func reportDeliveryEvents(
    request: Maac_Admin_V1_ReportDeliveryEventsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ReportDeliveryEventsResponse {
    throw AdminError.notYetImplemented("ReportDeliveryEvents", part: AdminOpsHandler.emailPart)
  }

  public func getChannelHealth(
    request: Maac_Admin_V1_GetChannelHealthRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ChannelHealth {
    throw AdminError.notYetImplemented("GetChannelHealth", part: AdminOpsHandler.emailPart)
  }

  public func getEmailProviderCredentials(
    request: Maac_Admin_V1_GetEmailProviderCredentialsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_EmailProviderCredentials {
    throw AdminError.notYetImplemented(
      "GetEmailProviderCredentials", part: AdminOpsHandler.emailPart)
  }
}
