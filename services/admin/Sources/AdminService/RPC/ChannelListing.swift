import AdminDomain
import GRPCCore
import MAACContracts

/// `ListChannels`, shared by the public AdminCenter (`GET /api/v1/channels`) and
/// AdminInternal: every channel of the caller's organization, of one type when asked, by id,
/// without credentials (A1, A22).
enum ChannelListing {
  static func list(_ request: Maac_Admin_V1_ListChannelsRequest, directory: AdminDirectory)
    async throws -> Maac_Admin_V1_ListChannelsResponse
  {
    let organizationID = try CallerOrganization.id()
    var violations = ViolationCollector()
    let type = ProtoDrafts.channelType(
      request.type, at: FieldPath.root.member("type"), into: &violations)
    if !violations.isEmpty { throw AdminError.invalid(ValidationFailure(violations.violations)) }
    var response = Maac_Admin_V1_ListChannelsResponse()
    response.channels = try await directory.channels(organizationID: organizationID, type: type)
      .map(ProtoMapping.channel)
    return response
  }
}
