import ContactsDomain
import ServiceKit

/// Domain errors and reason codes as `ServiceError`s (the message names the reason code so
/// callers can tell reasons apart; the field travels in `x-maac-error-field`).
enum ServiceErrors {
  static func make(
    _ kind: DomainError.Kind, _ reason: ReasonCode, _ message: String, field: String? = nil
  )
    -> ServiceError
  {
    let serviceKind: ServiceError.Kind =
      switch kind {
      case .invalidArgument: .invalidArgument
      case .failedPrecondition: .failedPrecondition
      case .notFound: .notFound
      case .alreadyExists: .alreadyExists
      case .resourceExhausted: .resourceExhausted
      case .unavailable: .unavailable
      }
    let prefix = field.map { "\($0): " } ?? ""
    return ServiceError(
      serviceKind, "\(prefix)\(reason.rawValue): \(message)", field: field, reason: reason.rawValue)
  }

  static func from(_ error: DomainError) -> ServiceError {
    make(error.kind, error.reason, error.message, field: error.field)
  }

  static func invalid(_ reason: ReasonCode, field: String, _ message: String) -> ServiceError {
    make(.invalidArgument, reason, message, field: field)
  }

  /// Runs domain code, turning its failures into service errors.
  static func domain<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as DomainError {
      throw from(error)
    } catch let violation as FieldViolation {
      throw from(violation.asDomainError)
    }
  }
}
