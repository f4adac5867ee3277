/// The JSON provisioning document read by `maac-admin-provision` and `./maac admin provision`
/// (format: docs/admin.md). Reading it reports every problem at once, each with its JSON path
/// and reason, before anything is created.
public enum ProvisioningDocument {
  /// Member names of each object of the document.
  static let documentFields = ["organizations"]
  static let organizationFields = [
    "name", "uuid", "region", "timezone", "active", "channels", "custom_fields",
  ]
  static let channelFields = [
    "type", "name", "uuid", "external_channel_id", "enabled", "legacy_bot_id", "status", "email",
    "credentials",
  ]
  static let emailFields = ["brand_domain", "provider"]
  static let customFieldFields = ["slot", "label"]

  /// Reads and completely validates a document. Throws every violation: JSON syntax (with line
  /// and column), wrong member types, unknown or repeated members, and every rule of the
  /// organizations, channels and custom fields.
  public static func plan(from bytes: [UInt8]) throws(ValidationFailure) -> ProvisioningPlan {
    var violations = ViolationCollector()
    let draft = read(bytes, into: &violations)
    var rules = ViolationCollector()
    let plan = draft?.validated(into: &rules)
    // A member of the wrong type is absent from the draft; don't report it twice.
    // A member of the wrong type is absent from the draft: don't report it (or, for an entry
    // that is not an object, its members) a second time as missing.
    let structural = violations.violations.map(\.field)
    var all = violations.violations
    all += rules.violations.filter { rule in
      !structural.contains { rule.field == $0 || rule.field.hasPrefix($0 + ".") }
    }
    if !all.isEmpty { throw ValidationFailure(all) }
    return plan!
  }

  /// Reads the document's structure into a draft, recording structural violations. Returns nil
  /// only when the input is not JSON or not an object.
  public static func read(_ bytes: [UInt8], into violations: inout ViolationCollector)
    -> ProvisioningDraft?
  {
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes)
    } catch {
      violations.add(.root, error.description)
      return nil
    }
    guard var document = JSONObjectReader(value, at: .root, into: &violations) else { return nil }
    var entries: [ProvisioningDraft.Entry] = []
    if let organizations = document.array("organizations", into: &violations) {
      for (element, path) in organizations {
        if let entry = readOrganization(element, at: path, into: &violations) {
          entries.append(entry)
        }
      }
    }
    document.finish(known: documentFields, into: &violations)
    return ProvisioningDraft(organizations: entries)
  }

  private static func readOrganization(
    _ value: JSONValue, at path: FieldPath, into violations: inout ViolationCollector
  ) -> ProvisioningDraft.Entry? {
    guard var object = JSONObjectReader(value, at: path, into: &violations) else { return nil }
    let organization = OrganizationDraft(
      name: object.string("name", into: &violations),
      uuid: object.string("uuid", into: &violations),
      region: object.enumeration("region", Region.self, into: &violations),
      timezone: object.string("timezone", into: &violations),
      active: object.bool("active", into: &violations))
    var channels: [ChannelDraft] = []
    for (element, channelPath) in object.array("channels", into: &violations) ?? [] {
      // A malformed channel still takes its place so later indexes keep matching the document.
      channels.append(readChannel(element, at: channelPath, into: &violations) ?? ChannelDraft())
    }
    var customFields: [CustomFieldDraft] = []
    for (element, fieldPath) in object.array("custom_fields", into: &violations) ?? [] {
      customFields.append(
        readCustomField(element, at: fieldPath, into: &violations) ?? CustomFieldDraft())
    }
    object.finish(known: organizationFields, into: &violations)
    return ProvisioningDraft.Entry(
      organization: organization, channels: channels, customFields: customFields)
  }

  private static func readChannel(
    _ value: JSONValue, at path: FieldPath, into violations: inout ViolationCollector
  ) -> ChannelDraft? {
    guard var object = JSONObjectReader(value, at: path, into: &violations) else { return nil }
    var draft = ChannelDraft(
      type: object.enumeration("type", ChannelType.self, into: &violations),
      name: object.string("name", into: &violations),
      uuid: object.string("uuid", into: &violations),
      externalChannelID: object.string("external_channel_id", into: &violations),
      enabled: object.bool("enabled", into: &violations),
      legacyBotID: object.integer("legacy_bot_id", into: &violations),
      status: object.enumeration("status", ChannelStatus.self, into: &violations))
    if let email = object.value("email"),
      var settings = JSONObjectReader(email, at: path.member("email"), into: &violations)
    {
      draft.email = EmailSettingsDraft(
        brandDomain: settings.string("brand_domain", into: &violations),
        provider: settings.enumeration("provider", EmailProvider.self, into: &violations))
      settings.finish(known: emailFields, into: &violations)
    }
    if let credentials = object.value("credentials"),
      var fields = JSONObjectReader(credentials, at: path.member("credentials"), into: &violations)
    {
      // The credential set is the channel type's; its fields are checked by the rules.
      draft.credentials = CredentialsDraft(values: fields.allStrings(into: &violations))
      fields.finish(known: [], into: &violations)
    }
    object.finish(known: channelFields, into: &violations)
    return draft
  }

  private static func readCustomField(
    _ value: JSONValue, at path: FieldPath, into violations: inout ViolationCollector
  ) -> CustomFieldDraft? {
    guard var object = JSONObjectReader(value, at: path, into: &violations) else { return nil }
    let slot = object.integer("slot", into: &violations)
    let draft = CustomFieldDraft(
      slot: slot.map { Int(clamping: $0) }, label: object.string("label", into: &violations))
    object.finish(known: customFieldFields, into: &violations)
    return draft
  }
}
