import Foundation
import JWTKit

/// RS256 public keys from a JWKS file, by `kid` (`gateway.md` §2.3).
///
/// Each key lives in its own `JWTKeyCollection` registered as RS256, so the algorithm comes
/// from our configuration and never from the token's header, and an unknown `kid` can't fall
/// back to another key. The file's modification time and size are checked at most once a
/// second, so a rotated JWKS is picked up without a restart.
public actor JWKSKeyStore {
  private let path: String
  private var keys: [String: JWTKeyCollection] = [:]
  private var loadedStamp: FileStamp?
  private var lastCheck: ContinuousClock.Instant?
  private let checkInterval: Duration

  struct FileStamp: Equatable {
    var modified: Date
    var size: Int
  }

  /// - Parameters:
  ///   - path: the JWKS file (`MAAC_JWKS_FILE`).
  ///   - checkInterval: how often the file's stamp is re-read.
  public init(path: String, checkInterval: Duration = .seconds(1)) {
    self.path = path
    self.checkInterval = checkInterval
  }

  /// Loads the file now; throws when it is unreadable or holds no usable RSA key.
  public func load() async throws {
    try await reloadIfChanged(force: true)
  }

  /// The verifier for `kid`, or for the single configured key when `kid` is absent.
  func collection(for kid: String?) async throws(TokenRejection) -> JWTKeyCollection {
    do {
      try await reloadIfChanged(force: false)
    } catch {
      // A half-written rotation keeps the previous keys: better than refusing everyone.
    }
    if let kid {
      guard let collection = keys[kid] else { throw .unknownKey }
      return collection
    }
    guard keys.count == 1, let only = keys.values.first else { throw .unknownKey }
    return only
  }

  private func reloadIfChanged(force: Bool) async throws {
    let now = ContinuousClock.now
    if !force, let lastCheck, now - lastCheck < checkInterval { return }
    lastCheck = now
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let stamp = FileStamp(
      modified: attributes[.modificationDate] as? Date ?? .distantPast,
      size: (attributes[.size] as? NSNumber)?.intValue ?? -1
    )
    if !force, stamp == loadedStamp { return }
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let jwks = try JSONDecoder().decode(JWKS.self, from: data)
    var loaded: [String: JWTKeyCollection] = [:]
    for jwk in jwks.keys where jwk.keyType == .rsa {
      guard let kid = jwk.keyIdentifier?.string, let n = jwk.modulus, let e = jwk.exponent else {
        continue
      }
      if let algorithm = jwk.algorithm, algorithm != .rs256 { continue }
      let key = try JWTKit.Insecure.RSA.PublicKey(modulus: n, exponent: e)
      let collection = JWTKeyCollection()
      await collection.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
      loaded[kid] = collection
    }
    guard !loaded.isEmpty else {
      throw GatewayConfigurationError("the JWKS file \(path) holds no RS256 RSA key with a `kid`")
    }
    keys = loaded
    loadedStamp = stamp
  }
}
