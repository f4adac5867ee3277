/// An expected failure of a domain rule, carrying the status class, the offending field and
/// the spec's message (cdh.md §7). RPC handlers map it one-to-one onto a gRPC status.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The status class of the failure.
  public enum Kind: String, Sendable, Equatable {
    case invalidArgument
    case failedPrecondition
    case notFound
    case resourceExhausted
    case permissionDenied
  }

  public var kind: Kind
  /// The request field at fault (e.g. `unify_keys[1].attribute`), empty when none applies.
  public var field: String
  /// The stable message of cdh.md §7.
  public var message: String

  public init(kind: Kind, field: String, message: String) {
    self.kind = kind
    self.field = field
    self.message = message
  }

  public static func invalidArgument(field: String, _ message: String) -> DomainError {
    DomainError(kind: .invalidArgument, field: field, message: message)
  }

  public static func failedPrecondition(_ message: String, field: String = "") -> DomainError {
    DomainError(kind: .failedPrecondition, field: field, message: message)
  }

  public static func notFound(_ message: String, field: String = "") -> DomainError {
    DomainError(kind: .notFound, field: field, message: message)
  }

  public static func resourceExhausted(_ message: String) -> DomainError {
    DomainError(kind: .resourceExhausted, field: "", message: message)
  }

  public var description: String {
    field.isEmpty ? "\(kind): \(message)" : "\(kind): \(field): \(message)"
  }
}
