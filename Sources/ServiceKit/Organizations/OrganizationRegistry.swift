/// The source of truth for which organizations exist: admin center.
public protocol OrganizationRegistry: Sendable {
  /// The organization, or `nil` when the registry does not know it.
  ///
  /// Throws when the registry cannot answer (unreachable, timed out), which is not the same
  /// as "unknown".
  func organization(id: Int64) async throws -> KnownOrganization?
}
