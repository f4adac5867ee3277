import CLibPQ

/// Where and how to connect: the libpq connection parameters.
///
/// Accepts a URL (`postgresql://user:password@host:port/database?sslmode=disable`) or a
/// key/value string (`host=127.0.0.1 port=5432 user=app dbname=app`). Both are parsed by
/// libpq itself, so every libpq parameter works.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
  /// The parameters as libpq keywords (`host`, `port`, `user`, `password`, `dbname`, ...).
  public private(set) var parameters: [String: String]

  /// Parses a `postgres://` or `postgresql://` URL.
  public init(url: String) throws(PostgresError) {
    guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
      throw PostgresError(
        kind: .invalidConfiguration,
        message: "database URL must start with postgresql:// or postgres://")
    }
    try self.init(conninfo: url)
  }

  /// Parses a libpq connection string: a URL or `key=value` pairs.
  public init(conninfo: String) throws(PostgresError) {
    var errorMessage: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(conninfo, &errorMessage) else {
      let reason = errorMessage.map { String(cString: $0) } ?? "out of memory"
      if let errorMessage { PQfreemem(errorMessage) }
      throw PostgresError(
        kind: .invalidConfiguration,
        message: "invalid connection string: \(reason.trimmingTrailingNewlines())")
    }
    defer { PQconninfoFree(options) }
    var parameters: [String: String] = [:]
    var option = options
    while let keyword = option.pointee.keyword {
      if let value = option.pointee.val {
        parameters[String(cString: keyword)] = String(cString: value)
      }
      option += 1
    }
    self.parameters = parameters
  }

  /// Connection parameters given one by one.
  public init(
    host: String, port: Int = 5432, user: String, password: String? = nil, database: String
  ) {
    parameters = ["host": host, "port": String(port), "user": user, "dbname": database]
    if let password { parameters["password"] = password }
  }

  public var host: String? { parameters["host"] ?? parameters["hostaddr"] }
  public var port: Int? { parameters["port"].flatMap { Int($0) } }
  public var user: String? { parameters["user"] }
  public var database: String? { parameters["dbname"] }

  /// A copy with one libpq parameter set (or removed with `nil`).
  public func setting(_ keyword: String, to value: String?) -> PostgresConfiguration {
    var copy = self
    copy.parameters[keyword] = value
    return copy
  }

  /// A copy that logs in as another role.
  public func with(user: String, password: String?) -> PostgresConfiguration {
    setting("user", to: user).setting("password", to: password)
  }

  /// The key/value string handed to `PQconnectdb`, with defaults for the settings a
  /// long-running service wants (connect timeout, TCP keepalives, application name).
  var conninfo: String {
    var effective = parameters
    effective["connect_timeout"] = effective["connect_timeout"] ?? "10"
    effective["keepalives"] = effective["keepalives"] ?? "1"
    effective["keepalives_idle"] = effective["keepalives_idle"] ?? "30"
    effective["application_name"] = effective["application_name"] ?? "maac"
    return effective.sorted { $0.key < $1.key }
      .map { "\($0.key)='\(Self.escape($0.value))'" }
      .joined(separator: " ")
  }

  /// The settings with the password redacted, safe to log.
  public var description: String {
    parameters.sorted { $0.key < $1.key }
      .map { "\($0.key)=\($0.key == "password" ? "***" : $0.value)" }
      .joined(separator: " ")
  }

  private static func escape(_ value: String) -> String {
    var escaped = ""
    for character in value {
      if character == "\\" || character == "'" { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }
}

extension String {
  func trimmingTrailingNewlines() -> String {
    var text = self
    while text.last == "\n" || text.last == " " { text.removeLast() }
    return text
  }
}
