import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A real HTTP/1.1 client (URLSession over sockets) for driving the gateway.
struct HTTPTestClient {
  let base: String

  struct Reply {
    var status: Int
    var headers: [String: String]
    var body: Data
    var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    func header(_ name: String) -> String? {
      headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
  }

  static let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 60
    configuration.httpShouldSetCookies = false
    return URLSession(configuration: configuration)
  }()

  func send(
    _ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:],
    json: Any? = nil,
    body: Data? = nil
  ) async throws -> Reply {
    var request = URLRequest(url: URL(string: base + path)!)
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    if let json {
      request.httpBody = try JSONSerialization.data(withJSONObject: json)
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    } else if let body {
      request.httpBody = body
    }
    let (data, response) = try await Self.session.data(for: request)
    let http = response as! HTTPURLResponse
    var replyHeaders: [String: String] = [:]
    for (key, value) in http.allHeaderFields { replyHeaders["\(key)"] = "\(value)" }
    return Reply(status: http.statusCode, headers: replyHeaders, body: data)
  }
}
