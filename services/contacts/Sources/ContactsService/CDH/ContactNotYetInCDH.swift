import Foundation
import ServiceKit

/// CDH answered that it does not know the contact yet: it has not followed the contact's
/// creation event. Nothing was written on either side, so the whole write can be tried again
/// (``PersonLevelWrites/run(on:organizationID:budget:_:)``).
struct ContactNotYetInCDH: Error {
  /// What the caller gets once the wait is over.
  static let answer = ServiceErrors.make(
    .unavailable, "CDH_UNAVAILABLE",
    "the customer data hub does not know this contact yet; nothing was changed, try again shortly"
  )
}
