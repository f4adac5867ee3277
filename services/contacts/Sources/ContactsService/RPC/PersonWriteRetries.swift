import ServiceKit
import Synchronization

/// How often person-level writes (C48, C69) were run again, by reason, exported as
/// `maac_contacts_person_write_retries{reason}` (a running count). With every member of the
/// person locked in id order before the CDH call, `deadlock` stays 0: a non-zero value means
/// some other writer takes contact rows in another order.
public final class PersonWriteRetries: Sendable {
  /// Why a write was run again.
  public enum Reason: String, Sendable, CaseIterable {
    /// PostgreSQL aborted it as a deadlock victim or serialization failure (40P01/40001).
    case deadlock
    /// CDH's answer named a member of the person that was not locked before the call.
    case membershipChanged = "membership_changed"
  }

  private let counts = Mutex<[Reason: Int]>([:])
  private let metrics: RPCMetrics?

  /// - Parameter metrics: the process's metrics, where the counts are published.
  public init(metrics: RPCMetrics? = nil) {
    self.metrics = metrics
    for reason in Reason.allCases { publish(reason, 0) }
  }

  /// Retries so far for `reason`.
  public func count(_ reason: Reason) -> Int {
    counts.withLock { $0[reason, default: 0] }
  }

  func record(_ reason: Reason) {
    let total = counts.withLock { counts in
      counts[reason, default: 0] += 1
      return counts[reason, default: 0]
    }
    publish(reason, total)
  }

  private func publish(_ reason: Reason, _ total: Int) {
    metrics?.set(
      gauge: "contacts_person_write_retries",
      help: "Person-level writes run again, by reason (running count).",
      value: Double(total), labels: [("reason", reason.rawValue)])
  }
}
