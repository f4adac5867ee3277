import CryptoExtras
import Foundation
import Gateway
import JWTKit

/// RSA signing keys written as a JWKS file in a fresh temporary folder, for minting test
/// tokens (good ones and attacks).
struct TestSigningKeys {
  static let issuer = "maac-test"
  static let audience = "maac-api"

  let folder: URL
  var jwksPath: String { folder.appendingPathComponent("jwks.json").path }
  private(set) var keys: [String: JWTKit.Insecure.RSA.PrivateKey] = [:]

  init(kids: [String] = ["k1"]) throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gw-keys-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for kid in kids { keys[kid] = try Self.cachedKey(kid) }
    try writeJWKS()
  }

  /// RSA key generation is slow; tests share a few keys by name.
  private static let pool: [String: JWTKit.Insecure.RSA.PrivateKey] = {
    var pool: [String: JWTKit.Insecure.RSA.PrivateKey] = [:]
    for kid in ["k1", "k2", "rotated"] {
      pool[kid] = try! JWTKit.Insecure.RSA.PrivateKey(
        backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
    }
    return pool
  }()
  private static func cachedKey(_ kid: String) throws -> JWTKit.Insecure.RSA.PrivateKey {
    if let key = pool[kid] { return key }
    return try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
  }

  /// Replaces the key set and rewrites the JWKS file (rotation).
  mutating func replaceKeys(with kids: [String]) throws {
    keys = [:]
    for kid in kids { keys[kid] = try Self.cachedKey(kid) }
    try writeJWKS()
  }

  private func writeJWKS() throws {
    var jwks: [[String: String]] = []
    for (kid, key) in keys.sorted(by: { $0.key < $1.key }) {
      let object =
        try JSONSerialization.jsonObject(
          with: Data(DevelopmentKeys.jwks(for: key.publicKey, kid: kid).utf8))
        as! [String: [[String: String]]]
      jwks += object["keys"]!
    }
    let data = try JSONSerialization.data(withJSONObject: ["keys": jwks])
    try data.write(to: URL(fileURLWithPath: jwksPath), options: .atomic)
  }

  func publicKeyPEM(_ kid: String = "k1") -> String { keys[kid]!.publicKey.pemRepresentation }
  func privateKeyPEM(_ kid: String) -> String { keys[kid]!.pemRepresentation }

  static func claims(
    org: Int64 = 1, user: String = "user-1", roles: [String]? = nil, tokenUse: String? = nil,
    issuer: String = issuer, audience: [String] = [audience], issuedAt: Date = Date(),
    expiresAt: Date = Date().addingTimeInterval(600), notBefore: Date? = nil
  ) -> GatewayClaims {
    GatewayClaims(
      issuer: issuer, audience: audience, subject: user, organizationID: org, roles: roles,
      tokenUse: tokenUse,
      issuedAt: issuedAt, expiresAt: expiresAt, notBefore: notBefore)
  }

  /// A correctly signed RS256 token.
  func token(_ claims: GatewayClaims = claims(), kid: String = "k1") async throws -> String {
    try await DevelopmentKeys.sign(claims, with: keys[kid]!, kid: kid)
  }

  /// An RS256 token with a raw JSON payload, for claim-type attacks (e.g. `"org_id": "1"`).
  func token(rawPayload: [String: Any], kid: String = "k1") throws -> String {
    let header = Self.base64URL(
      try JSONSerialization.data(withJSONObject: ["alg": "RS256", "typ": "JWT", "kid": kid]))
    let payload = Self.base64URL(try JSONSerialization.data(withJSONObject: rawPayload))
    let signingInput = Data("\(header).\(payload)".utf8)
    let signature = try keys[kid]!.signature(for: signingInput)
    return "\(header).\(payload).\(Self.base64URL(signature))"
  }

  static func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
      of: "/", with: "_"
    )
    .replacingOccurrences(of: "=", with: "")
  }
}

extension JWTKit.Insecure.RSA.PrivateKey {
  /// RS256 (PKCS#1 v1.5, SHA-256) over `data`, through swift-crypto.
  func signature(for data: Data) throws -> Data {
    let backing = try _RSA.Signing.PrivateKey(pemRepresentation: pemRepresentation)
    return try backing.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
  }
}
