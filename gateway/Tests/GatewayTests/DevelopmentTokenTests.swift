import Foundation
import Gateway
import Testing

@Suite("Development tokens")
struct DevelopmentTokenTests {
  @Test(
    "maac-gateway token: a dev key is created on first use and its tokens verify against the dev JWKS"
  )
  func devToken() async throws {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gw-state-\(UUID().uuidString)"
    ).path
    let keys = DevelopmentKeys(state: state)
    let token = try await keys.mintToken(organizationID: 1, userID: "dev", roles: ["org_admin"])
    #expect(FileManager.default.fileExists(atPath: keys.privateKeyPath.path))
    #expect(FileManager.default.fileExists(atPath: keys.jwksPath.path))
    // A second token reuses the key (same JWKS file content).
    let jwks = try Data(contentsOf: keys.jwksPath)
    let second = try await keys.mintToken(organizationID: 2, userID: "dev2", roles: [])
    #expect(try Data(contentsOf: keys.jwksPath) == jwks)

    let store = JWKSKeyStore(path: keys.jwksPath.path)
    try await store.load()
    let verifier = TokenVerifier(
      keys: store, policy: .init(issuer: DevelopmentKeys.issuer, audience: DevelopmentKeys.audience)
    )
    let identity = try await verifier.verify(token)
    #expect(
      identity
        == VerifiedIdentity(
          organizationID: 1, userID: "dev", roles: ["org_admin"], tokenUse: "access"))
    #expect(try await verifier.verify(second).organizationID == 2)
  }

  @Test("With MAAC_STATE and no MAAC_JWKS_FILE the gateway uses the development JWKS")
  func configurationUsesDevJWKS() throws {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gw-state-\(UUID().uuidString)"
    ).path
    let source = try ConfigurationSourceFactory.make(environment: ["MAAC_STATE": state])
    let configuration = try GatewayConfiguration(from: source)
    #expect(configuration.jwksFile == DevelopmentKeys(state: state).jwksPath.path)
    #expect(configuration.issuer == DevelopmentKeys.issuer)
    #expect(configuration.port == 8080)
    #expect(throws: (any Error).self) {
      try GatewayConfiguration(from: try ConfigurationSourceFactory.make(environment: [:]))
    }
  }
}
