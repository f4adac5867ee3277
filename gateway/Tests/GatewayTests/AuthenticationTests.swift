import Foundation
import Gateway
import JWTKit
import Testing

@Suite("Gateway authentication (G2, G3)")
struct AuthenticationTests {
  static let unauthorizedBody: [String: String] = [
    "code": "UNAUTHORIZED", "message": "Missing or invalid JWT token",
  ]

  /// Sends `token` (or the raw Authorization header) to a contacts route and expects the
  /// family's 401 without any upstream call.
  func expectRefused(
    _ environment: GatewayEnvironment, token: String? = nil, authorization: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) async throws {
    let before = environment.totalCalls
    var headers: [String: String] = [:]
    if let authorization { headers["Authorization"] = authorization }
    let reply = try await environment.client.send(
      "GET", "/api/member/v1/contacts/5", token: token, headers: headers)
    #expect(reply.status == 401, sourceLocation: sourceLocation)
    #expect(
      reply.object as? [String: String] == Self.unauthorizedBody, sourceLocation: sourceLocation)
    #expect(reply.header("WWW-Authenticate") == "Bearer", sourceLocation: sourceLocation)
    #expect(reply.header("x-request-id")?.count == 32, sourceLocation: sourceLocation)
    #expect(
      environment.totalCalls == before, "nothing is forwarded", sourceLocation: sourceLocation)
  }

  @Test("G3: a valid RS256 token is accepted and forwarded")
  func validToken() async throws {
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token()
      let reply = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: token)
      #expect(reply.status == 200)
      #expect(reply.object["id"] as? Int == 5)
      #expect(environment.contacts.callCount == 1)
    }
  }

  @Test("G2: missing header, other scheme, empty token, garbage → 401")
  func missingOrMalformed() async throws {
    try await GatewayEnvironment.with { environment in
      try await expectRefused(environment)
      try await expectRefused(environment, authorization: "Basic dXNlcjpwdw==")
      try await expectRefused(environment, authorization: "Bearer ")
      try await expectRefused(environment, authorization: "Bearer not.a.jwt")
      try await expectRefused(environment, authorization: "Bearer abc")
    }
  }

  @Test("G3: alg none is refused")
  func algNone() async throws {
    try await GatewayEnvironment.with { environment in
      let header = TestSigningKeys.base64URL(
        try JSONSerialization.data(withJSONObject: ["alg": "none", "typ": "JWT"]))
      let claims = TestSigningKeys.claims()
      let payload = TestSigningKeys.base64URL(try JSONEncoder().encode(claims))
      try await expectRefused(environment, token: "\(header).\(payload).")
      // Same with the known kid.
      let headerKid = TestSigningKeys.base64URL(
        try JSONSerialization.data(withJSONObject: ["alg": "none", "typ": "JWT", "kid": "k1"]))
      try await expectRefused(environment, token: "\(headerKid).\(payload).")
    }
  }

  @Test("G3: HS256 signed with the RSA public key as the secret is refused")
  func hs256WithPublicKey() async throws {
    try await GatewayEnvironment.with { environment in
      let collection = JWTKeyCollection()
      await collection.add(
        hmac: HMACKey(from: environment.keys.publicKeyPEM()), digestAlgorithm: .sha256, kid: "k1")
      let token = try await collection.sign(TestSigningKeys.claims(), kid: "k1")
      try await expectRefused(environment, token: token)
    }
  }

  @Test("G3: ES256 and RS512 tokens are refused")
  func otherAlgorithms() async throws {
    try await GatewayEnvironment.with { environment in
      let ecdsa = JWTKeyCollection()
      await ecdsa.add(ecdsa: ES256PrivateKey(), kid: "k1")
      try await expectRefused(
        environment, token: try await ecdsa.sign(TestSigningKeys.claims(), kid: "k1"))
      let rs512 = JWTKeyCollection()
      let key = try JWTKit.Insecure.RSA.PrivateKey(pem: environment.keys.keysPEM("k1"))
      await rs512.add(rsa: key, digestAlgorithm: .sha512, kid: "k1")
      try await expectRefused(
        environment, token: try await rs512.sign(TestSigningKeys.claims(), kid: "k1"))
    }
  }

  @Test("G3: unknown kid, and a signature by another key, are refused")
  func unknownKid() async throws {
    try await GatewayEnvironment.with { environment in
      let other = try TestSigningKeys(kids: ["k2"])
      try await expectRefused(environment, token: try await other.token(kid: "k2"))
      // Signed by k2 but claiming kid k1.
      let forged = try await DevelopmentKeys.sign(
        TestSigningKeys.claims(), with: JWTKit.Insecure.RSA.PrivateKey(pem: other.keysPEM("k2")),
        kid: "k1")
      try await expectRefused(environment, token: forged)
    }
  }

  @Test("G3: expired, not-yet-valid, wrong issuer, wrong audience, over-long lifetime → 401")
  func claimChecks() async throws {
    try await GatewayEnvironment.with { environment in
      let keys = environment.keys
      let now = Date()
      try await expectRefused(
        environment,
        token: try await keys.token(
          TestSigningKeys.claims(
            issuedAt: now.addingTimeInterval(-600), expiresAt: now.addingTimeInterval(-60))))
      try await expectRefused(
        environment,
        token: try await keys.token(TestSigningKeys.claims(notBefore: now.addingTimeInterval(300))))
      try await expectRefused(
        environment, token: try await keys.token(TestSigningKeys.claims(issuer: "other-region")))
      try await expectRefused(
        environment, token: try await keys.token(TestSigningKeys.claims(audience: ["other"])))
      try await expectRefused(
        environment,
        token: try await keys.token(
          TestSigningKeys.claims(expiresAt: now.addingTimeInterval(25 * 3600))))
      try await expectRefused(
        environment, token: try await keys.token(TestSigningKeys.claims(tokenUse: "exchange")))
    }
  }

  @Test("G3: leeway: a token expired 5 s ago is still accepted (leeway 10 s)")
  func leeway() async throws {
    try await GatewayEnvironment.with { environment in
      let now = Date()
      let token = try await environment.keys.token(
        TestSigningKeys.claims(
          issuedAt: now.addingTimeInterval(-100), expiresAt: now.addingTimeInterval(-5)))
      let reply = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: token)
      #expect(reply.status == 200)
    }
  }

  @Test("G3: org_id must be a JSON integer; a string \"1\" is refused")
  func orgIDType() async throws {
    try await GatewayEnvironment.with { environment in
      let now = Int(Date().timeIntervalSince1970)
      var payload: [String: Any] = [
        "iss": TestSigningKeys.issuer, "aud": TestSigningKeys.audience, "sub": "u", "org_id": "1",
        "iat": now, "exp": now + 600,
      ]
      try await expectRefused(environment, token: try environment.keys.token(rawPayload: payload))
      payload["org_id"] = 0
      try await expectRefused(environment, token: try environment.keys.token(rawPayload: payload))
      payload["org_id"] = 1
      payload["sub"] = nil
      try await expectRefused(environment, token: try environment.keys.token(rawPayload: payload))
      // The same payload with a proper integer and subject passes, so the refusals above are
      // about the claims, not the hand-built token.
      payload["sub"] = "u"
      let reply = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: try environment.keys.token(rawPayload: payload))
      #expect(reply.status == 200)
    }
  }

  @Test("§2.3: a rotated JWKS file is picked up without a restart")
  func rotation() async throws {
    try await GatewayEnvironment.with { environment in
      let old = try await environment.keys.token()
      #expect(
        try await environment.client.send("GET", "/api/member/v1/contacts/5", token: old).status
          == 200)
      try environment.keys.replaceKeys(with: ["rotated"])
      // Cached verifications of the old key may live 60 s; a token never seen must use the new set.
      let fresh = try await environment.keys.token(
        TestSigningKeys.claims(user: "after-rotation"), kid: "rotated")
      #expect(
        try await environment.client.send("GET", "/api/member/v1/contacts/5", token: fresh).status
          == 200)
      let oldKeyNewToken = try await TestSigningKeys(kids: ["k1"]).token(
        TestSigningKeys.claims(user: "late"))
      try await expectRefused(environment, token: oldKeyNewToken)
    }
  }
}

extension TestSigningKeys {
  func keysPEM(_ kid: String) -> String { privateKeyPEM(kid) }
}
