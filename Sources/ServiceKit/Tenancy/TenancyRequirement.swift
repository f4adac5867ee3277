import GRPCCore

/// What caller metadata a method needs before its handler runs.
public enum TenancyRequirement: Sendable, Hashable {
  /// Nothing: infrastructure such as health checks.
  case none
  /// A caller (`x-maac-user-id`), with or without an organization: operator and
  /// cross-organization calls such as event subscriptions.
  case caller
  /// A caller acting in one organization: every tenant-data call.
  case organization
}

/// Decides the ``TenancyRequirement`` of each method of a server.
public struct TenancyPolicy: Sendable {
  private let requirementFor: @Sendable (MethodDescriptor) -> TenancyRequirement

  public init(_ requirementFor: @escaping @Sendable (MethodDescriptor) -> TenancyRequirement) {
    self.requirementFor = requirementFor
  }

  public func requirement(for method: MethodDescriptor) -> TenancyRequirement {
    requirementFor(method)
  }

  /// Every method needs an organization, except the listed services and methods.
  ///
  /// - Parameters:
  ///   - open: services that need no caller at all (health).
  ///   - callerOnly: services whose methods need a caller but no organization.
  ///   - callerOnlyMethods: single methods that need a caller but no organization.
  public static func organizationScoped(
    open: Set<String> = [HealthService.serviceName],
    callerOnly: Set<String> = [],
    callerOnlyMethods: Set<MethodDescriptor> = []
  ) -> TenancyPolicy {
    TenancyPolicy { method in
      if open.contains(method.service.fullyQualifiedService) { return .none }
      if callerOnly.contains(method.service.fullyQualifiedService) { return .caller }
      if callerOnlyMethods.contains(method) { return .caller }
      return .organization
    }
  }
}
