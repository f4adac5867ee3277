import Foundation
import Gateway
import Testing

@Suite("G11 rate limits")
struct RateLimitTests {
  @Test(
    "G11: the spec's defaults are 20/s burst 40 per org, 10/min validate, 30/min auth failures, 60/min exchange"
  )
  func defaults() {
    let limits = RateLimits.defaults
    #expect(limits.organizationPerSecond == 20)
    #expect(limits.organizationBurst == 40)
    #expect(limits.validatePerMinute == 10)
    #expect(limits.failedAuthenticationsPerMinute == 30)
    #expect(limits.exchangePerMinute == 60)
  }

  @Test("G11: limits are configurable from flags or environment")
  func configurable() throws {
    let source = try ConfigurationSourceFactory.make(environment: [
      "MAAC_GATEWAY_RATE_ORG": "100", "MAAC_GATEWAY_RATE_VALIDATE": "0",
    ])
    let limits = try RateLimits(from: source)
    #expect(limits.organizationPerSecond == 100)
    #expect(limits.organizationBurst == 200)
    #expect(limits.validatePerMinute == 0)
    #expect(limits.failedAuthenticationsPerMinute == 30)
  }

  @Test("G11: over the org bucket → 429 RATE_LIMITED with Retry-After; another org is not affected")
  func perOrganization() async throws {
    // One token back per 1,000 s: nothing refills while the test runs, however slow the machine.
    let limits = RateLimits(
      organizationPerSecond: 0.001, organizationBurst: 3, validatePerMinute: 0,
      failedAuthenticationsPerMinute: 0, exchangePerMinute: 0)
    try await ConfiguredGateway.with(limits: limits) { environment in
      let org1 = try await environment.keys.token(TestSigningKeys.claims(org: 1))
      var statuses: [Int] = []
      for _ in 0..<3 {
        statuses.append(
          try await environment.client.send("GET", "/api/member/v1/contacts/5", token: org1).status)
      }
      #expect(statuses == [200, 200, 200])
      let calls = environment.contacts.callCount
      let limited = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: org1)
      #expect(limited.status == 429)
      #expect(
        limited.object as? [String: String] == [
          "code": "RATE_LIMITED", "message": "Too many requests",
        ])
      let retryAfter = try #require(limited.header("Retry-After").flatMap { Int($0) })
      #expect(retryAfter >= 1)
      #expect(limited.header("x-request-id")?.count == 32)
      #expect(environment.contacts.callCount == calls)  // nothing forwarded
      // The bucket is per organization.
      let org2 = try await environment.keys.token(TestSigningKeys.claims(org: 2))
      #expect(
        try await environment.client.send("GET", "/api/member/v1/contacts/6", token: org2).status
          == 200)
    }
  }

  @Test("G11: POST .../validate has its own per-org budget")
  func validateRoute() async throws {
    let limits = RateLimits(
      organizationPerSecond: 0, organizationBurst: 0, validatePerMinute: 2,
      failedAuthenticationsPerMinute: 0, exchangePerMinute: 0)
    // The test upstream's validate never answers: a short deadline turns the allowed calls
    // into 504s, which are not 429s.
    try await ConfiguredGateway.with(limits: limits, timeoutOverride: .milliseconds(200)) {
      environment in
      let token = try await environment.keys.token()
      let path = "/api/v1/channels/21/sender-domains/31/validate"
      var statuses: [Int] = []
      for _ in 0..<3 {
        statuses.append(try await environment.client.send("POST", path, token: token).status)
      }
      #expect(statuses == [504, 504, 429])
      // Other routes of the same org are not limited by it (not 429; under load the 200 ms
      // deadline of this test may still turn the answer into a 504).
      #expect(
        try await environment.client.send("GET", "/api/v1/channels", token: token).status != 429)
    }
  }

  @Test("G11: a client IP over its failed-authentication budget gets 429 even with a good token")
  func failedAuthentications() async throws {
    let limits = RateLimits(
      organizationPerSecond: 0, organizationBurst: 0, validatePerMinute: 0,
      failedAuthenticationsPerMinute: 3, exchangePerMinute: 0)
    try await ConfiguredGateway.with(limits: limits) { environment in
      var statuses: [Int] = []
      for _ in 0..<3 {
        statuses.append(
          try await environment.client.send("GET", "/api/member/v1/contacts/5", token: "bad")
            .status)
      }
      #expect(statuses == [401, 401, 401])
      let token = try await environment.keys.token()
      let limited = try await environment.client.send(
        "GET", "/api/member/v1/contacts/5", token: token)
      #expect(limited.status == 429)
      #expect(limited.object["code"] as? String == "RATE_LIMITED")
      #expect(limited.header("Retry-After") != nil)
      #expect(environment.contacts.callCount == 0)
    }
  }
}
