import Foundation
import Gateway
import Testing

@Suite("G16 CORS")
struct CORSTests {
  static let policy = CORSPolicy(allowedOrigins: [
    "https://app.maac.test", "https://editor.maac.test",
  ])

  @Test("G16: a preflight from an allowed origin is answered by the gateway, without a token")
  func preflightAllowed() async throws {
    try await ConfiguredGateway.with(cors: Self.policy) { environment in
      let reply = try await environment.client.send(
        "OPTIONS", "/api/member/v1/contacts/5",
        headers: [
          "Origin": "https://editor.maac.test", "Access-Control-Request-Method": "PATCH",
          "Access-Control-Request-Headers": "authorization, content-type",
        ])
      #expect(reply.status == 204)
      #expect(reply.header("Access-Control-Allow-Origin") == "https://editor.maac.test")
      let methods = Set(
        (reply.header("Access-Control-Allow-Methods") ?? "").split(separator: ",").map {
          $0.trimmingCharacters(in: .whitespaces)
        })
      #expect(methods == ["GET", "PATCH", "DELETE"])
      #expect(reply.header("Access-Control-Allow-Headers")?.contains("authorization") == true)
      #expect(reply.header("Access-Control-Max-Age") == "600")
      // Credentials travel in the Authorization header only, never cookies.
      #expect(reply.header("Access-Control-Allow-Credentials") == nil)
      #expect(environment.contacts.callCount == 0)
    }
  }

  @Test("G16: a preflight from another origin → 403; for an unknown path → 404")
  func preflightRefused() async throws {
    try await ConfiguredGateway.with(cors: Self.policy) { environment in
      let foreign = try await environment.client.send(
        "OPTIONS", "/api/member/v1/contacts/5",
        headers: ["Origin": "https://evil.test", "Access-Control-Request-Method": "GET"])
      #expect(foreign.status == 403)
      #expect(foreign.header("Access-Control-Allow-Origin") == nil)
      let unknown = try await environment.client.send(
        "OPTIONS", "/api/nope",
        headers: ["Origin": "https://app.maac.test", "Access-Control-Request-Method": "GET"])
      #expect(unknown.status == 404)
    }
  }

  @Test(
    "G16: responses to an allowed origin carry Allow-Origin and expose x-request-id; others none")
  func actualRequests() async throws {
    try await ConfiguredGateway.with(cors: Self.policy) { environment in
      let token = try await environment.keys.token()
      let allowed = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: token,
        headers: ["Origin": "https://app.maac.test"])
      #expect(allowed.status == 200)
      #expect(allowed.header("Access-Control-Allow-Origin") == "https://app.maac.test")
      #expect(allowed.header("Access-Control-Expose-Headers")?.contains("x-request-id") == true)
      #expect(allowed.header("Vary") == "Origin")
      // Errors carry them too, so the browser can read the failure.
      let unauthorized = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", headers: ["Origin": "https://app.maac.test"])
      #expect(unauthorized.status == 401)
      #expect(unauthorized.header("Access-Control-Allow-Origin") == "https://app.maac.test")
      let foreign = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: token, headers: ["Origin": "https://evil.test"])
      #expect(foreign.status == 200)
      #expect(foreign.header("Access-Control-Allow-Origin") == nil)
      #expect(foreign.header("Vary") == "Origin")
    }
  }

  @Test("G16: the allow-list comes from MAAC_GATEWAY_CORS_ORIGINS; none by default")
  func configuration() throws {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gw-cors-\(UUID().uuidString)"
    ).path
    let configured = try GatewayConfiguration(
      from: ConfigurationSourceFactory.make(environment: [
        "MAAC_STATE": state,
        "MAAC_GATEWAY_CORS_ORIGINS": "https://a.test, https://b.test",
      ]))
    #expect(configured.cors.allowedOrigins == ["https://a.test", "https://b.test"])
    #expect(configured.limits == .defaults)
    #expect(configured.grpcPort == nil)
    let plain = try GatewayConfiguration(
      from: ConfigurationSourceFactory.make(environment: ["MAAC_STATE": state]))
    #expect(plain.cors.allowedOrigins.isEmpty)
  }
}
