import GRPCCore
import MAACContracts

/// `maac.admin.v1.AdminCenter`: the public, read-only surface the gateway routes (A5). Part 1
/// serves the channel list; the email sub-resources and the editor token answer
/// UNIMPLEMENTED until admin center's part 2.
public struct AdminCenterHandler: Maac_Admin_V1_AdminCenter.SimpleServiceProtocol {
  private let directory: AdminDirectory

  public init(directory: AdminDirectory) {
    self.directory = directory
  }

  public func listChannels(request: Maac_Admin_V1_ListChannelsRequest, context: ServerContext)
    async throws -> Maac_Admin_V1_ListChannelsResponse
  {
    try await ChannelListing.list(request, directory: directory)
  }

  public func listSenderDomains(
    request: Maac_Admin_V1_ListSenderDomainsRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListSenderDomainsResponse {
    throw AdminError.notYetImplemented("ListSenderDomains", part: AdminOpsHandler.emailPart)
  }

  public func listSenderProfiles(
    request: Maac_Admin_V1_ListSenderProfilesRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_ListSenderProfilesResponse {
    throw AdminError.notYetImplemented("ListSenderProfiles", part: AdminOpsHandler.emailPart)
  }

  public func validateSenderDomain(
    request: Maac_Admin_V1_ValidateSenderDomainRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_SenderDomain {
    throw AdminError.notYetImplemented("ValidateSenderDomain", part: AdminOpsHandler.emailPart)
  }

  public func mintExchangeToken(
    request: Maac_Admin_V1_MintExchangeTokenRequest, context: ServerContext
  ) async throws -> Maac_Admin_V1_MintExchangeTokenResponse {
    throw AdminError.notYetImplemented("MintExchangeToken", part: "email-editor tokens")
  }
}
