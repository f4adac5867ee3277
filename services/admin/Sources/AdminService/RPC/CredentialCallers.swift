import Foundation
import ServiceKit

/// The service callers `GetChannelCredentials` answers (internal.proto: "admin center's
/// configured allow-list"). Secrets of non-email channels go to the services that call the
/// platforms with them and to no one else; every other caller is PERMISSION_DENIED (A22, by
/// analogy with R7, which allows only `system:email` for email secrets).
public struct CredentialCallers: Sendable, Hashable {
  /// The `x-maac-user-id` values allowed, each `system:<service>`.
  public let allowed: Set<String>

  /// Only `system:` entries are kept: a user id can never be on the list.
  public init(_ allowed: some Sequence<String>) {
    self.allowed = Set(allowed.filter { $0.hasPrefix("system:") && $0.count > "system:".count })
  }

  /// Contacts (LINE profile sync, issue #5) and the channel adapters.
  public static let standard = CredentialCallers([
    "system:contacts", "system:line-adapter", "system:facebook-adapter",
    "system:instagram-adapter", "system:whatsapp-adapter", "system:sms-adapter",
  ])

  /// The environment variable that replaces ``standard``: comma-separated caller ids.
  public static let environmentVariable = "MAAC_ADMIN_CREDENTIAL_CALLERS"

  /// The list `environment` configures, else ``standard``.
  public static func configured(by environment: [String: String]) -> CredentialCallers {
    guard let list = environment[environmentVariable] else { return .standard }
    return CredentialCallers(
      list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
  }

  /// Whether `caller` may receive channel credentials.
  public func permits(_ caller: CallerContext?) -> Bool {
    guard let caller else { return false }
    return allowed.contains(caller.userID)
  }
}
