import Crypto
import Foundation
import JWTKit
import Synchronization

/// Verifies bearer tokens (`gateway.md` G3, §2.2, §2.3).
///
/// jwt-kit parses the compact JWS and checks the RS256 signature; this type adds the
/// platform's policy: RS256 only, `kid` selection, issuer, audience, `exp`/`nbf` with leeway,
/// lifetime caps per token kind. Accepted tokens are cached by SHA-256 until
/// `min(exp, now + 60 s)` so repeated calls skip the RSA work.
public actor TokenVerifier {
  public struct Policy: Sendable {
    public var issuer: String
    public var audience: String
    public var leeway: TimeInterval
    public init(issuer: String, audience: String, leeway: TimeInterval = 10) {
      self.issuer = issuer
      self.audience = audience
      self.leeway = leeway
    }
  }

  private let keys: JWKSKeyStore
  private let policy: Policy
  private let now: @Sendable () -> Date
  /// Read without entering the actor, so a cache hit costs no actor hop (the hot path of
  /// every request).
  private nonisolated let cache = Mutex<[SHA256Digest: (identity: VerifiedIdentity, until: Date)]>(
    [:])
  private static let maxCacheEntries = 100_000

  /// Lifetime caps (`exp − iat`) by `token_use`, in seconds.
  static let lifetimeCaps: [String: TimeInterval] = [
    "access": 24 * 3600, "platform": 300, "exchange": 30, "extension": 3600,
  ]

  public init(keys: JWKSKeyStore, policy: Policy, now: @escaping @Sendable () -> Date = { Date() })
  {
    self.keys = keys
    self.policy = policy
    self.now = now
  }

  /// Verifies `token`, returning the identity it names.
  public nonisolated(nonsending) func verify(_ token: String) async throws(TokenRejection)
    -> VerifiedIdentity
  {
    var token = token
    let digest = token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
    let current = now()
    let hit = cache.withLock { cache -> VerifiedIdentity? in
      guard let cached = cache[digest] else { return nil }
      if cached.until > current { return cached.identity }
      cache[digest] = nil
      return nil
    }
    if let hit { return hit }
    return try await verifyUncached(token, digest: digest, at: current)
  }

  private func verifyUncached(_ token: String, digest: SHA256Digest, at current: Date)
    async throws(TokenRejection) -> VerifiedIdentity
  {
    let parser = DefaultJWTParser()
    let header: JWTHeader
    do {
      header = try parser.parse([UInt8](token.utf8), as: AnyClaims.self).header
    } catch {
      throw .malformed
    }
    guard header.alg == "RS256" else { throw .algorithmNotAllowed(header.alg ?? "(none)") }
    let collection = try await keys.collection(for: header.kid)
    let claims: GatewayClaims
    do {
      claims = try await collection.verify(token, as: GatewayClaims.self)
    } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
      throw .badSignature
    } catch {
      throw .claims(String(describing: error))
    }
    let identity = try check(claims, at: current)
    let until = min(
      Date(timeIntervalSince1970: TimeInterval(claims.exp)), current.addingTimeInterval(60))
    cache.withLock { cache in
      if cache.count >= Self.maxCacheEntries { cache.removeAll(keepingCapacity: true) }
      cache[digest] = (identity, until)
    }
    return identity
  }

  private func check(_ claims: GatewayClaims, at current: Date) throws(TokenRejection)
    -> VerifiedIdentity
  {
    let nowSeconds = current.timeIntervalSince1970
    guard claims.iss == policy.issuer else { throw .claims("iss") }
    guard claims.aud.value.contains(policy.audience) else { throw .claims("aud") }
    guard !claims.sub.isEmpty else { throw .claims("sub") }
    guard claims.orgID > 0 else { throw .claims("org_id") }
    guard TimeInterval(claims.exp) > nowSeconds - policy.leeway else { throw .expired }
    if let nbf = claims.nbf, TimeInterval(nbf) > nowSeconds + policy.leeway { throw .notYetValid }
    let use = claims.tokenUse ?? "access"
    guard let cap = Self.lifetimeCaps[use] else { throw .claims("token_use") }
    guard TimeInterval(claims.exp - claims.iat) <= cap else { throw .lifetimeTooLong }
    // Exchange tokens travel only in the exchange route's body, never as a bearer (G4).
    guard use != "exchange" else { throw .claims("token_use") }
    return VerifiedIdentity(
      organizationID: claims.orgID, userID: claims.sub, roles: claims.roles ?? [], tokenUse: use)
  }
}

/// A payload that accepts any claims, for reading the header before choosing a key.
struct AnyClaims: JWTPayload {
  init(from decoder: any Decoder) throws {}
  func encode(to encoder: any Encoder) throws {}
  func verify(using algorithm: some JWTAlgorithm) async throws {}
}
