import ContactsDomain
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit

/// ``ProfileAuthority`` over CDH's `maac.cdh.v1.ProfileService/UpdateProfile`, forwarding the
/// caller's user and request id so CDH's audit names who asked.
public struct CdhProfileClient: ProfileAuthority {
  let client: GRPCClient<NGHTTP2ClientTransport>

  public init(client: GRPCClient<NGHTTP2ClientTransport>) {
    self.client = client
  }

  static let unavailable = ServiceErrors.make(
    .unavailable, "CDH_UNAVAILABLE",
    "the customer data hub is unavailable; nothing was changed, try again later")

  public func updateProfile(
    contactID: Int64, organizationID: Int64, writes: [ProfileFieldWrite]
  ) async throws -> MergedProfileValues {
    var request = Maac_Cdh_V1_UpdateProfileRequest()
    request.member.source = .maac
    request.member.memberID = contactID
    request.updates = writes.map { write in
      var update = Maac_Cdh_V1_FieldUpdate()
      update.field = write.field
      if let value = write.value { update.setValue = value } else { update.clear = true }
      return update
    }
    let metadata = Self.metadata(organizationID)
    let profiles = Maac_Cdh_V1_ProfileService.Client(wrapping: client)
    let profile: Maac_Cdh_V1_MergedProfile
    do {
      profile = try await profiles.updateProfile(request, metadata: metadata, options: Self.options)
    } catch let error as RPCError {
      switch error.code {
      case .invalidArgument:
        // CDH's verdict on a value, e.g. "invalid value for display_mobile: ...".
        throw ServiceError(
          .invalidArgument, "CDH_REJECTED: \(error.message)",
          field: writes.count == 1 ? writes[0].field : nil, reason: "CDH_REJECTED")
      case .notFound:
        // CDH has not followed this contact's creation yet: retryable, nothing changed.
        throw ContactNotYetInCDH()
      case .permissionDenied:
        throw ServiceError(.permissionDenied, error.message)
      case .cancelled:
        throw error
      default:
        throw Self.unavailable
      }
    }
    return MergedProfileValues(
      profileID: profile.profileID, fields: Self.values(of: profile.fields),
      memberIDs: profile.entities.filter { $0.member.source == .maac }.map(\.member.memberID))
  }

  /// A bounded wait: a person-level write holds the contact's row while CDH answers.
  static var options: CallOptions {
    var options = CallOptions.defaults
    options.timeout = .seconds(10)
    return options
  }

  /// The caller's user, roles and request id, for CDH's audit.
  static func metadata(_ organizationID: Int64) -> Metadata {
    let caller = CallerContext.current
    return CallerContext(
      organizationID: organizationID, userID: caller?.userID ?? "system:contacts",
      roles: caller?.roles ?? [], requestID: caller?.requestID ?? RequestID.generate()
    ).metadata
  }

  public func unifiedMembers(of contactID: Int64, organizationID: Int64) async throws -> [Int64] {
    var request = Maac_Cdh_V1_ListUnifiedMembersRequest()
    request.member.source = .maac
    request.member.memberID = contactID
    let profiles = Maac_Cdh_V1_ProfileService.Client(wrapping: client)
    do {
      let response = try await profiles.listUnifiedMembers(
        request, metadata: Self.metadata(organizationID), options: Self.options)
      let members = response.members.filter { $0.source == .maac }.map(\.memberID)
      return members.contains(contactID) ? members : members + [contactID]
    } catch let error as RPCError where error.code == .notFound {
      // CDH has not followed the contact's creation yet: so far it is a person of its own.
      return [contactID]
    } catch let error as RPCError where error.code != .cancelled {
      throw Self.unavailable
    }
  }

  /// CDH's merged fields by their CDH names (the names contacts' attributes use, §6.1).
  static func values(of fields: Maac_Cdh_V1_ContactFields) -> [String: String] {
    var values: [String: String] = [:]
    if fields.hasDisplayName { values["display_name"] = fields.displayName }
    if fields.hasFullName { values["full_name"] = fields.fullName }
    if fields.hasDisplayMobile { values["display_mobile"] = fields.displayMobile }
    if fields.hasDisplayEmail { values["display_email"] = fields.displayEmail }
    if fields.hasRegion { values["region"] = fields.region }
    if fields.hasCity { values["city"] = fields.city }
    if fields.hasAddress { values["address"] = fields.address }
    if fields.hasBirthday { values["birthday"] = fields.birthday }
    if fields.hasGender, let gender = ContactMapping.gender(fields.gender) {
      values["gender"] = gender.rawValue
    }
    if fields.hasCompany { values["company"] = fields.company }
    if fields.hasAccountManager { values["account_manager"] = fields.accountManager }
    if fields.hasCustomID { values["custom_id"] = fields.customID }
    if fields.hasMemberLevel { values["member_level"] = fields.memberLevel }
    if fields.hasConnectID { values["connect_id"] = fields.connectID }
    if fields.hasStarMark { values["star_mark"] = fields.starMark ? "true" : "false" }
    for (key, value) in fields.customFields { values["custom_fields.\(key)"] = value }
    return values
  }
}
