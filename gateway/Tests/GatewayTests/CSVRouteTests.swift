import Foundation
import Gateway
import MAACContracts
import ServiceKit
import Testing

@Suite("G13 CSV import upload and downloads")
struct CSVRouteTests {
  static func withGateway(
    _ body: (RunningGateway, TestSigningKeys, CSVUpstream) async throws -> Void
  )
    async throws
  {
    let keys = try TestSigningKeys()
    let upstream = try await CSVUpstream.start()
    // GQ6: the gateway asks admin center about the token's organization first.
    let admin = try await Fixtures.adminUpstream()
    let gateway = try await RunningGateway.start(
      jwksFile: keys.jwksPath, peers: ["contacts": upstream.address, "admin": admin.address])
    do {
      try await body(gateway, keys, upstream)
    } catch {
      await gateway.stop()
      await upstream.stop()
      await admin.stop()
      throw error
    }
    await gateway.stop()
    await upstream.stop()
    await admin.stop()
  }

  static func multipart(boundary: String, fields: [(String, String)], file: [UInt8]?) -> Data {
    var body = Data()
    for (name, value) in fields {
      body.append(
        Data(
          "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            .utf8))
    }
    if let file {
      body.append(
        Data(
          ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"contacts.csv\"\r\n"
            + "Content-Type: text/csv\r\n\r\n").utf8))
      body.append(Data(file))
      body.append(Data("\r\n".utf8))
    }
    body.append(Data("--\(boundary)--\r\n".utf8))
    return body
  }

  /// A CSV of `rows` rows (≈ 40 bytes each).
  static func csv(rows: Int) -> [UInt8] {
    var text = "email,name\n"
    for index in 0..<rows { text += "user\(index)@example.com,Name Number \(index)\n" }
    return Array(text.utf8)
  }

  @Test(
    "G13: a multipart CSV larger than 1 MiB is streamed to UploadImportFile in chunks, then CreateImportTask"
  )
  func streamedUpload() async throws {
    try await Self.withGateway { gateway, keys, upstream in
      let token = try await keys.token(TestSigningKeys.claims(org: 1))
      let file = Self.csv(rows: 120_000)  // ≈ 4.5 MiB, over the 1 MiB JSON body limit
      #expect(file.count > 4 << 20)
      let boundary = "gw-test-\(UUID().uuidString)"
      let reply = try await gateway.client.send(
        "POST", "/api/member/v1/imports", token: token,
        headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"],
        body: Self.multipart(
          boundary: boundary,
          fields: [("target", "email"), ("channel_id", "31"), ("key", "email")], file: file))
      #expect(reply.status == 202)
      #expect(reply.object["task_id"] as? Int == 501)
      // The import task answer uses the lower-case enum names of the other import routes.
      #expect(reply.object["target"] as? String == "email")
      #expect(reply.object["key"] as? String == "email")
      #expect(reply.object["status"] as? String == "pending")
      let recorded = upstream.snapshot
      #expect(recorded.uploads == [file])
      #expect(recorded.fileNames == ["contacts.csv"])
      #expect(recorded.organizations == [1])
      let sizes = try #require(recorded.chunkSizes.first)
      #expect(sizes.count > 4)
      #expect(sizes.allSatisfy { $0 <= 1 << 20 })
      let create = try #require(recorded.createRequests.first)
      #expect(create.target == .email)
      #expect(create.key == .email)
      #expect(create.channelID == 31)
      #expect(create.uploadID == 77)
    }
  }

  @Test("G13: fields after the file, and the JSON rows variant, reach CreateImportTask")
  func fieldOrderAndJSON() async throws {
    try await Self.withGateway { gateway, keys, upstream in
      let token = try await keys.token()
      let boundary = "b0undary"
      var body = Self.multipart(boundary: boundary, fields: [], file: Self.csv(rows: 3))
      // Move the closing delimiter: file first, then the fields.
      body.removeLast("--\(boundary)--\r\n".utf8.count)
      body.append(
        Data(
          ("--\(boundary)\r\nContent-Disposition: form-data; name=\"target\"\r\n\r\nline\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nphone\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"default_country\"\r\n\r\nTW\r\n"
            + "--\(boundary)--\r\n").utf8))
      let reply = try await gateway.client.send(
        "POST", "/api/member/v1/imports", token: token,
        headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: body)
      #expect(reply.status == 202)
      let json = try await gateway.client.send(
        "POST", "/api/member/v1/imports", token: token,
        json: [
          "target": "email", "channel_id": 31, "key": "email", "columns": ["email"],
          "rows": [["email": "a@example.com"], ["email": "b@example.com"]],
        ])
      #expect(json.status == 202)
      let creates = upstream.snapshot.createRequests
      #expect(creates.count == 2)
      #expect(creates.first?.target == .line)
      #expect(creates.first?.key == .phone)
      #expect(creates.first?.defaultCountry == "TW")
      #expect(
        creates.last?.rows.rows.map { $0.cells["email"] } == ["a@example.com", "b@example.com"])
      #expect(upstream.snapshot.uploads.count == 1)  // the JSON variant uploads nothing
    }
  }

  @Test("G13: no file part, an unknown field, or no boundary → 400 naming the field")
  func badForms() async throws {
    try await Self.withGateway { gateway, keys, upstream in
      let token = try await keys.token()
      let noFile = try await gateway.client.send(
        "POST", "/api/member/v1/imports", token: token,
        headers: ["Content-Type": "multipart/form-data; boundary=x1"],
        body: Self.multipart(boundary: "x1", fields: [("target", "email")], file: nil))
      #expect(noFile.status == 400)
      #expect((noFile.object["message"] as? String)?.hasPrefix("file") == true)
      let unknown = try await gateway.client.send(
        "POST", "/api/member/v1/imports", token: token,
        headers: ["Content-Type": "multipart/form-data; boundary=x2"],
        // The refusal comes at the first part; the 2.5 MiB file behind it is read and dropped,
        // so the client still gets the answer.
        body: Self.multipart(
          boundary: "x2", fields: [("colour", "red")], file: Self.csv(rows: 60_000)))
      #expect(unknown.status == 400)
      #expect((unknown.object["message"] as? String)?.hasPrefix("colour") == true)
      let noBoundary = try await gateway.client.send(
        "POST", "/api/member/v1/imports", token: token,
        headers: ["Content-Type": "text/csv"], body: Data("email\n".utf8))
      #expect(noBoundary.status == 400)
      // The connection that dropped a body still serves (URLSession reuses keep-alive ones).
      #expect(
        try await gateway.client.send("GET", "/api/member/v1/import-templates/email", token: token)
          .status == 200)
      #expect((noBoundary.object["message"] as? String)?.hasPrefix("content-type") == true)
      // Without a token nothing is read or forwarded.
      let anonymous = try await gateway.client.send(
        "POST", "/api/member/v1/imports",
        headers: ["Content-Type": "multipart/form-data; boundary=x3"],
        body: Self.multipart(boundary: "x3", fields: [], file: Self.csv(rows: 10)))
      #expect(anonymous.status == 401)
      #expect(upstream.snapshot.createRequests.isEmpty)
      #expect(upstream.snapshot.uploads.isEmpty)
    }
  }

  @Test("G13: the export file downloads as text/csv; not ready → 400, another org's → 404")
  func exportDownload() async throws {
    try await Self.withGateway { gateway, keys, _ in
      let org1 = try await keys.token(TestSigningKeys.claims(org: 1))
      let file = try await gateway.client.send(
        "GET", "/api/member/v1/exports/9/file", token: org1)
      #expect(file.status == 200)
      #expect([UInt8](file.body) == CSVUpstream.exportCSV)
      #expect(file.header("content-type") == "text/csv; charset=utf-8")
      #expect(file.header("content-disposition")?.contains("contacts-export-9.csv") == true)
      #expect(file.header("x-request-id")?.count == 32)
      // Streamed: chunked encoding, no length known up front.
      #expect(file.header("content-length") == nil)
      let notReady = try await gateway.client.send(
        "GET", "/api/member/v1/exports/10/file", token: org1)
      #expect(notReady.status == 400)
      #expect(notReady.header("content-type") == "application/json; charset=utf-8")
      let org2 = try await keys.token(TestSigningKeys.claims(org: 2))
      let foreign = try await gateway.client.send(
        "GET", "/api/member/v1/exports/9/file", token: org2)
      #expect(foreign.status == 404)
      let badID = try await gateway.client.send(
        "GET", "/api/member/v1/exports/x/file", token: org1)
      #expect(badID.status == 400)
    }
  }

  @Test("G13: the import template of a target downloads as text/csv")
  func importTemplate() async throws {
    try await Self.withGateway { gateway, keys, _ in
      let token = try await keys.token()
      let template = try await gateway.client.send(
        "GET", "/api/member/v1/import-templates/email", token: token)
      #expect(template.status == 200)
      #expect(String(decoding: template.body, as: UTF8.self) == "target=2,email\n")
      let unknown = try await gateway.client.send(
        "GET", "/api/member/v1/import-templates/fax", token: token)
      #expect(unknown.status == 400)
    }
  }

  @Test("G13: a download failing after its first chunk is cut short (the client sees an error)")
  func downloadCutShort() async throws {
    try await Self.withGateway { gateway, keys, _ in
      let token = try await keys.token()
      // The response was under way (200, first chunk sent) when the RPC failed: the gateway
      // closes the connection without the last chunk, which the client reports as an error.
      await #expect(throws: (any Error).self) {
        _ = try await gateway.client.send("GET", "/api/member/v1/exports/11/file", token: token)
      }
      // The gateway still serves.
      let template = try await gateway.client.send(
        "GET", "/api/member/v1/import-templates/line", token: token)
      #expect(template.status == 200)
    }
  }

  @Test("G13: downloads over h2c arrive whole (curl --http2-prior-knowledge)")
  func downloadOverH2C() async throws {
    try await Self.withGateway { gateway, keys, _ in
      let token = try await keys.token()
      let curl = CurlHTTP2Client(base: "http://127.0.0.1:\(gateway.port)")
      let file = try await curl.send("GET", "/api/member/v1/exports/9/file", token: token)
      #expect(file.httpVersion == "HTTP/2")
      #expect(file.status == 200)
      #expect([UInt8](file.body) == CSVUpstream.exportCSV)
      #expect(file.header("content-type") == "text/csv; charset=utf-8")
      let missing = try await curl.send("GET", "/api/member/v1/exports/12/file", token: token)
      #expect(missing.status == 404)
    }
  }
  @Test("G13: over h2c a body above 1 MiB is refused 413 naming the limit, nothing forwarded")
  func h2cBodyLimit() async throws {
    try await Self.withGateway { gateway, keys, upstream in
      let token = try await keys.token()
      // 1 MiB + 1 of JSON rows; curl reads it from a file (`@path`: one argument is limited).
      let rows = String(repeating: #"["a@example.com"],"#, count: (1 << 20) / 18 + 1)
      let body =
        #"{"target":"email","key":"email","columns":["email"],"rows":["#
        + rows.dropLast() + "]}"
      #expect(body.utf8.count > 1 << 20)
      let file = FileManager.default.temporaryDirectory.appendingPathComponent(
        "h2c-limit-\(UUID().uuidString).json")
      try Data(body.utf8).write(to: file)
      defer { try? FileManager.default.removeItem(at: file) }
      let curl = CurlHTTP2Client(base: "http://127.0.0.1:\(gateway.port)")
      let reply = try await curl.send(
        "POST", "/api/member/v1/imports", token: token, json: "@\(file.path)")
      #expect(reply.httpVersion == "HTTP/2")
      #expect(reply.status == 413)
      #expect(String(decoding: reply.body, as: UTF8.self).contains("exceeds 1 MiB"))
      #expect(upstream.snapshot.createRequests.isEmpty)
    }
  }
}
