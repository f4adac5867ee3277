import PostgresClient
import Testing

@Suite("PostgresConfiguration")
struct PostgresConfigurationTests {
  @Test("parses a URL")
  func parsesURL() throws {
    let configuration = try PostgresConfiguration(
      url: "postgresql://svc:s3cret@127.0.0.1:6543/maac?sslmode=disable")
    #expect(configuration.host == "127.0.0.1")
    #expect(configuration.port == 6543)
    #expect(configuration.user == "svc")
    #expect(configuration.database == "maac")
    #expect(configuration.parameters["sslmode"] == "disable")
    #expect(!configuration.description.contains("s3cret"))
  }

  @Test("parses key/value conninfo")
  func parsesConninfo() throws {
    let configuration = try PostgresConfiguration(
      conninfo: "host=db.local port=5433 user=app dbname=appdb password='a b'")
    #expect(configuration.host == "db.local")
    #expect(configuration.port == 5433)
    #expect(configuration.parameters["password"] == "a b")
  }

  @Test("refuses a malformed connection string with a reason")
  func refusesMalformed() {
    #expect(throws: PostgresError.self) {
      try PostgresConfiguration(url: "mysql://x@y/z")
    }
    do {
      _ = try PostgresConfiguration(conninfo: "host=a nosuchkeyword=1")
      Issue.record("accepted an unknown keyword")
    } catch {
      #expect(error.kind == .invalidConfiguration)
      #expect(error.message.contains("nosuchkeyword"))
    }
  }

  @Test("a connection to a closed port fails as connectionFailed")
  func connectionFailure() async throws {
    let configuration = PostgresConfiguration(
      host: "127.0.0.1", port: 1, user: "nobody", database: "none")
    do {
      _ = try await PostgresConnection.connect(configuration: configuration)
      Issue.record("connected to port 1")
    } catch let error as PostgresError {
      #expect(error.kind == .connectionFailed)
      #expect(error.isConnectionFailure)
    }
  }

  @Test("interpolation binds values as $n and quotes identifiers")
  func interpolation() {
    let table = "odd\"name"
    let name = "x'; DROP TABLE t; --"
    let limit: Int64? = nil
    let query: PostgresQuery =
      "SELECT * FROM \(identifier: table) WHERE name = \(name) LIMIT \(limit) \(unescaped: "-- ok")"
    #expect(query.sql == "SELECT * FROM \"odd\"\"name\" WHERE name = $1 LIMIT $2 -- ok")
    #expect(query.bindings.count == 2)
    #expect(!query.description.contains("DROP"))
  }
}
