import NIOHTTP1
import Testing

@testable import Gateway

/// ``RouteTable/match(method:path:)`` against the real route table, without servers: the
/// matcher runs on every request, so its rules (G1, G7, G9) are checked path by path here.
@Suite("Route matching")
struct RouteMatchingTests {
  let table = GatewayRoutes.all

  private func route(_ method: HTTPMethod, _ path: String) -> (String, [String: String])? {
    guard case .route(let route, let parameters) = table.match(method: method, path: path) else {
      return nil
    }
    return ("\(route.method.rawValue) \(route.path)", parameters)
  }

  private func isNotFound(_ method: HTTPMethod, _ path: String) -> Bool {
    if case .notFound = table.match(method: method, path: path) { return true }
    return false
  }

  @Test("A template's path matches with its parameter, with or without one trailing slash (G9)")
  func matches() throws {
    let plain = try #require(route(.GET, "/api/member/v1/contacts/5"))
    #expect(plain.0 == "GET /api/member/v1/contacts/{contact_id}")
    #expect(plain.1 == ["contact_id": "5"])
    #expect(route(.GET, "/api/member/v1/contacts/5/")?.1 == ["contact_id": "5"])
    #expect(
      route(.DELETE, "/api/member/v1/contacts/5")?.0
        == "DELETE /api/member/v1/contacts/{contact_id}")
    #expect(route(.POST, "/api/member/v1/contacts")?.0 == "POST /api/member/v1/contacts")
    #expect(
      route(.POST, "/api/member/v1/contacts/search")?.0 == "POST /api/member/v1/contacts/search")
    let tag = try #require(route(.DELETE, "/api/tag/v1/contacts/5/tags/9"))
    #expect(tag.1 == ["contact_id": "5", "tag_id": "9"])
  }

  @Test("Parameters are percent-decoded; non-ASCII segments are kept; a bad escape is 404")
  func decoding() {
    #expect(route(.GET, "/api/member/v1/contacts/%35")?.1 == ["contact_id": "5"])
    #expect(route(.GET, "/api/member/v1/contacts/é")?.1 == ["contact_id": "é"])
    #expect(isNotFound(.GET, "/api/member/v1/contacts/%zz"))
    // A path no template takes is 404 for every method, never 405.
    #expect(isNotFound(.PUT, "/api/member/v1/contacts/%zz"))
  }

  @Test("Empty segments, a missing leading slash, other literals and lengths are 404 (G1, G9)")
  func notFound() {
    for path in [
      "", "/", "//", "api/member/v1/contacts/5", "/api/member/v1/contacts//5",
      "/api/member/v1//contacts/5", "/api/member/v1/contacts/5//", "/api/member/v1/contactz/5",
      "/api/member/v2/contacts/5", "/api/member/v1/contacts/5/6/7/8/9/10/11/12",
      "/API/member/v1/contacts/5",
    ] {
      #expect(isNotFound(.GET, path), "\(path)")
    }
  }

  @Test("A path served with other methods is 405 listing them in table order (G1)")
  func methodNotAllowed() {
    guard
      case .methodNotAllowed(let allowed) = table.match(
        method: .PUT, path: "/api/member/v1/contacts/5")
    else {
      Issue.record("expected 405")
      return
    }
    #expect(allowed == [.GET, .PATCH, .DELETE])
  }
}
