import GRPCCore

/// The one error type that domain logic, storage and handlers throw for expected failures.
///
/// It maps to exactly one gRPC status (``ServiceError/Kind``) and carries a message that
/// tells the caller what to fix: for bad input the field and the reason. GRPCCore turns it
/// into the call's status because it conforms to `RPCErrorConvertible`.
public struct ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The failure classes of DESIGN.md ("Errors and bad input"), one gRPC status each.
  public enum Kind: Sendable, Hashable {
    case invalidArgument
    case notFound
    case alreadyExists
    case failedPrecondition
    case aborted
    case unauthenticated
    case permissionDenied
    case resourceExhausted
    case unavailable
    case deadlineExceeded
    case unimplemented
    case `internal`

    /// The gRPC status code of this kind.
    public var code: RPCError.Code {
      switch self {
      case .invalidArgument: .invalidArgument
      case .notFound: .notFound
      case .alreadyExists: .alreadyExists
      case .failedPrecondition: .failedPrecondition
      case .aborted: .aborted
      case .unauthenticated: .unauthenticated
      case .permissionDenied: .permissionDenied
      case .resourceExhausted: .resourceExhausted
      case .unavailable: .unavailable
      case .deadlineExceeded: .deadlineExceeded
      case .unimplemented: .unimplemented
      case .internal: .internalError
      }
    }
  }

  /// Metadata key naming the offending field of an INVALID_ARGUMENT, for machine readers.
  public static let fieldMetadataKey = "x-maac-error-field"
  /// Metadata key carrying the spec's reason code (e.g. `ORGANIZATION_NOT_FOUND`), which the
  /// gateway renders as the body's `code`.
  public static let reasonMetadataKey = "x-maac-error-reason"

  public var kind: Kind
  public var message: String
  /// The request field at fault (dotted path, e.g. `contact.email`), when there is one.
  public var field: String?
  /// The spec's reason code, when the spec names one for this failure.
  public var reason: String?

  public init(_ kind: Kind, _ message: String, field: String? = nil, reason: String? = nil) {
    self.kind = kind
    self.message = message
    self.field = field
    self.reason = reason
  }

  public var description: String { message }

  /// Bad input: `field` is the request field's path, `reason` says what is wrong with it.
  public static func invalidArgument(field: String, _ reason: String) -> ServiceError {
    ServiceError(.invalidArgument, "\(field): \(reason)", field: field)
  }

  /// A resource that does not exist — or belongs to another organization, which callers
  /// must not be able to tell apart.
  public static func notFound(_ resource: String, id: some CustomStringConvertible) -> ServiceError
  {
    ServiceError(.notFound, "\(resource) \(id) not found")
  }

  public static func alreadyExists(_ message: String, field: String? = nil) -> ServiceError {
    ServiceError(.alreadyExists, message, field: field)
  }

  public static func failedPrecondition(_ message: String) -> ServiceError {
    ServiceError(.failedPrecondition, message)
  }

  public static func permissionDenied(_ message: String) -> ServiceError {
    ServiceError(.permissionDenied, message)
  }

  public static func resourceExhausted(_ message: String) -> ServiceError {
    ServiceError(.resourceExhausted, message)
  }

  public static func unavailable(_ message: String) -> ServiceError {
    ServiceError(.unavailable, message)
  }
}

extension ServiceError: RPCErrorConvertible {
  public var rpcErrorCode: RPCError.Code { kind.code }
  public var rpcErrorMessage: String { message }
  public var rpcErrorMetadata: Metadata {
    var metadata = Metadata()
    if let field { metadata.addString(field, forKey: Self.fieldMetadataKey) }
    if let reason { metadata.addString(reason, forKey: Self.reasonMetadataKey) }
    return metadata
  }
}
