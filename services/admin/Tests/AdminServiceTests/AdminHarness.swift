import AdminDomain
import AdminService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit

/// A real admin center for one test: its own role and schema on the test cluster, the
/// migrations applied, served in-process on a free port over the nghttp2 transport, and the
/// generated clients connected to it.
struct AdminHarness {
  let address: HostAndPort
  let pool: PostgresPool
  let schema: String
  /// The connection the clients below share (for clients built elsewhere, e.g. contacts').
  let client: GRPCClient<NGHTTP2ClientTransport>
  let center: Maac_Admin_V1_AdminCenter.Client<NGHTTP2ClientTransport>
  let internalAPI: Maac_Admin_V1_AdminInternal.Client<NGHTTP2ClientTransport>
  let ops: Maac_Admin_V1_AdminOps.Client<NGHTTP2ClientTransport>
  let events: Maac_Admin_V1_AdminEvents.Client<NGHTTP2ClientTransport>

  /// Runs `body` against a fresh admin center; everything is dropped afterwards.
  static func run(
    credentialCallers: CredentialCallers = .standard, _ body: (AdminHarness) async throws -> Void
  ) async throws {
    try await TestDatabase.withServiceDatabase("admin_test") { database in
      let process = ServiceProcess(
        name: AdminServer.name,
        configuration: ServiceConfiguration(
          databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 4,
          logLevel: .critical))
      let pool = try await process.openDatabase(migrations: try AdminServer.migrations())
      let service = try await RunningService.start(
        process,
        services: AdminServer.services(
          process: process, pool: pool, credentialCallers: credentialCallers),
        tenancy: AdminServer.tenancy)
      do {
        try await withTestClient(to: service.address) { client in
          try await body(
            AdminHarness(
              address: service.address, pool: pool, schema: database.name, client: client,
              center: .init(wrapping: client), internalAPI: .init(wrapping: client),
              ops: .init(wrapping: client), events: .init(wrapping: client)))
        }
      } catch {
        await service.stop()
        await pool.shutdown()
        throw error
      }
      await service.stop()
      await pool.shutdown()
    }
  }

  /// Metadata of an operator (Ops calls act across organizations).
  static let operatorCaller = CallerContext(
    organizationID: nil, userID: "system:ops-test", requestID: RequestID.generate()
  ).metadata

  /// Metadata of service `service` (`system:<service>`) acting for organization `id`.
  static func service(_ service: String, organization id: Int64) -> Metadata {
    CallerContext(organizationID: id, userID: "system:\(service)", requestID: RequestID.generate())
      .metadata
  }

  /// Metadata of a user of organization `id`.
  static func tenant(_ id: Int64) -> Metadata { CallerContext.tenant(id).metadata }

  /// Provisions `document` (JSON text) with the generated client.
  func provision(_ document: String) async throws -> Maac_Admin_V1_ProvisionResponse {
    let plan = try AdminDomainBridge.plan(document)
    return try await ops.provision(
      ProvisionRequestBuilder.request(for: plan), metadata: Self.operatorCaller)
  }

  /// The events after `sequence`, exactly `count` of them, from AdminEvents/Subscribe (as
  /// an operator: every organization's). Pair with `count("outbox_events")` to prove no
  /// further event exists: the stream stays open and would wait for one.
  func events(after sequence: Int64, count: Int) async throws -> [Maac_Common_V1_EventEnvelope] {
    guard count > 0 else { return [] }
    var request = Maac_Common_V1_SubscribeRequest()
    request.afterSequence = sequence
    return try await events.subscribe(request, metadata: Self.operatorCaller) { response in
      var received: [Maac_Common_V1_EventEnvelope] = []
      for try await envelope in response.messages {
        received.append(envelope)
        if received.count == count { break }
      }
      return received
    }
  }

  /// The last event sequence written so far.
  func lastSequence() async throws -> Int64 {
    try await pool.query("SELECT last_sequence FROM outbox_sequence")[0].decode("last_sequence")
  }

  /// Rows of `table` in this test's schema (to prove what was or was not written).
  func count(_ table: String) async throws -> Int64 {
    try await pool.query("SELECT count(*) AS n FROM \(unescaped: table)")[0].decode("n")
  }
}

/// Reads a JSON provisioning document in tests.
enum AdminDomainBridge {
  struct Invalid: Error, CustomStringConvertible {
    var violations: [String]
    var description: String { violations.joined(separator: "\n") }
  }

  static func plan(_ document: String) throws -> ProvisioningPlan {
    do {
      return try ProvisioningDocument.plan(from: Array(document.utf8))
    } catch {
      throw Invalid(violations: error.violations.map(\.description))
    }
  }
}

/// Fake but well-formed credentials of every channel type; none may ever appear in a public
/// answer.
enum Secrets {
  static let lineSecret = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
  static let lineToken = "line-token-SECRET-0001"
  static let metaToken = "meta-token-SECRET-0002"
  static let metaSecret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
  static let whatsappToken = "whatsapp-token-SECRET-0003"
  static let whatsappSecret = "1234567890abcdef1234567890abcdef"
  static let smsKey = "sms-key-SECRET-0004"
  static let emailKey = "SG.email-key-SECRET-0005"
  static let webhookKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE-SECRET-0006"

  static let all = [
    lineSecret, lineToken, metaToken, metaSecret, whatsappToken, whatsappSecret, smsKey, emailKey,
    webhookKey,
  ]

  /// One organization with a channel of every type, each with credentials.
  static func document(name: String, uuidSuffix: String? = nil) -> String {
    let uuid = { (n: Int) in
      uuidSuffix.map { "\"uuid\": \"0b5e7f3a-9c2d-4e8b-a1f6-\($0)\(String(format: "%02d", n))\"," }
        ?? ""
    }
    return """
      {"organizations": [{"name": "\(name)", "channels": [
        {\(uuid(1)) "type": "line", "name": "OA", "status": "connected",
         "credentials": {"channel_secret": "\(lineSecret)", "channel_access_token": "\(lineToken)"}},
        {\(uuid(2)) "type": "facebook", "name": "Page",
         "credentials": {"access_token": "\(metaToken)", "app_secret": "\(metaSecret)"}},
        {\(uuid(3)) "type": "instagram", "name": "IG",
         "credentials": {"access_token": "\(metaToken)", "app_secret": "\(metaSecret)"}},
        {\(uuid(4)) "type": "whatsapp", "name": "WA",
         "credentials": {"phone_number_id": "1065", "business_account_id": "1022",
                         "access_token": "\(whatsappToken)", "app_secret": "\(whatsappSecret)"}},
        {\(uuid(5)) "type": "sms", "name": "SMS",
         "credentials": {"provider": "every8d", "api_key": "\(smsKey)", "sender_id": "MAAC"}},
        {\(uuid(6)) "type": "email", "name": "EDM", "email": {"brand_domain": "brand.example"},
         "credentials": {"api_key": "\(emailKey)", "webhook_verification_key": "\(webhookKey)"}}
      ], "custom_fields": [{"slot": 1, "label": "Tier"}]}]}
      """
  }
}
