import CryptoExtras
import Foundation
import JWTKit

/// The development signing key: an RSA key created on first use under `<state>/dev-jwt/`,
/// with the JWKS the gateway verifies against when no `MAAC_JWKS_FILE` is configured.
///
/// Only for local runs (`./maac up`); production gateways hold public keys only (§2.3).
public struct DevelopmentKeys: Sendable {
  public static let keyID = "maac-dev-1"
  public static let issuer = "maac-dev"
  public static let audience = "maac-api"

  public let directory: URL
  public var privateKeyPath: URL { directory.appendingPathComponent("private-key.pem") }
  public var jwksPath: URL { directory.appendingPathComponent("jwks.json") }

  /// - Parameter state: the platform state folder (`MAAC_STATE`).
  public init(state: String) {
    self.directory = URL(fileURLWithPath: state).appendingPathComponent("dev-jwt")
  }

  /// The private key, created (with its JWKS) when it doesn't exist yet.
  public func ensure() throws -> JWTKit.Insecure.RSA.PrivateKey {
    let fileManager = FileManager.default
    if fileManager.fileExists(atPath: privateKeyPath.path),
      fileManager.fileExists(atPath: jwksPath.path)
    {
      return try JWTKit.Insecure.RSA.PrivateKey(
        pem: String(contentsOf: privateKeyPath, encoding: .utf8))
    }
    try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
    let backing = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    let key = try JWTKit.Insecure.RSA.PrivateKey(backing: backing)
    try Data(key.pemRepresentation.utf8).write(to: privateKeyPath, options: .atomic)
    try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: privateKeyPath.path)
    try Data(Self.jwks(for: key.publicKey, kid: Self.keyID).utf8).write(
      to: jwksPath, options: .atomic)
    return key
  }

  /// Mints a development access token.
  public func mintToken(
    organizationID: Int64, userID: String, roles: [String], lifetime: TimeInterval = 12 * 3600
  ) async throws -> String {
    let key = try ensure()
    return try await Self.sign(
      GatewayClaims(
        issuer: Self.issuer, audience: [Self.audience], subject: userID,
        organizationID: organizationID,
        roles: roles.isEmpty ? nil : roles, tokenUse: "access", issuedAt: Date(),
        expiresAt: Date().addingTimeInterval(lifetime)),
      with: key, kid: Self.keyID)
  }

  /// Signs `claims` with RS256 under `kid`.
  public static func sign(
    _ claims: GatewayClaims, with key: JWTKit.Insecure.RSA.PrivateKey, kid: String
  ) async throws
    -> String
  {
    let collection = JWTKeyCollection()
    await collection.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
    return try await collection.sign(claims, kid: JWKIdentifier(string: kid))
  }

  /// A JWKS document holding `publicKey` as an RS256 signing key.
  public static func jwks(for publicKey: JWTKit.Insecure.RSA.PublicKey, kid: String) throws
    -> String
  {
    let primitives = try publicKey.getKeyPrimitives()
    let jwk = JWK.rsa(
      .rs256, identifier: JWKIdentifier(string: kid),
      modulus: primitives.modulus.base64URLEncodedString(),
      exponent: primitives.publicExponent.base64URLEncodedString())
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(JWKS(keys: [jwk])), as: UTF8.self)
  }
}

extension Data {
  /// RFC 4648 §5 base64url without padding, as JWK members are written.
  func base64URLEncodedString() -> String {
    base64EncodedString()
      .replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }
}
