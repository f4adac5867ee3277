import AdminDomain
import GRPCCore
import ServiceKit

/// The errors admin center answers, with the spec's reason code (spec §5.5) in the
/// `x-maac-error-reason` trailer so the gateway can render `{"code": ..., "message": ...}`.
public enum AdminError {
  /// Trailer key carrying the reason code (e.g. `CHANNEL_NOT_FOUND`).
  public static let reasonMetadataKey = ServiceError.reasonMetadataKey

  static func error(
    _ code: RPCError.Code, reason: String, _ message: String, field: String? = nil
  ) -> RPCError {
    var metadata: Metadata = [reasonMetadataKey: .string(reason)]
    if let field { metadata.addString(field, forKey: ServiceError.fieldMetadataKey) }
    return RPCError(code: code, message: message, metadata: metadata)
  }

  /// A1: the same status and message whether the channel is missing or another
  /// organization's.
  public static func channelNotFound() -> RPCError {
    error(.notFound, reason: "CHANNEL_NOT_FOUND", "Channel not found")
  }

  /// GetChannelCredentials: the channel exists but has no stored credentials.
  public static func credentialsNotSet() -> RPCError {
    error(
      .failedPrecondition, reason: "CHANNEL_CREDENTIALS_NOT_SET",
      "The channel has no credentials set")
  }

  /// GetChannelCredentials on an email channel: its secrets leave admin center only through
  /// GetEmailProviderCredentials, to the email service (R7).
  public static func emailCredentialsElsewhere() -> RPCError {
    error(
      .failedPrecondition, reason: "INVALID_REQUEST",
      "The channel is an email channel: its credentials are served by "
        + "GetEmailProviderCredentials")
  }

  /// A caller that may not receive secrets (spec §5.5 `FORBIDDEN`: a role check, never a
  /// cross-organization answer).
  public static func forbidden(_ message: String) -> RPCError {
    error(.permissionDenied, reason: "FORBIDDEN", message)
  }

  /// An organization admin center does not know: refused, never treated as a tenant.
  public static func organizationNotFound(_ id: Int64) -> RPCError {
    error(
      .notFound, reason: "ORGANIZATION_NOT_FOUND",
      "organization \(id) is not known to admin center")
  }

  /// Bad input: every violation in the message, the first one's field in the trailer.
  public static func invalid(_ failure: ValidationFailure) -> RPCError {
    error(
      .invalidArgument, reason: "BAD_REQUEST", failure.description,
      field: failure.violations.first?.field)
  }

  public static func invalid(field: String, _ reason: String) -> RPCError {
    invalid(ValidationFailure([FieldViolation(field: field, reason: reason)]))
  }

  /// A uuid that already names an organization or channel.
  public static func alreadyExists(_ violations: [FieldViolation]) -> RPCError {
    error(
      .alreadyExists, reason: "ALREADY_EXISTS",
      violations.map(\.description).joined(separator: "; "), field: violations.first?.field)
  }

  /// An RPC of the contract that arrives with a later part of admin center.
  public static func notYetImplemented(_ method: String, part: String) -> RPCError {
    error(
      .unimplemented, reason: "UNIMPLEMENTED",
      "\(method) is not implemented yet: it arrives with admin center's \(part)")
  }
}
