internal import GRPCCore

/// Wraps a client's inbound parts so a cancelled caller sees `RPCError(.cancelled)` rather than
/// a bare `CancellationError`, which GRPCCore would report as UNKNOWN.
struct CancellationMappingSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element: Sendable {
  typealias Element = Base.Element
  let base: Base

  struct AsyncIterator: AsyncIteratorProtocol {
    var base: Base.AsyncIterator

    mutating func next() async throws -> Element? {
      do {
        return try await self.base.next()
      } catch is CancellationError {
        throw RPCError(code: .cancelled, message: "The RPC was cancelled by the caller.")
      }
    }
  }

  func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: self.base.makeAsyncIterator())
  }
}
