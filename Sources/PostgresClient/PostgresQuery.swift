/// SQL text with its bound parameters.
///
/// Write queries with string interpolation; every interpolated value becomes a bound
/// parameter (`$1`, `$2`, ...), never SQL text:
///
/// ```swift
/// let rows = try await pool.query(
///   "SELECT id, name FROM contacts WHERE organization_id = \(orgID) AND name = \(name)")
/// ```
///
/// Identifiers (schema, table and column names) cannot be parameters; interpolate them with
/// `\(identifier: name)`, which quotes them. `\(unescaped: sql)` inserts trusted SQL text.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
  public var sql: String
  public var bindings: PostgresBindings

  /// A statement from SQL text and bindings numbered `$1`... in `sql`.
  public init(unsafeSQL sql: String, bindings: PostgresBindings = PostgresBindings()) {
    self.sql = sql
    self.bindings = bindings
  }

  /// A statement from SQL text with `$1`, `$2`, ... placeholders and their values.
  public init(_ sql: String, _ parameters: [(any PostgresEncodable)?]) {
    var bindings = PostgresBindings()
    for parameter in parameters { bindings.append(parameter) }
    self.init(unsafeSQL: sql, bindings: bindings)
  }

  public init(stringLiteral value: String) {
    self.init(unsafeSQL: value)
  }

  public init(stringInterpolation: StringInterpolation) {
    self.init(unsafeSQL: stringInterpolation.sql, bindings: stringInterpolation.bindings)
  }

  /// The SQL text and the number of parameters (values are not shown: they may be secrets).
  public var description: String { "\(sql) [\(bindings.count) parameters]" }

  public struct StringInterpolation: StringInterpolationProtocol {
    var sql: String
    var bindings = PostgresBindings()

    public init(literalCapacity: Int, interpolationCount: Int) {
      sql = ""
      sql.reserveCapacity(literalCapacity + interpolationCount * 3)
    }

    public mutating func appendLiteral(_ literal: String) {
      sql += literal
    }

    /// Binds `value` as the next parameter.
    public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T) {
      bindings.append(value)
      sql += "$\(bindings.count)"
    }

    /// Binds a type-erased value (`nil` is an untyped NULL).
    public mutating func appendInterpolation(_ value: (any PostgresEncodable)?) {
      bindings.append(value)
      sql += "$\(bindings.count)"
    }

    /// Inserts `name` as a quoted SQL identifier.
    public mutating func appendInterpolation(identifier name: String) {
      sql += PostgresQuery.quoteIdentifier(name)
    }

    /// Inserts trusted SQL text as is. Never pass user input here.
    public mutating func appendInterpolation(unescaped text: String) {
      sql += text
    }
  }

  /// `name` as a double-quoted identifier (embedded quotes doubled).
  public static func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
