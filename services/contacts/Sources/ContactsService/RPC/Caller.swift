import ContactsDomain
import Foundation
import ServiceKit

/// The caller of the current RPC as the domain needs it.
enum Caller {
  static func organization() throws -> Int64 { try CallerContext.requiredOrganizationID() }

  static var actor: String { CallerContext.current?.userID ?? "system:contacts" }
  static var requestID: String { CallerContext.current?.requestID ?? "" }

  /// Service callers are `system:<service>`.
  static var isService: Bool { actor.hasPrefix("system:") }

  /// The cause of a change made by this call.
  static func cause(_ origin: Origin? = nil, via: String? = nil) -> ChangeCause {
    ChangeCause(
      origin: origin ?? (isService ? .api : .user), actor: actor, correlationID: requestID, via: via
    )
  }

  /// Internal methods are for services only (§4.1).
  static func requireService() throws {
    guard isService else {
      throw ServiceErrors.make(
        .failedPrecondition, "PERMISSION_DENIED", "this method is for services only"
      )
      .with(kind: .permissionDenied)
    }
  }
}

extension ServiceError {
  func with(kind: Kind) -> ServiceError {
    var copy = self
    copy.kind = kind
    return copy
  }
}
