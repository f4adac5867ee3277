import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit

/// Whether an organization is linked to CDH (T3): CDH's `GetUnifySettings`
/// (`is_cdh_connected`, cdh.md §4.2). Without a `cdh` peer every organization is unlinked.
struct CDHLink: Sendable {
  /// ServiceKit's client of peer `cdh`, if configured.
  let cdh: GRPCClient<NGHTTP2ClientTransport>?

  /// Asks CDH for `organizationID`'s unify settings; CDH unreachable is UNAVAILABLE (the
  /// tag manager cannot tell whether the name is allowed, so it does not guess).
  func isLinked(_ organizationID: Int64) async throws -> Bool {
    guard let cdh else { return false }
    let settings = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: cdh)
    let caller = CallerContext(
      organizationID: organizationID, userID: "system:tags",
      requestID: CallerContext.current?.requestID ?? RequestID.generate())
    do {
      return try await settings.getUnifySettings(.init(), metadata: caller.metadata)
        .isCdhConnected
    } catch let error as RPCError {
      throw ServiceError(
        .unavailable,
        "name: whether organization \(organizationID) is linked to CDH is unknown (CDH answered \(error.code)); retry"
      )
    }
  }
}
