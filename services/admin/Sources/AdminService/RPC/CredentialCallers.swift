import AdminDomain
import Foundation
import ServiceKit

/// The service callers `GetChannelCredentials` answers, and for each the credential sets it
/// may read (internal.proto: "admin center's configured allow-list"). Secrets go only to the
/// services that call a platform with them: contacts reads LINE tokens, never an SMS key.
/// Everyone else is PERMISSION_DENIED (A22, by analogy with R7, which allows only
/// `system:email` for email secrets). Email credentials are never served here.
public struct CredentialCallers: Sendable, Hashable {
  /// `x-maac-user-id` (`system:<service>`) → the credential kinds it may read.
  public let allowed: [String: Set<CredentialKind>]

  /// Only `system:` callers are kept (a user id can never be on the list), and never the
  /// email kind.
  public init(_ allowed: [String: Set<CredentialKind>]) {
    self.allowed = allowed.filter { caller, _ in
      caller.hasPrefix("system:") && caller.count > "system:".count
    }.mapValues { $0.subtracting([.email]) }.filter { !$0.value.isEmpty }
  }

  /// Contacts (LINE profile sync, issue #5) and one adapter per platform.
  public static let standard = CredentialCallers([
    "system:contacts": [.line], "system:line-adapter": [.line],
    "system:facebook-adapter": [.meta], "system:instagram-adapter": [.meta],
    "system:whatsapp-adapter": [.whatsapp], "system:sms-adapter": [.sms],
  ])

  /// The environment variable that replaces ``standard``: comma-separated
  /// `system:<service>=<kind>[+<kind>...]` entries, kinds `line`, `meta`, `whatsapp`, `sms`
  /// (e.g. `system:contacts=line,system:meta-adapter=meta+whatsapp`). Malformed entries
  /// are ignored: they allow nothing.
  public static let environmentVariable = "MAAC_ADMIN_CREDENTIAL_CALLERS"

  /// The list `environment` configures, else ``standard``.
  public static func configured(by environment: [String: String]) -> CredentialCallers {
    guard let list = environment[environmentVariable] else { return .standard }
    var allowed: [String: Set<CredentialKind>] = [:]
    for entry in list.split(separator: ",") {
      let parts = entry.split(separator: "=", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard parts.count == 2 else { continue }
      let kinds = parts[1].split(separator: "+").compactMap { CredentialKind(rawValue: String($0)) }
      allowed[parts[0], default: []].formUnion(kinds)
    }
    return CredentialCallers(allowed)
  }

  /// Whether `caller` may read any channel credentials (checked before the channel is
  /// looked up, so a refused caller learns nothing about it).
  public func admits(_ caller: CallerContext?) -> Bool {
    guard let caller else { return false }
    return allowed[caller.userID] != nil
  }

  /// Whether `caller` may read credentials of `kind`.
  public func permits(_ caller: CallerContext?, kind: CredentialKind) -> Bool {
    guard let caller else { return false }
    return allowed[caller.userID]?.contains(kind) ?? false
  }
}
