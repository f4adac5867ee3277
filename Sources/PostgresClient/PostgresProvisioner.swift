/// Creates the role and schema of a service, as a superuser (used by the launcher and tests).
///
/// The service's role logs in with a password, owns its schema, has `search_path` set to it,
/// and gets no rights on any other schema: other services' schemas are owned by their roles
/// and grant nothing to `PUBLIC`. The role is not a superuser and cannot create roles or
/// databases.
public struct PostgresProvisioner: Sendable {
  private let admin: PostgresPool

  /// - Parameter admin: a pool logged in as a superuser (or a role with CREATEROLE that owns
  ///   the database).
  public init(admin: PostgresPool) {
    self.admin = admin
  }

  /// Creates (or updates) role and schema `name`, sets the role's password, and returns the
  /// admin's configuration logged in as that role. Running it again rotates the password.
  ///
  /// - Parameter name: lower-case letters, digits and `_`, starting with a letter or `_`, at
  ///   most 63 characters (it becomes both the role and the schema name).
  @discardableResult
  public func provisionService(_ name: String, password: String) async throws
    -> PostgresConfiguration
  {
    try Self.validate(name)
    try await admin.withConnection { connection in
      let verifier = try await connection.encryptPassword(password, role: name)
      // Role and schema statements take no parameters; format() quotes on the server.
      let exists = try await !connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(name)")
        .isEmpty
      let roleStatement = try await connection.query(
        """
        SELECT format(\(exists ? "ALTER ROLE %I" : "CREATE ROLE %I")
          || ' LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
          \(name), \(verifier)) AS sql
        """)[0].decode("sql", as: String.self)
      try await connection.executeScript(roleStatement)
      let schemaStatements = try await connection.query(
        """
        SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I; '
          || 'ALTER SCHEMA %I OWNER TO %I; REVOKE ALL ON SCHEMA %I FROM PUBLIC; '
          || 'ALTER ROLE %I SET search_path TO %I',
          \(name), \(name), \(name), \(name), \(name), \(name), \(name)) AS sql
        """)[0].decode("sql", as: String.self)
      try await connection.executeScript(schemaStatements)
    }
    return admin.configuration.with(user: name, password: password)
  }

  /// Drops schema `name` with everything in it, and role `name` (tests and teardown).
  public func dropService(_ name: String) async throws {
    try Self.validate(name)
    try await admin.withConnection { connection in
      let exists = try await !connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(name)")
        .isEmpty
      let statements = try await connection.query(
        """
        SELECT format('DROP SCHEMA IF EXISTS %I CASCADE', \(name))
          || CASE WHEN \(exists) THEN format('; DROP OWNED BY %I; DROP ROLE %I', \(name), \(name))
             ELSE '' END AS sql
        """)[0].decode("sql", as: String.self)
      try await connection.executeScript(statements)
    }
  }

  static func validate(_ name: String) throws {
    let allowed = name.utf8.allSatisfy { byte in
      (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }
    guard allowed, let first = name.utf8.first,
      !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
      name.utf8.count <= 63, !name.hasPrefix("pg_")
    else {
      throw PostgresError(
        kind: .invalidConfiguration,
        message:
          "service name \"\(name)\" must be 1-63 lower-case letters, digits or _, start with a letter or _, and not start with pg_"
      )
    }
  }
}
