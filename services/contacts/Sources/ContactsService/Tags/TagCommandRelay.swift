import ContactsDomain
import Foundation
import Logging
import PostgresClient
import ServiceLifecycle

/// Delivers the import's tag commands (`tag_command`) to the tag manager (C26).
///
/// Commands are written in the same transaction as the rows they tag, so none is lost. The
/// relay sends them in groups: pending commands of one organization with the same tag names
/// and origin get one dispatch key, committed before anything is sent. A group is sent as
/// `EnsureTags` (names → ids) then `AttachTags` for all its contacts under that key, and marked
/// `sent` after the tag manager answered. A failure (tag manager down, process killed) leaves
/// the group `dispatching` with its key; the retry resends the same pairs under the same key,
/// which the tag manager answers as a duplicate: nothing is attached twice. Names the tag
/// manager refuses become `TAG_INVALID` issues of the rows (tags.md T19).
public struct TagCommandRelay: Service {
  let pool: PostgresPool
  let tags: any TagManagerClient
  let idlePoll: Duration
  let logger: Logger

  /// Contacts per `AttachTags` call (the tag manager takes at most 1,000).
  static let groupSize = 1000
  /// Tags per `AttachTags` call (at most 50) and names per `EnsureTags` call (at most 500).
  static let tagsPerAttach = 50
  static let namesPerEnsure = 500
  /// How long a group being sent is left alone by other relays.
  static let dispatchLeaseSeconds = 60.0

  public init(
    pool: PostgresPool, tags: any TagManagerClient, idlePoll: Duration = .milliseconds(200),
    logger: Logger
  ) {
    self.pool = pool
    self.tags = tags
    self.idlePoll = idlePoll
    self.logger = logger
  }

  public func run() async throws {
    while !Task.isCancelled {
      do {
        if try await relayOnce() { continue }
      } catch is CancellationError {
        return
      } catch {
        if Task.isCancelled { return }
        logger.warning("tag command relay failed; retrying", metadata: ["error": "\(error)"])
      }
      try? await Task.sleep(for: idlePoll)
    }
  }

  /// One group of commands to send under one idempotency key.
  struct Group: Sendable {
    var key: String
    var organizationID: Int64
    var taskID: Int64
    var names: [String]
    var createdVia: String
    var taggedVia: String
    var contactIDs: [Int64]
    var attempts: Int32
  }

  /// Sends one due group. Returns false when nothing was due.
  func relayOnce() async throws -> Bool {
    guard let group = try await claim() else { return false }
    let outcome: [EnsuredTag]
    do {
      outcome = try await send(group)
    } catch {
      try await postpone(group, error: error)
      return true
    }
    try await markSent(group, ensured: outcome)
    return true
  }

  /// Takes a `dispatching` group whose lease ran out (a retry), or forms a new group from the
  /// oldest pending command. The group's key is committed before anything is sent.
  func claim() async throws -> Group? {
    try await pool.withTransaction { connection in
      let lease = Self.dispatchLeaseSeconds
      let retry = try await connection.query(
        """
        SELECT dispatch_key FROM tag_command
        WHERE status = 'dispatching' AND next_attempt_at <= now()
        ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
        """)
      var key = try retry.first?.decode("dispatch_key", as: String.self)
      if key == nil {
        let first = try await connection.query(
          """
          SELECT id, organization_id, tag_names, created_via, tagged_via FROM tag_command
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
          """)
        guard let head = first.first else { return nil }
        let headID = try head.decode("id", as: Int64.self)
        let newKey = "contacts-tag-command-\(headID)"
        _ = try await connection.execute(
          """
          UPDATE tag_command SET status = 'dispatching', dispatch_key = \(newKey)
          WHERE id IN (
            SELECT id FROM tag_command
            WHERE status = 'pending' AND organization_id = \(try head.decode("organization_id", as: Int64.self))
              AND created_via = \(try head.decode("created_via", as: String.self))
              AND tagged_via = \(try head.decode("tagged_via", as: String.self))
              AND tag_names = \(try head.decode("tag_names", as: [String].self))
              AND id >= \(headID)
            ORDER BY id LIMIT \(Int64(Self.groupSize)) FOR UPDATE SKIP LOCKED)
          """)
        key = newKey
      }
      guard let key else { return nil }
      let rows = try await connection.query(
        """
        UPDATE tag_command SET next_attempt_at = now() + make_interval(secs => \(lease))
        WHERE dispatch_key = \(key) AND status = 'dispatching'
        RETURNING organization_id, task_id, contact_id, tag_names, created_via, tagged_via, attempts
        """)
      guard let head = rows.first else { return nil }
      var contactIDs = try rows.map { try $0.decode("contact_id", as: Int64.self) }
      contactIDs = Array(Set(contactIDs)).sorted()
      return Group(
        key: key, organizationID: try head.decode("organization_id", as: Int64.self),
        taskID: try head.decode("task_id", as: Int64.self),
        names: try head.decode("tag_names", as: [String].self),
        createdVia: try head.decode("created_via", as: String.self),
        taggedVia: try head.decode("tagged_via", as: String.self), contactIDs: contactIDs,
        attempts: try head.decode("attempts", as: Int32.self))
    }
  }

  /// `EnsureTags` then `AttachTags`, in chunks the tag manager accepts; each chunk has its own
  /// key derived from the group's, so a resend repeats exactly the same calls.
  func send(_ group: Group) async throws -> [EnsuredTag] {
    var ensured: [EnsuredTag] = []
    for start in stride(from: 0, to: group.names.count, by: Self.namesPerEnsure) {
      let names = Array(group.names[start..<min(group.names.count, start + Self.namesPerEnsure)])
      ensured += try await tags.ensureTags(
        names, createdVia: group.createdVia, taggedVia: group.taggedVia,
        organizationID: group.organizationID)
    }
    var ids: [Int64] = []
    for case .tag(let id) in ensured where !ids.contains(id) { ids.append(id) }
    for (chunk, start) in stride(from: 0, to: ids.count, by: Self.tagsPerAttach).enumerated() {
      let tagIDs = Array(ids[start..<min(ids.count, start + Self.tagsPerAttach)])
      try await tags.attachTags(
        contactIDs: group.contactIDs, tagIDs: tagIDs, taggedVia: group.taggedVia,
        idempotencyKey: "\(group.key):\(chunk)", reference: String(group.taskID),
        organizationID: group.organizationID)
    }
    return ensured
  }

  /// The group stays `dispatching` under its key; it is retried with a growing pause.
  func postpone(_ group: Group, error: any Error) async throws {
    let pause = min(60.0, 0.5 * pow(2.0, Double(min(group.attempts, 7))))
    logger.info(
      "tag manager call failed; the group is retried",
      metadata: ["dispatch_key": "\(group.key)", "error": "\(error)", "retry_in_s": "\(pause)"])
    _ = try await pool.execute(
      """
      UPDATE tag_command SET attempts = attempts + 1, last_error = \(String(describing: error)),
        next_attempt_at = now() + make_interval(secs => \(pause))
      WHERE dispatch_key = \(group.key) AND status = 'dispatching'
      """)
  }

  /// Marks the group sent and records refused names as `TAG_INVALID` issues of its rows.
  func markSent(_ group: Group, ensured: [EnsuredTag]) async throws {
    var issues: [ImportIssue] = []
    for (name, result) in zip(group.names, ensured) {
      if case .invalid(let reason) = result {
        issues.append(
          ImportIssue(
            code: .tagInvalid, column: "tags",
            message:
              "tag \"\(name)\" was refused by the tag manager (\(reason)) and was not applied",
            blocking: false))
      }
    }
    try await pool.withTransaction { connection in
      let sent = try await connection.query(
        """
        UPDATE tag_command SET status = 'sent', sent_at = now(), attempts = attempts + 1,
          last_error = NULL
        WHERE dispatch_key = \(group.key) AND status = 'dispatching'
        RETURNING task_id, row_number
        """)
      guard !issues.isEmpty, !sent.isEmpty else { return }
      let json = try PostgresJSON(encoding: issues)
      // A row whose issue list was empty before now has issues: count it once.
      _ = try await connection.execute(
        """
        WITH changed AS (
          UPDATE import_row_result r SET issues = r.issues || \(json)
          FROM tag_command c
          WHERE c.dispatch_key = \(group.key) AND r.task_id = c.task_id AND r.row_number = c.row_number
          RETURNING r.task_id, r.issues = \(json) AS first_issue)
        UPDATE import_task t SET rows_with_issues = t.rows_with_issues + n.count
        FROM (SELECT task_id, count(*) FILTER (WHERE first_issue) AS count FROM changed GROUP BY task_id) n
        WHERE t.id = n.task_id
        """)
    }
  }

  /// Whether `taskID` still has tag commands not sent (its import stays running, C26).
  static func hasUnsent(taskID: Int64, pool: PostgresPool) async throws -> Bool {
    let rows = try await pool.query(
      "SELECT EXISTS (SELECT 1 FROM tag_command WHERE task_id = \(taskID) AND status <> 'sent') AS open"
    )
    return try rows.first?.decode("open", as: Bool.self) ?? false
  }
}
