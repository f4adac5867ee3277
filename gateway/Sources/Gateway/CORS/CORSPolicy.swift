import NIOHTTP1

/// G16: which browser origins may call the gateway. Credentials travel in the
/// `Authorization` header only, so `Access-Control-Allow-Credentials` is never sent.
public struct CORSPolicy: Sendable, Equatable {
  /// Exact origins (`https://app.example.com`), e.g. the front end and the email-editor
  /// iframe; empty allows no cross-origin calls. `*` allows every origin.
  public var allowedOrigins: Set<String>
  /// How long a browser may cache a preflight answer (`Access-Control-Max-Age`).
  public var maxAgeSeconds: Int

  public init(allowedOrigins: some Sequence<String> = [], maxAgeSeconds: Int = 600) {
    self.allowedOrigins = Set(allowedOrigins)
    self.maxAgeSeconds = maxAgeSeconds
  }

  /// Request headers a browser may send cross-origin.
  static let allowedHeaders = "authorization, content-type, idempotency-key"
  /// Response headers a cross-origin script may read.
  static let exposedHeaders = "x-request-id, retry-after"

  func allows(_ origin: String) -> Bool {
    allowedOrigins.contains(origin) || allowedOrigins.contains("*")
  }

  /// Headers for an actual (non-preflight) response to `origin`.
  func responseHeaders(origin: String?) -> [(String, String)] {
    guard let origin, !allowedOrigins.isEmpty else { return [] }
    // The answer depends on the origin either way: shared caches must key on it.
    guard allows(origin) else { return [("Vary", "Origin")] }
    return [
      ("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
      ("Access-Control-Expose-Headers", Self.exposedHeaders),
    ]
  }

  /// Headers of the preflight answer for a route served with `methods`.
  func preflightHeaders(origin: String, methods: [HTTPMethod]) -> [(String, String)] {
    [
      ("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
      ("Access-Control-Allow-Methods", methods.map(\.rawValue).joined(separator: ", ")),
      ("Access-Control-Allow-Headers", Self.allowedHeaders),
      ("Access-Control-Max-Age", String(maxAgeSeconds)),
    ]
  }
}
