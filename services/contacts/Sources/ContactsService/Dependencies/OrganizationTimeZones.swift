import ContactsDomain
import Foundation
import GRPCCore
import ServiceKit

/// The organization's time zone, in which contacts reads its day-granular values: `age` from
/// the birthday (C10) and an email import's `consent_at` (C40) (spec/contacts.md §"Time").
///
/// Admin center owns the zone. It is read through the process's known-organization gate
/// (``ServiceKit/ServiceProcess/organizationGate``) rather than a second cache: the gate
/// fetches the organization from `AdminInternal/GetOrganization` (the same `timezone` that
/// `GetOrganizationSettings` answers) for every call that names it and keeps it for 60 s, so
/// a read costs no extra admin call; admin center's `organization.updated` makes the gate
/// ask again at once (``ServiceKit/OrganizationUpdatesFollower``, §6.2), and the 60 s
/// lifetime bounds a missed event. When admin center cannot be reached, the gate answers its
/// last known value however old; with none, UNAVAILABLE `ORGANIZATION_UNCONFIRMED` — an age
/// is never computed in a guessed zone. Only when admin center is not configured at all
/// (single-service runs, tests without admin) is the zone UTC.
public struct OrganizationTimeZones: Sendable {
  let gate: OrganizationGate?

  /// - Parameter gate: the process's gate; `nil` = admin center not configured (UTC).
  public init(gate: OrganizationGate?) {
    self.gate = gate
  }

  /// The organization's zone. Throws UNAVAILABLE when admin center has never answered for it
  /// and cannot be reached, NOT_FOUND / FAILED_PRECONDITION when it is unknown or disabled.
  public func timeZone(of organizationID: Int64) async throws -> TimeZone {
    guard let gate else { return .gmt }
    let organization = try await gate.admit(organizationID)
    guard let zone = TimeZone(identifier: organization.timeZone) else {
      throw ServiceError(
        .failedPrecondition,
        "organization \(organizationID) has time zone \"\(organization.timeZone)\", which this "
          + "host does not know", reason: "ORGANIZATION_TIME_ZONE_UNKNOWN")
    }
    return zone
  }

  /// The organization's calendar day at `now` (C10: the day an age is counted on).
  public func today(of organizationID: Int64, now: Date = Date()) async throws -> CalendarDate {
    CalendarDate.today(in: try await timeZone(of: organizationID), now: now)
  }
}
