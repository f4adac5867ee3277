import Foundation
import GRPCCore

/// Who is calling and on behalf of which organization, as the gateway verified it.
///
/// Services never re-verify the caller's token: they trust the metadata the gateway set
/// (and that other services forward). ``TenancyInterceptor`` parses it once per call and
/// binds it to ``CallerContext/current`` for the handler's task.
public struct CallerContext: Sendable, Hashable {
  /// The tenant, or `nil` for an operator call that is not scoped to one organization.
  public var organizationID: Int64?
  /// A user id, or `system:<service>` for service callers.
  public var userID: String
  /// The caller's roles.
  public var roles: [String]
  /// The request id that ties logs, events and responses of one external request together.
  public var requestID: String

  public init(organizationID: Int64?, userID: String, roles: [String] = [], requestID: String) {
    self.organizationID = organizationID
    self.userID = userID
    self.roles = roles
    self.requestID = requestID
  }

  /// The caller of the current RPC, bound by ``TenancyInterceptor``.
  @TaskLocal public static var current: CallerContext?

  /// The current caller, or UNAUTHENTICATED when the call carried no caller metadata.
  public static func required() throws(RPCError) -> CallerContext {
    guard let caller = current else {
      throw RPCError(code: .unauthenticated, message: "the call carries no caller identity")
    }
    return caller
  }

  /// The current caller's organization, or UNAUTHENTICATED when the call names none.
  public static func requiredOrganizationID() throws(RPCError) -> Int64 {
    guard let organizationID = try required().organizationID else {
      throw RPCError(
        code: .unauthenticated,
        message: "metadata `\(CallerMetadataKey.organizationID)` is required for this call"
      )
    }
    return organizationID
  }

  /// Whether the caller holds `role`.
  public func hasRole(_ role: String) -> Bool { roles.contains(role) }

  /// The caller's identity as metadata, for forwarding to another service.
  public var metadata: Metadata {
    var metadata = Metadata()
    if let organizationID {
      metadata.addString(String(organizationID), forKey: CallerMetadataKey.organizationID)
    }
    metadata.addString(userID, forKey: CallerMetadataKey.userID)
    if !roles.isEmpty {
      metadata.addString(roles.joined(separator: ","), forKey: CallerMetadataKey.roles)
    }
    metadata.addString(requestID, forKey: CallerMetadataKey.requestID)
    return metadata
  }

  /// Parses the caller from call metadata.
  ///
  /// - Parameter organizationRequired: whether a missing organization is an error.
  /// - Throws: UNAUTHENTICATED naming the missing or malformed key.
  public init(metadata: Metadata, organizationRequired: Bool) throws(RPCError) {
    let userID = Self.single(CallerMetadataKey.userID, in: metadata)
    guard let userID, !userID.isEmpty else {
      throw RPCError(
        code: .unauthenticated,
        message: "metadata `\(CallerMetadataKey.userID)` is required"
      )
    }
    var organizationID: Int64?
    if let raw = Self.single(CallerMetadataKey.organizationID, in: metadata) {
      guard let parsed = Int64(raw), parsed > 0 else {
        throw RPCError(
          code: .unauthenticated,
          message: "metadata `\(CallerMetadataKey.organizationID)` must be a positive integer"
        )
      }
      organizationID = parsed
    } else if organizationRequired {
      throw RPCError(
        code: .unauthenticated,
        message: "metadata `\(CallerMetadataKey.organizationID)` is required"
      )
    }
    let roles = (Self.single(CallerMetadataKey.roles, in: metadata) ?? "")
      .split(separator: ",")
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    let requestID = Self.single(CallerMetadataKey.requestID, in: metadata) ?? RequestID.generate()
    self.init(organizationID: organizationID, userID: userID, roles: roles, requestID: requestID)
  }

  private static func single(_ key: String, in metadata: Metadata) -> String? {
    metadata[stringValues: key].first(where: { _ in true })
  }
}
