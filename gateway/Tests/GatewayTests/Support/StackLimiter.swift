/// Bounds how many ``ServiceStack``s run at once: each holds four services' PostgreSQL pools,
/// and the gateway tests share the test cluster's connections with every other test target
/// running in parallel.
actor StackLimiter {
  static let shared = StackLimiter(limit: 4)

  private let limit: Int
  private var running = 0
  private var waiting: [CheckedContinuation<Void, Never>] = []

  init(limit: Int) { self.limit = limit }

  /// Runs `body` once fewer than `limit` stacks are running.
  nonisolated func withSlot<T>(_ body: () async throws -> T) async throws -> T {
    await acquire()
    do {
      let value = try await body()
      await release()
      return value
    } catch {
      await release()
      throw error
    }
  }

  private func acquire() async {
    if running < limit {
      running += 1
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }

  private func release() {
    if waiting.isEmpty {
      running -= 1
    } else {
      // The slot passes straight to the next waiter.
      waiting.removeFirst().resume()
    }
  }
}
