import Foundation
import Gateway
import MAACContracts
import Testing

/// G14: internal surfaces are never routed.
@Suite("G14: internal surfaces")
struct InternalSurfaceTests {
  /// The only services a REST route may call (`gateway.md` §5).
  static let publicServices: Set<String> = [
    Maac_Admin_V1_AdminCenter.descriptor.fullyQualifiedService,
    Maac_Cdh_V1_UnifySettingsService.descriptor.fullyQualifiedService,
    Maac_Contacts_V1_Contacts.descriptor.fullyQualifiedService,
    Maac_Tags_V1_TagManagerService.descriptor.fullyQualifiedService,
  ]

  @Test(
    "G14: every route calls a public service; no Ops, Internal, Ingest, Testing or Subscribe RPC")
  func routeTable() {
    let routes = GatewayRoutes.all.routes
    #expect(!routes.isEmpty)
    for route in routes {
      #expect(
        Self.publicServices.contains(route.rpc.service.fullyQualifiedService),
        "\(route.method) \(route.path) → \(route.rpc.fullyQualifiedMethod)")
      #expect(route.rpc.method != "Subscribe", "\(route.path)")
      #expect(!route.path.hasPrefix("/internal/"), "\(route.path)")
    }
  }

  @Test("G14: internal paths, CDH internal endpoints and gRPC method paths over HTTP/1.1 → 404")
  func internalPathsAre404() async throws {
    // G1 decides before anything is forwarded: no service is needed to prove a 404.
    try await GatewayEnvironment.with { environment in
      let token = try await environment.keys.token()
      let paths: [(String, String)] = [
        ("GET", "/internal/health"),
        ("POST", "/internal/admin/organizations"),
        // CDH internal HTTP endpoints (gateway.md §6 rows 21–33).
        ("GET", "/member/maac/1/unified_channel_entity"),
        ("GET", "/member/maac/unified_channel_entities?member_ids=1"),
        ("GET", "/member/maac/1/contact_profile"),
        ("PATCH", "/member/maac/1/contact_profile"),
        ("GET", "/unify_scope_setting/maac/1"),
        ("POST", "/unify_scope_setting/"),
        ("PUT", "/unify_scope_setting/1/unify_keys"),
        ("PATCH", "/unify_scope_setting/1/orgs"),
        ("GET", "/member/maac/1/tags"),
        ("POST", "/member/import/"),
        ("GET", "/org?org_uuid=x"),
        ("POST", "/member/maac/1/move_subgraph"),
        ("POST", "/member/maac/tag/_bulk"),
        // gRPC method paths of internal and ops services.
        ("POST", "/maac.admin.v1.AdminOps/CreateOrganization"),
        ("POST", "/maac.admin.v1.AdminInternal/GetChannelCredentials"),
        ("POST", "/maac.contacts.v1.ContactsIngest/IngestChannelEvents"),
        ("POST", "/maac.contacts.v1.ContactsEvents/Subscribe"),
        ("POST", "/maac.admin.v1.AdminTesting/Reset"),
      ]
      for (method, path) in paths {
        let reply = try await environment.client.send(
          method, path, token: token, json: method == "GET" ? nil : [String: Any]())
        #expect(reply.status == 404, "\(method) \(path)")
        #expect(
          reply.object as? [String: String] == ["code": "NOT_FOUND", "message": "Route not found"],
          "\(method) \(path)")
      }
      #expect(environment.totalCalls == 0)
    }
  }
}
