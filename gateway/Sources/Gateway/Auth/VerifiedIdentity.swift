/// The caller a verified token names: what the gateway forwards as `x-maac-*` metadata (G5).
public struct VerifiedIdentity: Sendable, Hashable {
  public var organizationID: Int64
  public var userID: String
  public var roles: [String]
  public var tokenUse: String

  public init(organizationID: Int64, userID: String, roles: [String], tokenUse: String) {
    self.organizationID = organizationID
    self.userID = userID
    self.roles = roles
    self.tokenUse = tokenUse
  }
}
