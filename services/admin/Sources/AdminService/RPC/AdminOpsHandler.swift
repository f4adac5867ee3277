import AdminDomain
import GRPCCore
import MAACContracts
import SwiftProtobuf

/// `maac.admin.v1.AdminOps`: Ops creates organizations, channels and custom-field labels, one
/// at a time or all-or-nothing with `Provision`, changes organizations and replaces channel
/// credentials. The email-onboarding RPCs answer UNIMPLEMENTED until admin center's part 2.
public struct AdminOpsHandler: Maac_Admin_V1_AdminOps.SimpleServiceProtocol {
  private let registry: AdminRegistry

  public init(registry: AdminRegistry) {
    self.registry = registry
  }

  public func createOrganization(
    request: Maac_Admin_V1_CreateOrganizationRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_Organization {
    let organization = try RequestValidation.validated(
      read: { ProtoDrafts.organization(request, at: .root, into: &$0) },
      validate: { draft, violations in draft.validated(at: .root, into: &violations) })
    return ProtoMapping.organization(try await registry.createOrganization(organization))
  }

  public func createChannel(
    request: Maac_Admin_V1_CreateChannelRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_Channel {
    let organizationID = try RequestValidation.positiveID(
      request.organizationID, field: "organization_id")
    let channel = try RequestValidation.validated(
      read: { ProtoDrafts.channel(request, at: .root, into: &$0) },
      validate: { draft, violations in draft.validated(at: .root, into: &violations) })
    let record = try await registry.createChannel(channel, organizationID: organizationID)
    return ProtoMapping.channel(ChannelView(record))
  }

  public func setCustomFieldDefinition(
    request: Maac_Admin_V1_SetCustomFieldDefinitionRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_CustomFieldDefinition {
    let organizationID = try RequestValidation.positiveID(
      request.organizationID, field: "organization_id")
    let label = try RequestValidation.validated(
      read: { _ in CustomFieldDraft(slot: Int(request.slot), label: request.label) },
      validate: { draft, violations in draft.validated(at: .root, into: &violations) })
    return ProtoMapping.customField(
      try await registry.setCustomField(label, organizationID: organizationID))
  }

  public func provision(request: Maac_Admin_V1_ProvisionRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_ProvisionResponse
  {
    let plan = try RequestValidation.validated(
      read: { ProtoDrafts.provisioning(request, into: &$0) },
      validate: { draft, violations in draft.validated(into: &violations) })
    let created = try await registry.provision(plan, validateOnly: request.validateOnly)
    var response = Maac_Admin_V1_ProvisionResponse()
    response.organizations = created.map { entry in
      var message = Maac_Admin_V1_ProvisionedOrganization()
      message.organization = ProtoMapping.organization(entry.organization)
      message.channels = entry.channels.map { ProtoMapping.channel(ChannelView($0)) }
      message.customFields = entry.customFields.map(ProtoMapping.customField)
      return message
    }
    return response
  }

  /// Changes the fields `update_mask` names (`name`, `region`, `timezone`, `active`), each
  /// checked exactly as on creation; `organization.updated` only when something changed.
  public func updateOrganization(
    request: Maac_Admin_V1_UpdateOrganizationRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_Organization {
    let id = try RequestValidation.positiveID(request.organizationID, field: "organization_id")
    let changes = try RequestValidation.validated(
      read: { ProtoDrafts.organizationChanges(request, into: &$0) },
      validate: { draft, violations in draft.validated(at: .root, into: &violations) })
    return ProtoMapping.organization(try await registry.updateOrganization(id: id, changes))
  }

  /// Replaces a non-email channel's credentials; validated once the channel's type is known.
  public func setChannelCredentials(
    request: Maac_Admin_V1_SetChannelCredentialsRequest, context: ServerContext
  ) async throws -> Google_Protobuf_Empty {
    let id = try RequestValidation.positiveID(request.channelID, field: "channel_id")
    let draft = try RequestValidation.validated(
      // An absent message and an empty oneof are both "no credential set" here.
      read: {
        ProtoDrafts.credentials(request.credentials, at: .root.member("credentials"), into: &$0).0
      },
      validate: { draft, _ in draft })
    try await registry.setCredentials(channelID: id, draft)
    return Google_Protobuf_Empty()
  }

  // MARK: Later parts of admin center

  public func updateChannel(request: Maac_Admin_V1_UpdateChannelRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_Channel
  {
    throw AdminError.notYetImplemented("UpdateChannel", part: "channel updates")
  }

  public func setEmailProviderCredentials(
    request: Maac_Admin_V1_SetEmailProviderCredentialsRequest, context: ServerContext
  ) async throws -> Google_Protobuf_Empty {
    throw AdminError.notYetImplemented("SetEmailProviderCredentials", part: Self.emailPart)
  }

  public func addSenderDomain(request: Maac_Admin_V1_AddSenderDomainRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_SenderDomain
  {
    throw AdminError.notYetImplemented("AddSenderDomain", part: Self.emailPart)
  }

  public func setSenderDomainExternalId(
    request: Maac_Admin_V1_SetSenderDomainExternalIdRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_SenderDomain {
    throw AdminError.notYetImplemented("SetSenderDomainExternalId", part: Self.emailPart)
  }

  public func createSenderProfile(
    request: Maac_Admin_V1_CreateSenderProfileRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_SenderProfile {
    throw AdminError.notYetImplemented("CreateSenderProfile", part: Self.emailPart)
  }

  public func deleteSenderProfile(
    request: Maac_Admin_V1_DeleteSenderProfileRequest, context: ServerContext
  ) async throws -> Google_Protobuf_Empty {
    throw AdminError.notYetImplemented("DeleteSenderProfile", part: Self.emailPart)
  }

  public func restoreChannel(request: Maac_Admin_V1_RestoreChannelRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_Channel
  {
    throw AdminError.notYetImplemented("RestoreChannel", part: Self.emailPart)
  }

  public func listChannelStatusTransitions(
    request: Maac_Admin_V1_ListChannelStatusTransitionsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListChannelStatusTransitionsResponse {
    throw AdminError.notYetImplemented("ListChannelStatusTransitions", part: Self.emailPart)
  }

  static let emailPart = "email-channel onboarding (sender domains, DNS, health: A6-A21)"
}
