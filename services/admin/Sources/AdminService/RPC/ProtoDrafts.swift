import AdminDomain
import MAACContracts

/// Protobuf requests → domain drafts, so RPC input is validated by exactly the rules the
/// provisioning document is (AdminDomain). Enum values the contract does not know are
/// recorded as violations here; "not given" (proto3 defaults) becomes nil.
public enum ProtoDrafts {
  public static func organization(
    _ request: Maac_Admin_V1_CreateOrganizationRequest, at path: FieldPath,
    into violations: inout ViolationCollector
  ) -> OrganizationDraft {
    OrganizationDraft(
      name: request.name, uuid: request.uuid.isEmpty ? nil : request.uuid,
      region: region(request.region, at: path.member("region"), into: &violations),
      timezone: request.timezone.isEmpty ? nil : request.timezone,
      active: request.hasActive ? request.active : nil)
  }

  /// The region a request names; nil for UNSPECIFIED ("no region"), recorded as a violation
  /// when the value is unknown to the contract.
  static func region(
    _ region: Maac_Admin_V1_Region, at path: FieldPath, into violations: inout ViolationCollector
  ) -> Region? {
    switch region {
    case .unspecified: return nil
    case .tw: return .tw
    case .th: return .th
    case .jp: return .jp
    case .UNRECOGNIZED(let value):
      violations.add(path, "is not a known region (\(value))")
      return nil
    }
  }

  /// The fields `update_mask` names, read from the request. An empty mask, or a path that
  /// is not one of `OrganizationChanges.paths`, is recorded under `update_mask` naming the
  /// path.
  public static func organizationChanges(
    _ request: Maac_Admin_V1_UpdateOrganizationRequest, into violations: inout ViolationCollector
  ) -> OrganizationChanges {
    let mask = FieldPath.root.member("update_mask")
    var changes = OrganizationChanges()
    if request.updateMask.paths.isEmpty {
      violations.add(
        mask,
        "must name at least one path (" + OrganizationChanges.paths.joined(separator: ", ") + ")")
    }
    for path in request.updateMask.paths {
      switch path {
      case "name": changes.name = request.name
      case "region":
        changes.region = .some(
          region(request.region, at: .root.member("region"), into: &violations))
      case "timezone": changes.timezone = request.timezone
      case "active": changes.active = request.active
      default:
        violations.add(
          mask,
          "path `\(path)` is not one of " + OrganizationChanges.paths.joined(separator: ", "))
      }
    }
    return changes
  }

  /// The channel type a request names; nil for UNSPECIFIED (recorded as a violation only when
  /// the value is unknown to the contract).
  public static func channelType(
    _ type: Maac_Common_V1_ChannelType, at path: FieldPath,
    into violations: inout ViolationCollector
  ) -> ChannelType? {
    switch type {
    case .unspecified: return nil
    case .line: return .line
    case .facebook: return .facebook
    case .instagram: return .instagram
    case .whatsapp: return .whatsapp
    case .sms: return .sms
    case .email: return .email
    case .UNRECOGNIZED(let value):
      violations.add(path, "is not a known channel type (\(value))")
      return nil
    }
  }

  public static func channel(
    _ request: Maac_Admin_V1_CreateChannelRequest, at path: FieldPath,
    into violations: inout ViolationCollector
  ) -> ChannelDraft {
    var draft = ChannelDraft(
      type: channelType(request.type, at: path.member("type"), into: &violations),
      name: request.name, uuid: request.uuid.isEmpty ? nil : request.uuid,
      externalChannelID: request.hasExternalChannelID ? request.externalChannelID : nil,
      enabled: request.hasEnabled ? request.enabled : nil,
      legacyBotID: request.legacyBotID == 0 ? nil : request.legacyBotID)
    switch request.status {
    case .unspecified: break
    case .notSet: draft.status = .notSet
    case .connected: draft.status = .connected
    case .warning: draft.status = .warning
    case .suspended: draft.status = .suspended
    case .UNRECOGNIZED(let value):
      violations.add(path.member("status"), "is not a known channel status (\(value))")
    }
    var credentialProvider: EmailProvider?
    if request.hasCredentials {
      let (credentials, provider) = Self.credentials(
        request.credentials, at: path.member("credentials"), into: &violations)
      draft.credentials = credentials
      credentialProvider = provider
    }
    if request.hasEmail {
      let provider = emailProvider(
        request.email.provider, at: path.member("email.provider"), into: &violations)
      draft.email = EmailSettingsDraft(
        brandDomain: request.email.brandDomain, provider: provider ?? credentialProvider)
    }
    return draft
  }

  static func emailProvider(
    _ provider: Maac_Admin_V1_EmailProvider, at path: FieldPath,
    into violations: inout ViolationCollector
  ) -> EmailProvider? {
    switch provider {
    case .unspecified: return nil
    case .sendgrid: return .sendgrid
    case .stub: return .stub
    case .UNRECOGNIZED(let value):
      violations.add(path, "is not a known email provider (\(value))")
      return nil
    }
  }

  /// The credential set of a request, keyed by the protobuf field names (docs/admin.md), and
  /// for email credentials the provider they name.
  public static func credentials(
    _ message: Maac_Admin_V1_ChannelCredentials, at path: FieldPath,
    into violations: inout ViolationCollector
  ) -> (CredentialsDraft?, EmailProvider?) {
    switch message.credentials {
    case nil:
      violations.add(path, "must set one credential set (line, meta, whatsapp, sms or email)")
      return (nil, nil)
    case .line(let line):
      return (
        CredentialsDraft(
          kind: .line,
          values: [
            "channel_secret": line.channelSecret, "channel_access_token": line.channelAccessToken,
          ]
        ), nil
      )
    case .meta(let meta):
      return (
        CredentialsDraft(
          kind: .meta, values: ["access_token": meta.accessToken, "app_secret": meta.appSecret]),
        nil
      )
    case .whatsapp(let whatsapp):
      return (
        CredentialsDraft(
          kind: .whatsapp,
          values: [
            "phone_number_id": whatsapp.phoneNumberID,
            "business_account_id": whatsapp.businessAccountID,
            "access_token": whatsapp.accessToken, "app_secret": whatsapp.appSecret,
          ]), nil
      )
    case .sms(let sms):
      return (
        CredentialsDraft(
          kind: .sms,
          values: ["provider": sms.provider, "api_key": sms.apiKey, "sender_id": sms.senderID]),
        nil
      )
    case .email(let email):
      let provider = emailProvider(email.provider, at: path.member("provider"), into: &violations)
      return (
        CredentialsDraft(
          kind: .email,
          values: [
            "api_key": email.apiKey, "webhook_verification_key": email.webhookVerificationKey,
          ]), provider
      )
    }
  }

  /// A whole Provision request as a provisioning draft; paths as in the JSON document
  /// (`organizations[i].name`, `organizations[i].channels[j].email.brand_domain`, ...).
  public static func provisioning(
    _ request: Maac_Admin_V1_ProvisionRequest, into violations: inout ViolationCollector
  ) -> ProvisioningDraft {
    let root = FieldPath.root.member("organizations")
    var entries: [ProvisioningDraft.Entry] = []
    for (index, entry) in request.organizations.enumerated() {
      let path = root.element(index)
      let organization = Self.organization(entry.organization, at: path, into: &violations)
      var channels: [ChannelDraft] = []
      for (channelIndex, channel) in entry.channels.enumerated() {
        let channelPath = path.member("channels").element(channelIndex)
        if channel.organizationID != 0 {
          violations.add(
            channelPath.member("organization_id"),
            "must be 0: the channel belongs to the organization of its entry")
        }
        channels.append(Self.channel(channel, at: channelPath, into: &violations))
      }
      let customFields = entry.customFields.map {
        CustomFieldDraft(slot: Int($0.slot), label: $0.label)
      }
      entries.append(
        ProvisioningDraft.Entry(
          organization: organization, channels: channels, customFields: customFields))
    }
    return ProvisioningDraft(organizations: entries)
  }
}
