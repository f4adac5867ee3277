import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import ServiceKit

/// Where the LINE adapter gets a channel's access token: admin center owns credentials (A22).
public protocol LineChannelTokens: Sendable {
  /// The channel access token of LINE channel `channelID`, or `nil` when none is stored.
  func accessToken(organizationID: Int64, channelID: Int64) async throws -> String?

  /// Called when LINE rejected the channel's token: a source that keeps tokens drops this one,
  /// so a rotated token is read at the next ask instead of after its cache lifetime.
  func forget(organizationID: Int64, channelID: Int64) async
}

extension LineChannelTokens {
  /// Sources that keep nothing have nothing to drop.
  public func forget(organizationID: Int64, channelID: Int64) async {}
}

/// Tokens given as configuration (single-service runs, tests).
public struct StaticLineChannelTokens: LineChannelTokens {
  public var tokens: [Int64: String]

  public init(_ tokens: [Int64: String]) {
    self.tokens = tokens
  }

  public func accessToken(organizationID: Int64, channelID: Int64) async throws -> String? {
    tokens[channelID]
  }
}

/// Tokens from admin center's `AdminInternal/GetChannelCredentials`, kept for a short while
/// (60 s by default) so that a name sync over many contacts of one channel asks admin center
/// once, not once per contact. Concurrent asks for the same channel share one call. A
/// rotated token is therefore seen at most `cacheDuration` late.
public struct AdminLineChannelTokens: LineChannelTokens {
  let client: GRPCClient<NGHTTP2ClientTransport>
  private let cache: LineChannelTokenCache

  /// - Parameters:
  ///   - cacheDuration: how long an answer (a token, or "none stored") is reused.
  ///   - now: the clock the cache reads (tests move it).
  public init(
    client: GRPCClient<NGHTTP2ClientTransport>, cacheDuration: Duration = .seconds(60),
    now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
  ) {
    self.client = client
    self.cache = LineChannelTokenCache(lifetime: cacheDuration, now: now)
  }

  public func accessToken(organizationID: Int64, channelID: Int64) async throws -> String? {
    let client = self.client
    return try await cache.token(
      for: .init(organizationID: organizationID, channelID: channelID)
    ) {
      try await Self.fetch(organizationID: organizationID, channelID: channelID, client: client)
    }
  }

  /// Drops what is kept for the channel, so the next ask reads admin center again (e.g. after
  /// LINE rejected the token: it may have been rotated).
  public func forget(organizationID: Int64, channelID: Int64) async {
    await cache.forget(.init(organizationID: organizationID, channelID: channelID))
  }

  static func fetch(
    organizationID: Int64, channelID: Int64, client: GRPCClient<NGHTTP2ClientTransport>
  ) async throws -> String? {
    var request = Maac_Admin_V1_GetChannelCredentialsRequest()
    request.channelID = channelID
    let metadata = CallerContext(
      organizationID: organizationID, userID: "system:contacts",
      requestID: CallerContext.current?.requestID ?? RequestID.generate()
    ).metadata
    let admin = Maac_Admin_V1_AdminInternal.Client(wrapping: client)
    do {
      let credentials = try await admin.getChannelCredentials(request, metadata: metadata)
      guard case .line(let line) = credentials.credentials, !line.channelAccessToken.isEmpty
      else { return nil }
      return line.channelAccessToken
    } catch let error as RPCError where error.code == .notFound || error.code == .failedPrecondition
    {
      return nil
    }
  }
}

/// Answers of `AdminLineChannelTokens` per (organization, channel) until they expire. Errors
/// are not kept: the next ask tries again.
actor LineChannelTokenCache {
  struct Key: Hashable, Sendable {
    var organizationID: Int64
    var channelID: Int64
  }

  private enum Entry {
    case loading(Task<String?, any Error>)
    case ready(String?, expires: ContinuousClock.Instant)
  }

  /// Above this many entries, expired ones are dropped on the next store.
  private static let pruneThreshold = 1024

  private let lifetime: Duration
  private let now: @Sendable () -> ContinuousClock.Instant
  private var entries: [Key: Entry] = [:]

  init(lifetime: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant) {
    self.lifetime = lifetime
    self.now = now
  }

  /// The answer kept for `key`, else the answer of `load`, shared with every ask that
  /// arrives while it runs.
  func token(for key: Key, load: @escaping @Sendable () async throws -> String?) async throws
    -> String?
  {
    switch entries[key] {
    case .ready(let token, let expires) where now() < expires: return token
    case .loading(let task): return try await task.value
    default: break
    }
    let task = Task { try await load() }
    entries[key] = .loading(task)
    do {
      let token = try await task.value
      store(.ready(token, expires: now() + lifetime), for: key, replacing: task)
      return token
    } catch {
      store(nil, for: key, replacing: task)
      throw error
    }
  }

  /// Drops the answer kept for `key`; a call already running is left to finish for its
  /// waiters but its answer is not kept.
  func forget(_ key: Key) {
    entries[key] = nil
  }

  /// Replaces the entry of `key` only while it is still `task`'s (actor re-entrancy).
  private func store(_ entry: Entry?, for key: Key, replacing task: Task<String?, any Error>) {
    guard case .loading(let current) = entries[key], current == task else { return }
    entries[key] = entry
    if entries.count > Self.pruneThreshold {
      let instant = now()
      entries = entries.filter { _, entry in
        if case .ready(_, let expires) = entry { return instant < expires }
        return true
      }
    }
  }
}
