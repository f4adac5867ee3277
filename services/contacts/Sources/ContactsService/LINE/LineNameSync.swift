import ContactsDomain
import Foundation
import Logging
import PostgresClient
import ServiceKit
import ServiceLifecycle

/// C56 (and C33 for the contacts it is given): LINE contacts created without their profile
/// are retried in the background — with growing pauses — until the name arrives
/// (`contact.updated` with `original_name`, `name_sync_state = synced`), LINE says the user
/// is unknown, or 24 h passed (`unavailable`).
public struct LineNameSyncWorker: ServiceLifecycle.Service {
  let store: ContactStore
  let source: any LineProfileSource
  let settings: Settings
  let logger: Logger

  /// How often and how patiently to retry.
  public struct Settings: Sendable {
    /// Pause between polls when nothing is due.
    public var pollInterval: Duration
    /// First retry pause; doubles per attempt up to `maxBackoff`.
    public var baseBackoff: Duration
    public var maxBackoff: Duration
    /// Budget of one background fetch (larger than a creating event's).
    public var fetchTimeout: Duration
    /// C56: how long a creating LINE event waits for the profile before it commits the
    /// contact without a name (1 s: the webhook answers promptly).
    public var creationFetchTimeout: Duration
    /// Contacts claimed per round.
    public var batchSize: Int

    public init(
      pollInterval: Duration = .seconds(2), baseBackoff: Duration = .seconds(5),
      maxBackoff: Duration = .seconds(3600), fetchTimeout: Duration = .seconds(10),
      creationFetchTimeout: Duration = .seconds(1), batchSize: Int = 50
    ) {
      self.pollInterval = pollInterval
      self.baseBackoff = baseBackoff
      self.maxBackoff = maxBackoff
      self.fetchTimeout = fetchTimeout
      self.creationFetchTimeout = creationFetchTimeout
      self.batchSize = batchSize
    }
  }

  init(store: ContactStore, source: any LineProfileSource, settings: Settings, logger: Logger) {
    self.store = store
    self.source = source
    self.settings = settings
    self.logger = logger
  }

  public func run() async throws {
    try await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        var worked = false
        do {
          worked = try await runOnce() > 0
        } catch {
          if Task.isCancelled { return }
          logger.error("LINE name sync failed", metadata: ["error": "\(error)"])
        }
        if !worked { try? await Task.sleep(for: settings.pollInterval) }
      }
    }
  }

  struct Due: Sendable {
    var organizationID: Int64
    var contactID: Int64
    var channelID: Int64
    var lineUID: String
    var attempts: Int32
    var expired: Bool
  }

  /// One round over the contacts that are due; answers how many were handled.
  func runOnce() async throws -> Int {
    // Claim: move the due rows' next attempt past the fetch so a second worker skips them.
    let lease = Double(settings.fetchTimeout.components.seconds) * 2 + 1
    let rows = try await store.pool.query(
      """
      UPDATE line_name_sync s SET next_attempt_at = now() + make_interval(secs => \(lease))
      FROM (SELECT organization_id, contact_id FROM line_name_sync
            WHERE next_attempt_at <= now() ORDER BY next_attempt_at
            LIMIT \(Int64(settings.batchSize)) FOR UPDATE SKIP LOCKED) due
      WHERE s.organization_id = due.organization_id AND s.contact_id = due.contact_id
      RETURNING s.organization_id, s.contact_id, s.channel_id, s.line_uid, s.attempts,
        (s.give_up_at <= now()) AS expired
      """)
    let due = try rows.map {
      Due(
        organizationID: try $0.decode("organization_id", as: Int64.self),
        contactID: try $0.decode("contact_id", as: Int64.self),
        channelID: try $0.decode("channel_id", as: Int64.self),
        lineUID: try $0.decode("line_uid", as: String.self),
        attempts: try $0.decode("attempts", as: Int32.self),
        expired: try $0.decode("expired", as: Bool.self))
    }
    for item in due { try await handle(item) }
    return due.count
  }

  func handle(_ item: Due) async throws {
    if item.expired {
      try await finish(item, state: .unavailable, profile: nil)
      return
    }
    let outcome: Result<LineProfile, LineProfileError>
    do {
      outcome = .success(
        try await source.profile(
          organizationID: item.organizationID, channelID: item.channelID, userID: item.lineUID,
          timeout: settings.fetchTimeout))
    } catch {
      outcome = .failure(error)
    }
    switch outcome {
    case .success(let profile):
      try await finish(item, state: .synced, profile: profile)
    case .failure(.userNotFound):
      try await finish(item, state: .unavailable, profile: nil)
    case .failure(let error):
      let pause = backoff(attempt: Int(item.attempts) + 1)
      _ = try await store.pool.execute(
        """
        UPDATE line_name_sync SET attempts = attempts + 1, last_error = \("\(error)"),
          next_attempt_at = now() + make_interval(secs => \(pause))
        WHERE organization_id = \(item.organizationID) AND contact_id = \(item.contactID)
        """)
    }
  }

  /// Seconds to wait before attempt `attempt` (1-based): base · 2^(attempt-1), capped.
  func backoff(attempt: Int) -> Double {
    let base =
      Double(settings.baseBackoff.components.seconds)
      + Double(settings.baseBackoff.components.attoseconds) / 1e18
    let cap = Double(settings.maxBackoff.components.seconds)
    return min(cap, base * pow(2, Double(min(attempt - 1, 30))))
  }

  /// Writes the outcome (the profile as a channel change, or the final state) and forgets
  /// the contact, in one transaction.
  func finish(_ item: Due, state: NameSyncState, profile: LineProfile?) async throws {
    let cause = ChangeCause(
      origin: .channel, actor: "system:line-adapter", correlationID: "line-profile")
    try await store.pool.withTransaction { connection in
      _ = try await connection.execute(
        """
        DELETE FROM line_name_sync
        WHERE organization_id = \(item.organizationID) AND contact_id = \(item.contactID)
        """)
      _ = try? await store.mutate(
        on: connection, organizationID: item.organizationID, id: item.contactID, cause: cause
      ) { contact, _ in
        guard contact.nameSyncState == .syncing else { return nil }
        var next = contact
        if let profile {
          ChannelEventRules.applyProfile(
            ChannelProfile(name: profile.displayName, avatarURL: profile.pictureURL),
            to: &next, creating: false)
        }
        next.nameSyncState = state
        next.updatedAt = Date()
        return next
      }
    }
  }
}
