/// An expected failure of a contacts rule: which status family, which reason, which field.
///
/// The RPC layer maps `kind` to a gRPC status and `reason`/`field` to `ErrorInfo`; the domain
/// never knows about gRPC.
public struct DomainError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The status family of the failure.
  public enum Kind: String, Hashable, Sendable {
    case invalidArgument
    case failedPrecondition
    case notFound
    case alreadyExists
    case resourceExhausted
    case unavailable
  }

  public var kind: Kind
  public var reason: ReasonCode
  /// The request field (or import column) at fault, when there is one.
  public var field: String?
  /// Human-readable text naming the field and the reason; never contains internals.
  public var message: String

  public init(_ kind: Kind, _ reason: ReasonCode, field: String? = nil, message: String) {
    self.kind = kind
    self.reason = reason
    self.field = field
    self.message = message
  }

  /// An `INVALID_ARGUMENT` failure for one field.
  public static func invalid(_ reason: ReasonCode, field: String, _ message: String) -> DomainError
  {
    DomainError(.invalidArgument, reason, field: field, message: message)
  }

  public var description: String {
    "\(kind) \(reason)\(field.map { " [\($0)]" } ?? ""): \(message)"
  }
}

/// One invalid field value; `INVALID_ARGUMENT` at the RPC edge, a blocking row issue in imports.
public struct FieldViolation: Error, Hashable, Sendable, CustomStringConvertible {
  public var field: String
  public var reason: ReasonCode
  public var message: String

  public init(field: String, reason: ReasonCode, message: String) {
    self.field = field
    self.reason = reason
    self.message = message
  }

  /// The same violation reported under another field name (e.g. an import column).
  public func renamed(_ field: String) -> FieldViolation {
    FieldViolation(field: field, reason: reason, message: message)
  }

  /// This violation as an `INVALID_ARGUMENT` domain error.
  public var asDomainError: DomainError { .invalid(reason, field: field, message) }

  public var description: String { "\(field): \(reason) — \(message)" }
}
