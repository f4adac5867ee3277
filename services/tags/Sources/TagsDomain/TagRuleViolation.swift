/// A request broke one of the tag manager's rules (spec/tags.md §9).
///
/// The domain never talks gRPC; the service layer maps `kind` to a status code and keeps
/// `reason` as the `google.rpc.ErrorInfo` reason, so every refusal names the field and why.
public struct TagRuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
  /// The class of failure, mapped one-to-one onto a gRPC status code by the service layer.
  public enum Kind: Sendable, Equatable {
    case invalidArgument
    case notFound
    case alreadyExists
    case failedPrecondition
    case resourceExhausted
    case permissionDenied
  }

  /// The class of failure.
  public let kind: Kind
  /// The spec's reason code, e.g. `TAG_NAME_TOO_LONG`.
  public let reason: String
  /// The request field at fault (e.g. `name`, `expiry.ttl_days`), empty when a resource is meant.
  public let field: String
  /// Human-readable text that names the field (or resource) and the reason.
  public let message: String
  /// Extra `ErrorInfo` metadata, e.g. `existing_tag_id`.
  public let metadata: [String: String]

  /// Creates a violation; `message` should start with the field name.
  public init(
    _ kind: Kind, reason: String, field: String, message: String, metadata: [String: String] = [:]
  ) {
    self.kind = kind
    self.reason = reason
    self.field = field
    self.message = message
    self.metadata = metadata
  }

  public var description: String { "\(reason): \(message)" }
}
