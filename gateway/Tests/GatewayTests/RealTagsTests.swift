import Foundation
import MAACTestSupport
import ServiceKit
import TagsService
import Testing

/// The gateway in front of the real tag manager (its own PostgreSQL schema, served over the
/// nghttp2 transport), as in `main`.
@Suite("Gateway → real tags service")
struct RealTagsTests {
  @Test("Tags family end to end: create, read, list; another org's tag is 404 like a missing one")
  func endToEnd() async throws {
    try await TestDatabase.withServiceDatabase("tags") { database in
      let process = ServiceProcess(
        name: "tags",
        configuration: ServiceConfiguration(
          databaseURL: database.url, databaseSchema: database.name, databasePoolSize: 4,
          logLevel: .critical))
      let pool = try await process.openDatabase(migrations: try TagManager.migrations())
      let tags = TagManager(process: process, pool: pool)
      let service = try await RunningService.start(
        process, services: tags.services, tenancy: TagManager.tenancy, background: tags.background)
      let keys = try TestSigningKeys()
      let gateway = try await RunningGateway.start(
        jwksFile: keys.jwksPath, peers: ["tags": service.address])
      do {
        let org1 = try await keys.token(TestSigningKeys.claims(org: 1))
        let org2 = try await keys.token(TestSigningKeys.claims(org: 2))
        let created = try await gateway.client.send(
          "POST", "/api/tag/v1/tags", token: org1, json: ["name": "VIP"])
        #expect(created.status == 201)
        let id = try #require(created.object["id"] as? Int)
        let read = try await gateway.client.send("GET", "/api/tag/v1/tags/\(id)", token: org1)
        #expect(read.status == 200)
        #expect(read.object["name"] as? String == "VIP")
        let foreign = try await gateway.client.send("GET", "/api/tag/v1/tags/\(id)", token: org2)
        let missing = try await gateway.client.send(
          "GET", "/api/tag/v1/tags/\(id + 1000)", token: org2)
        #expect(foreign.status == 404)
        #expect(missing.status == 404)
        #expect(foreign.object["code"] as? String == missing.object["code"] as? String)
        let list = try await gateway.client.send("GET", "/api/tag/v1/tags?limit=10", token: org1)
        #expect(list.status == 200)
        #expect(
          (list.object["results"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }.contains(id)
            == true)
        let otherList = try await gateway.client.send("GET", "/api/tag/v1/tags", token: org2)
        #expect((otherList.object["results"] as? [Any])?.isEmpty == true)
        let cdp = try await gateway.client.send("GET", "/api/cdp/v1/tags?source=maac", token: org1)
        #expect(cdp.status == 200)
        #expect((cdp.json as? [[String: Any]])?.first?["name"] as? String == "VIP")
        let duplicate = try await gateway.client.send(
          "POST", "/api/tag/v1/tags", token: org1, json: ["name": "VIP"])
        #expect([400, 409].contains(duplicate.status))
        #expect(duplicate.object["code"] is String)
      } catch {
        await gateway.stop()
        await service.stop()
        throw error
      }
      await gateway.stop()
      await service.stop()
    }
  }
}
