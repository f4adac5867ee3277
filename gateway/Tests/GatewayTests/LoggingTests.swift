import Foundation
import Testing

/// G19: the gateway logs request id, route template, org, user, status and latency, and never
/// the Authorization header, tokens or credentials.
@Suite("G19: logging")
struct LoggingTests {
  @Test(
    "G19: one record per request with id, route, org, user, status, latency; no token, no secret")
  func requestLog() async throws {
    let (logger, store) = RecordingLogHandler.logger()
    var tokens: [String] = []
    var requestIDs: [String] = []
    try await ServiceStack.with(gatewayLogger: logger) { stack in
      let token = try await stack.token(stack.orgA, user: "amy")
      tokens.append(token)
      let channels = try await stack.client.send("GET", "/api/v1/channels", token: token)
      #expect(channels.status == 200)
      requestIDs.append(try #require(channels.header("x-request-id")))
      let missing = try await stack.client.send(
        "GET", "/api/member/v1/contacts/424242", token: token)
      #expect(missing.status == 404)
      requestIDs.append(try #require(missing.header("x-request-id")))
      // A refused token is not logged either.
      let forged = token.dropLast(4) + "AAAA"
      tokens.append(String(forged))
      let refused = try await stack.client.send("GET", "/api/v1/channels", token: String(forged))
      #expect(refused.status == 401)
    }
    let records = store.all
    #expect(!records.isEmpty)
    for id in requestIDs {
      let record = try #require(
        records.first { $0.message == "request" && $0.metadata["request_id"] == id })
      #expect(record.metadata["org_id"] != nil && record.metadata["org_id"] != "-")
      #expect(record.metadata["user_id"] == "amy")
      #expect(record.metadata["latency_ms"].flatMap { Int($0) } != nil)
      #expect(record.metadata["status"] != nil)
      #expect(record.metadata["route"]?.hasPrefix("/api/") == true)
    }
    #expect(
      records.contains {
        $0.metadata["route"] == "/api/member/v1/contacts/{contact_id}"
          && $0.metadata["status"] == "404"
      })
    for record in records {
      for token in tokens {
        #expect(!record.text.contains(token), "\(record.message)")
        // Not even the signature part of a token.
        #expect(!record.text.contains(String(token.split(separator: ".").last ?? "")))
      }
      #expect(!record.text.lowercased().contains("bearer "), "\(record.message)")
      for secret in ServiceStack.secrets { #expect(!record.text.contains(secret)) }
    }
  }
}
