/// What an operator asks to provision, not yet validated: organizations with their
/// channels and custom-field labels. Built from the JSON document (`ProvisioningDocument`) or
/// from a `Provision` RPC request, and validated the same way in both cases.
public struct ProvisioningDraft: Sendable, Hashable {
  public var organizations: [Entry]

  /// One organization of the draft.
  public struct Entry: Sendable, Hashable {
    public var organization: OrganizationDraft
    public var channels: [ChannelDraft]
    public var customFields: [CustomFieldDraft]

    public init(
      organization: OrganizationDraft, channels: [ChannelDraft] = [],
      customFields: [CustomFieldDraft] = []
    ) {
      self.organization = organization
      self.channels = channels
      self.customFields = customFields
    }
  }

  public init(organizations: [Entry]) {
    self.organizations = organizations
  }

  /// Most organizations one document may create (one transaction; large enough for any
  /// onboarding batch, small enough that a pasted wrong file is refused quickly).
  public static let maxOrganizations = 1000
  /// Most channels one organization entry may create.
  public static let maxChannelsPerOrganization = 1000

  /// Validates every entry and the document as a whole (at least one organization, no slot
  /// twice in one organization, no uuid twice in the document). Organization fields are
  /// reported as `organizations[i].<field>`, channels as `organizations[i].channels[j].<field>`
  /// and labels as `organizations[i].custom_fields[k].<field>`.
  public func validated(into violations: inout ViolationCollector) -> ProvisioningPlan? {
    let before = violations.violations.count
    let root = FieldPath.root.member("organizations")
    if organizations.isEmpty {
      violations.add(root, "must list at least one organization")
    }
    if organizations.count > Self.maxOrganizations {
      violations.add(root, "must list at most \(Self.maxOrganizations) organizations")
    }
    var organizationUUIDs: [String: FieldPath] = [:]
    var channelUUIDs: [String: FieldPath] = [:]
    var planned: [ProvisioningPlan.Organization] = []
    for (index, entry) in organizations.enumerated() {
      let path = root.element(index)
      let organization = entry.organization.validated(at: path, into: &violations)
      if let uuid = organization?.uuid {
        Self.claim(uuid, at: path.member("uuid"), in: &organizationUUIDs, into: &violations)
      }
      if entry.channels.count > Self.maxChannelsPerOrganization {
        violations.add(
          path.member("channels"), "must list at most \(Self.maxChannelsPerOrganization) channels")
      }
      var channels: [NewChannel] = []
      for (channelIndex, draft) in entry.channels.enumerated() {
        let channelPath = path.member("channels").element(channelIndex)
        guard let channel = draft.validated(at: channelPath, into: &violations) else { continue }
        if let uuid = channel.uuid {
          Self.claim(uuid, at: channelPath.member("uuid"), in: &channelUUIDs, into: &violations)
        }
        channels.append(channel)
      }
      var slots: [CustomFieldSlot: FieldPath] = [:]
      var labels: [CustomFieldLabel] = []
      for (fieldIndex, draft) in entry.customFields.enumerated() {
        let fieldPath = path.member("custom_fields").element(fieldIndex)
        guard let label = draft.validated(at: fieldPath, into: &violations) else { continue }
        if let first = slots[label.slot] {
          violations.add(
            fieldPath.member("slot"), "slot \(label.slot.number) is already defined by \(first)")
          continue
        }
        slots[label.slot] = fieldPath
        labels.append(label)
      }
      if let organization {
        planned.append(
          ProvisioningPlan.Organization(
            organization: organization, channels: channels,
            customFields: labels.sorted { $0.slot < $1.slot }))
      }
    }
    guard violations.violations.count == before else { return nil }
    return ProvisioningPlan(organizations: planned)
  }

  /// Validates the whole draft; throws every violation found.
  public func validated() throws(ValidationFailure) -> ProvisioningPlan {
    var violations = ViolationCollector()
    let plan = validated(into: &violations)
    try violations.throwIfAny()
    return plan!
  }

  private static func claim(
    _ uuid: String, at path: FieldPath, in claimed: inout [String: FieldPath],
    into violations: inout ViolationCollector
  ) {
    if let first = claimed[uuid] {
      violations.add(path, "uuid \(uuid) is already used by \(first)")
    } else {
      claimed[uuid] = path
    }
  }
}
