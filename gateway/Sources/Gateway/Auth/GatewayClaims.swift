import Foundation
import JWTKit

/// The claims of a platform access token (`gateway.md` §2.2).
///
/// Decoding is strict about types: `org_id` must be a JSON integer, so `"1"` fails to decode
/// and the token is refused (G3).
public struct GatewayClaims: JWTPayload, Equatable {
  public var iss: String
  public var aud: AudienceClaim
  public var sub: String
  public var orgID: Int64
  public var orgUUID: String?
  public var tokenUse: String?
  public var roles: [String]?
  public var exp: Int64
  public var iat: Int64
  public var nbf: Int64?
  public var jti: String?

  enum CodingKeys: String, CodingKey {
    case iss, aud, sub, exp, iat, nbf, jti, roles
    case orgID = "org_id"
    case orgUUID = "org_uuid"
    case tokenUse = "token_use"
  }

  public init(
    issuer: String, audience: [String], subject: String, organizationID: Int64,
    roles: [String]? = nil,
    tokenUse: String? = nil, issuedAt: Date, expiresAt: Date, notBefore: Date? = nil,
    jti: String? = nil
  ) {
    self.iss = issuer
    self.aud = AudienceClaim(value: audience)
    self.sub = subject
    self.orgID = organizationID
    self.roles = roles
    self.tokenUse = tokenUse
    self.iat = Int64(issuedAt.timeIntervalSince1970)
    self.exp = Int64(expiresAt.timeIntervalSince1970)
    self.nbf = notBefore.map { Int64($0.timeIntervalSince1970) }
    self.jti = jti
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    iss = try container.decode(String.self, forKey: .iss)
    aud = try container.decode(AudienceClaim.self, forKey: .aud)
    sub = try container.decode(String.self, forKey: .sub)
    orgID = try container.decode(Int64.self, forKey: .orgID)
    orgUUID = try container.decodeIfPresent(String.self, forKey: .orgUUID)
    tokenUse = try container.decodeIfPresent(String.self, forKey: .tokenUse)
    roles = try container.decodeIfPresent([String].self, forKey: .roles)
    exp = try container.decode(Int64.self, forKey: .exp)
    iat = try container.decode(Int64.self, forKey: .iat)
    nbf = try container.decodeIfPresent(Int64.self, forKey: .nbf)
    jti = try container.decodeIfPresent(String.self, forKey: .jti)
  }

  /// Claim checks are done by ``TokenVerifier`` with its configured clock, issuer, audience and
  /// leeway; jwt-kit only verifies the signature.
  public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
