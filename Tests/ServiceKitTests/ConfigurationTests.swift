import Testing

@testable import ServiceKit

@Suite("Configuration")
struct ConfigurationTests {
  @Test("host:port parsing accepts IPv4, names and bracketed IPv6, refuses the rest")
  func hostAndPort() {
    #expect(HostAndPort(parsing: "127.0.0.1:8080") == HostAndPort(host: "127.0.0.1", port: 8080))
    #expect(HostAndPort(parsing: "localhost:0") == HostAndPort(host: "localhost", port: 0))
    #expect(HostAndPort(parsing: "[::1]:9") == HostAndPort(host: "::1", port: 9))
    #expect(HostAndPort(parsing: "[::1]:9")?.description == "[::1]:9")
    for bad in ["", "host", ":80", "host:", "host:65536", "host:-1", "::1:80", "[::1]80", "[::1"] {
      #expect(HostAndPort(parsing: bad) == nil, "\(bad) must be refused")
    }
  }

  @Test("a flag wins over its environment variable")
  func flagsOverrideEnvironment() throws {
    let source = try ConfigurationSource(
      arguments: ["--listen", "127.0.0.1:7001", "--database-pool-size=4"],
      environment: ["MAAC_LISTEN": "127.0.0.1:9", "MAAC_DATABASE_URL": "postgresql://x"]
    )
    let configuration = try ServiceConfiguration(from: source)
    #expect(configuration.listen == HostAndPort(host: "127.0.0.1", port: 7001))
    #expect(configuration.databasePoolSize == 4)
    #expect(configuration.databaseURL == "postgresql://x")
    #expect(configuration.logLevel == .info)
  }

  @Test("peers come from repeatable flags and a comma-separated variable")
  func peers() throws {
    let source = try ConfigurationSource(
      arguments: ["--peer", "tags=127.0.0.1:7002"],
      environment: ["MAAC_PEER": "admin=127.0.0.1:7007,cdh=[::1]:7003"]
    )
    let configuration = try ServiceConfiguration(from: source)
    #expect(configuration.peers.count == 3)
    #expect(try configuration.peer("cdh") == HostAndPort(host: "::1", port: 7003))
    #expect(throws: ConfigurationError.self) { try configuration.peer("journey") }
  }

  @Test("bad values are refused naming the setting and the reason")
  func badValues() throws {
    func error(_ arguments: [String], _ environment: [String: String] = [:]) -> ConfigurationError?
    {
      do {
        _ = try ServiceConfiguration(
          from: ConfigurationSource(arguments: arguments, environment: environment))
        return nil
      } catch {
        return error
      }
    }
    #expect(error(["--listen", "nowhere"])?.setting == "--listen / MAAC_LISTEN")
    #expect(error(["--listen", "nowhere"])?.reason.contains("host:port") == true)
    #expect(
      error([], ["MAAC_DATABASE_POOL_SIZE": "0"])?.setting.contains("MAAC_DATABASE_POOL_SIZE")
        == true)
    #expect(error(["--log-level", "loud"])?.reason.contains("loud") == true)
    #expect(error(["--peer", "tags"])?.reason.contains("NAME=host:port") == true)
    #expect(error(["--listen"])?.reason == "needs a value")
    #expect(error(["stray"])?.reason == "unexpected argument")
    #expect(error([]) == nil)
  }

  @Test("a service that stores data needs a database URL")
  func requiredDatabaseURL() throws {
    let configuration = ServiceConfiguration()
    #expect(throws: ConfigurationError.self) { try configuration.requiredDatabaseURL() }
  }
}
