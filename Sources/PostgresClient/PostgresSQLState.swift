/// A five-character SQLSTATE code reported by PostgreSQL (see the PostgreSQL manual,
/// appendix "PostgreSQL Error Codes").
///
/// The common codes are named as static constants so callers write
/// `error.sqlState == .uniqueViolation` instead of comparing strings.
public struct PostgresSQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public var rawValue: String

  public init(rawValue: String) {
    self.rawValue = rawValue
  }

  public init(_ code: String) {
    self.rawValue = code
  }

  /// The two-character class, e.g. `23` for integrity constraint violations.
  public var errorClass: Substring { rawValue.prefix(2) }

  public var description: String { rawValue }

  // MARK: Class 23: integrity constraint violation

  public static let integrityConstraintViolation = PostgresSQLState("23000")
  public static let notNullViolation = PostgresSQLState("23502")
  public static let foreignKeyViolation = PostgresSQLState("23503")
  public static let uniqueViolation = PostgresSQLState("23505")
  public static let checkViolation = PostgresSQLState("23514")
  public static let exclusionViolation = PostgresSQLState("23P01")

  // MARK: Class 40: transaction rollback

  public static let serializationFailure = PostgresSQLState("40001")
  public static let deadlockDetected = PostgresSQLState("40P01")

  // MARK: Class 42: syntax error or access rule violation

  public static let insufficientPrivilege = PostgresSQLState("42501")
  public static let syntaxError = PostgresSQLState("42601")
  public static let undefinedTable = PostgresSQLState("42P01")
  public static let undefinedColumn = PostgresSQLState("42703")
  public static let undefinedFunction = PostgresSQLState("42883")
  public static let duplicateTable = PostgresSQLState("42P07")
  public static let duplicateObject = PostgresSQLState("42710")

  // MARK: Class 22: data exception

  public static let invalidTextRepresentation = PostgresSQLState("22P02")
  public static let numericValueOutOfRange = PostgresSQLState("22003")
  public static let stringDataRightTruncation = PostgresSQLState("22001")
  public static let invalidBinaryRepresentation = PostgresSQLState("22P03")

  // MARK: Classes 08, 53, 57: connection, resources, operator intervention

  public static let connectionException = PostgresSQLState("08000")
  public static let tooManyConnections = PostgresSQLState("53300")
  public static let queryCanceled = PostgresSQLState("57014")
  public static let adminShutdown = PostgresSQLState("57P01")
  public static let crashShutdown = PostgresSQLState("57P02")
  public static let cannotConnectNow = PostgresSQLState("57P03")

  // MARK: Class 25: invalid transaction state

  public static let inFailedSQLTransaction = PostgresSQLState("25P02")
  public static let readOnlySQLTransaction = PostgresSQLState("25006")

  /// Whether the code belongs to class 23 (a constraint rejected the change).
  public var isIntegrityConstraintViolation: Bool { errorClass == "23" }

  /// Whether retrying the whole transaction may succeed (serialization failure, deadlock).
  public var isRetryableTransactionFailure: Bool {
    self == .serializationFailure || self == .deadlockDetected
  }

  /// Whether the code says the connection or the server went away.
  public var isConnectionFailure: Bool {
    errorClass == "08" || self == .adminShutdown || self == .crashShutdown
      || self == .cannotConnectNow
  }
}
