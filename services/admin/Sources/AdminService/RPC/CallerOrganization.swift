import GRPCCore
import ServiceKit

/// The caller's organization from metadata (never from a request body).
enum CallerOrganization {
  static func id() throws(RPCError) -> Int64 {
    try CallerContext.requiredOrganizationID()
  }

  /// Whether the caller is another service (`system:<service>`), not a user.
  static var isServiceCaller: Bool {
    CallerContext.current?.userID.hasPrefix("system:") ?? false
  }
}
