/// A completely validated provisioning document: everything in it can be created, in one
/// transaction, in document order.
public struct ProvisioningPlan: Sendable, Hashable {
  /// One organization to create, with its channels and custom-field labels (by slot).
  public struct Organization: Sendable, Hashable {
    public var organization: NewOrganization
    public var channels: [NewChannel]
    public var customFields: [CustomFieldLabel]

    public init(
      organization: NewOrganization, channels: [NewChannel], customFields: [CustomFieldLabel]
    ) {
      self.organization = organization
      self.channels = channels
      self.customFields = customFields
    }
  }

  public var organizations: [Organization]

  public init(organizations: [Organization]) {
    self.organizations = organizations
  }
}
