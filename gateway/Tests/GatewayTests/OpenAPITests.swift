import Foundation
import Gateway
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
  /// `METHOD path` of every operation in the document's `paths` (the YAML is written in a
  /// fixed two-space layout: paths at indent 2, methods at indent 4).
  static func documentedOperations(_ text: String) -> Set<String> {
    var operations: Set<String> = []
    var inPaths = false
    var currentPath: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line == "paths:" {
        inPaths = true
        continue
      }
      guard inPaths else { continue }
      if !line.hasPrefix(" "), !line.isEmpty { break }
      if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
        currentPath = String(line.dropFirst(2).dropLast())
      } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "),
        line.hasSuffix(":")
      {
        let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
        if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) {
          operations.insert("\(method) \(path)")
        }
      }
    }
    return operations
  }

  @Test("The route table and gateway/openapi.yaml list the same routes")
  func sameRoutes() throws {
    let text = try String(contentsOfFile: RunningGateway.openAPIPath, encoding: .utf8)
    let documented = Self.documentedOperations(text)
    let served = Set(GatewayRoutes.all.routes.map { "\($0.method.rawValue) \($0.path)" })
    #expect(!served.isEmpty)
    #expect(documented.subtracting(served).sorted() == [], "documented but not served")
    #expect(served.subtracting(documented).sorted() == [], "served but not documented")
  }

  @Test("GET /openapi.yaml serves the document")
  func served() async throws {
    try await GatewayEnvironment.with { environment in
      let reply = try await environment.client.send("GET", "/openapi.yaml")
      #expect(reply.status == 200)
      let text = try String(contentsOfFile: RunningGateway.openAPIPath, encoding: .utf8)
      #expect(String(decoding: reply.body, as: UTF8.self) == text)
    }
  }
}
