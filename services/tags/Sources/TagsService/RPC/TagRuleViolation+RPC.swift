import GRPCCore
import ServiceKit
import TagsDomain

extension TagRuleViolation: RPCErrorConvertible {
  /// Metadata key carrying the spec's reason code (tags.md §9), next to ServiceKit's field key.
  public static let reasonMetadataKey = "x-maac-error-reason"

  public var rpcErrorCode: RPCError.Code {
    switch kind {
    case .invalidArgument: .invalidArgument
    case .notFound: .notFound
    case .alreadyExists: .alreadyExists
    case .failedPrecondition: .failedPrecondition
    case .resourceExhausted: .resourceExhausted
    case .permissionDenied: .permissionDenied
    }
  }

  public var rpcErrorMessage: String { message }

  public var rpcErrorMetadata: Metadata {
    var metadata: Metadata = [Self.reasonMetadataKey: .string(reason)]
    if !field.isEmpty { metadata.addString(field, forKey: ServiceError.fieldMetadataKey) }
    for (key, value) in self.metadata.sorted(by: { $0.key < $1.key }) {
      metadata.addString(
        value, forKey: "x-maac-error-\(key.replacingOccurrences(of: "_", with: "-"))")
    }
    return metadata
  }
}
