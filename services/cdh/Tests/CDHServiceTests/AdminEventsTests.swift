import AdminService
import CdhService
import Foundation
import GRPCCore
import GRPCNGHTTP2Transport
import MAACContracts
import MAACTestSupport
import PostgresClient
import ServiceKit
import SwiftProtobuf
import Testing

/// The real admin center (the `AdminService` library) served in-process on its own schema.
struct AdminCenter {
  let service: RunningService
  let pool: PostgresPool

  static let operatorCaller = CallerContext(
    organizationID: nil, userID: "system:cdh-test", requestID: "cdh-test"
  ).metadata

  static func with(_ body: (AdminCenter) async throws -> Void) async throws {
    try await TestDatabase.withServiceDatabase("cdhadmin") { database in
      let process = ServiceProcess(
        name: AdminServer.name,
        configuration: ServiceConfiguration(
          databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 4,
          logLevel: .error))
      let pool = try await process.openDatabase(migrations: try AdminServer.migrations())
      let service = try await RunningService.start(
        process, services: AdminServer.services(process: process, pool: pool),
        tenancy: AdminServer.tenancy)
      do {
        try await body(AdminCenter(service: service, pool: pool))
      } catch {
        await service.stop()
        await pool.shutdown()
        throw error
      }
      await service.stop()
      await pool.shutdown()
    }
  }

  /// The last sequence admin center published.
  func lastSequence() async throws -> Int64 {
    try await pool.query("SELECT last_sequence FROM outbox_sequence")[0].decode(
      "last_sequence", as: Int64.self)
  }
}

@Suite("CDH following the real admin center")
struct AdminEventsTests {
  @Test(
    "U1, U6, U12, issue #9: admin's organization.updated provisions the org's scope with its uuid, name and country; phones normalise with the admin region; unknown organizations are refused by RPC and in events"
  )
  func followsOrganizations() async throws {
    try await AdminCenter.with { adminCenter in
      try await CDHTestEnvironment.with { env in
        let uuid = "5f0c2a9e-1b7d-4c3e-9a8f-0d6e4b2c1a77"
        let organization = try await withTestClient(to: adminCenter.service.address) { client in
          try await Maac_Admin_V1_AdminOps.Client(wrapping: client).createOrganization(
            .with {
              $0.name = "Acme Japan"
              $0.uuid = uuid
              $0.region = .jp
            }, metadata: AdminCenter.operatorCaller)
        }
        let org = organization.id
        let taiwan = try await withTestClient(to: adminCenter.service.address) { client in
          try await Maac_Admin_V1_AdminOps.Client(wrapping: client).createOrganization(
            .with {
              $0.name = "Acme Taiwan"
              $0.region = .tw
            }, metadata: AdminCenter.operatorCaller)
        }.id
        let cdh = try await env.startCDH(admin: adminCenter.service.address)
        do {
          try await CDHTestEnvironment.waitForCursor(
            cdh.pool, producer: "admin", sequence: try await adminCenter.lastSequence())
          try await withTestClient(to: cdh.service.address) { client in
            let settingsClient = Maac_Cdh_V1_UnifySettingsService.Client(wrapping: client)
            // U1: the scope exists before any contact or RPC mentioned the org.
            let provisioned = try await cdh.pool.query(
              "SELECT org_uuid, name, default_country FROM org_unify_scope WHERE organization_id = \(org)"
            )
            #expect(provisioned.count == 1)
            #expect(try provisioned.first?.decode("org_uuid", as: String?.self) == uuid)
            #expect(try provisioned.first?.decode("default_country", as: String.self) == "JP")
            let settings = try await settingsClient.getUnifySettings(.init(), metadata: admin(org))
            #expect(settings.orgs.map(\.name) == ["Acme Japan"])
            #expect(settings.orgs.map(\.orgUuid) == [uuid])
            // U6: the uuid ConnectOrgs joins by is known (ListScopeOrgs = legacy GET /org).
            let byUUID = try await settingsClient.listScopeOrgs(
              .with { $0.orgUuid = uuid }, metadata: admin(org))
            #expect(byUUID.orgs.map(\.orgID) == [org])
            // Admin center's org uuids are unique, so a MAAC org has no MAAC sibling: the
            // refusal names the reason.
            let refused = await #expect(throws: RPCError.self) {
              _ = try await settingsClient.connectOrgs(.init(), metadata: admin(org))
            }
            #expect(refused?.code == .failedPrecondition)
            #expect(refused?.message.contains("no other org shares this org_uuid") == true)

            // U12 with the org's country: a local and an international Japanese number match.
            _ = try await CDHServiceTests.setKeys([.displayMobile], org: org, client: client)
            try await env.publishContact(
              "contact.created", org: org, contact: 1,
              changes: [CDHTestEnvironment.change("display_mobile", "090-1234-5678", at: 10)])
            let second = try await env.publishContact(
              "contact.created", org: org, contact: 2,
              changes: [CDHTestEnvironment.change("display_mobile", "+81 90 1234 5678", at: 11)])
            try await CDHTestEnvironment.waitForCursor(
              cdh.pool, producer: "contacts", sequence: second)
            #expect(try await CDHServiceTests.members(1, org: org, client: client) == [1, 2])

            // The same two numbers in a Taiwanese org (admin region TW): 090... is +886 90...
            _ = try await CDHServiceTests.setKeys([.displayMobile], org: taiwan, client: client)
            try await env.publishContact(
              "contact.created", org: taiwan, contact: 11,
              changes: [CDHTestEnvironment.change("display_mobile", "090-1234-5678", at: 10)])
            let twelfth = try await env.publishContact(
              "contact.created", org: taiwan, contact: 12,
              changes: [CDHTestEnvironment.change("display_mobile", "+81 90 1234 5678", at: 11)])
            try await CDHTestEnvironment.waitForCursor(
              cdh.pool, producer: "contacts", sequence: twelfth)
            #expect(try await CDHServiceTests.members(11, org: taiwan, client: client) == [11])
            #expect(try await CDHServiceTests.members(12, org: taiwan, client: client) == [12])

            // Issue #9: an organization admin center does not know is refused everywhere.
            let unknown: Int64 = 987_654
            let rpc = await #expect(throws: RPCError.self) {
              _ = try await settingsClient.getUnifySettings(.init(), metadata: admin(unknown))
            }
            #expect(rpc?.code == .notFound)
            #expect(
              rpc?.metadata[stringValues: ServiceError.reasonMetadataKey].first(where: { _ in true }
              )
                == "ORGANIZATION_NOT_FOUND")
            // Its contact event is set aside (dead letter, nothing provisioned) and does not
            // block the stream: the known org's next event is applied.
            let stranger = try await env.publishContact(
              "contact.created", org: unknown, contact: 500,
              changes: [CDHTestEnvironment.change("display_mobile", "090-1234-5678", at: 12)])
            let after = try await env.publishContact(
              "contact.created", org: org, contact: 3,
              changes: [CDHTestEnvironment.change("display_mobile", "09012345678", at: 13)])
            try await CDHTestEnvironment.waitForCursor(
              cdh.pool, producer: "contacts", sequence: after)
            #expect(try await CDHServiceTests.members(3, org: org, client: client) == [1, 2, 3])
            let parked = try await cdh.pool.query(
              "SELECT organization_id FROM event_dead_letters WHERE producer = 'contacts' AND sequence = \(stranger)"
            )
            #expect(
              try parked.map { try $0.decode("organization_id", as: Int64.self) } == [unknown])
            let strangerScopes = try await cdh.pool.query(
              "SELECT count(*) AS n FROM org_unify_scope WHERE organization_id = \(unknown)")
            #expect(try strangerScopes[0].decode("n", as: Int64.self) == 0)
            let entities = try await cdh.pool.query(
              "SELECT count(*) AS n FROM channel_entity WHERE member_id = 500")
            #expect(try entities[0].decode("n", as: Int64.self) == 0)
          }
        } catch {
          await cdh.service.stop()
          throw error
        }
        await cdh.service.stop()
        await cdh.runtime.idle()
        await cdh.pool.shutdown()
      }
    }
  }
}
