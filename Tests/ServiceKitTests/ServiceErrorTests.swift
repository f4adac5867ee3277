import GRPCCore
import Testing

@testable import ServiceKit

@Suite("Errors")
struct ServiceErrorTests {
  @Test("every kind maps to its one gRPC status")
  func kindsMapToStatus() {
    let expected: [(ServiceError.Kind, RPCError.Code)] = [
      (.invalidArgument, .invalidArgument), (.notFound, .notFound),
      (.alreadyExists, .alreadyExists),
      (.failedPrecondition, .failedPrecondition), (.aborted, .aborted),
      (.unauthenticated, .unauthenticated), (.permissionDenied, .permissionDenied),
      (.resourceExhausted, .resourceExhausted), (.unavailable, .unavailable),
      (.deadlineExceeded, .deadlineExceeded), (.unimplemented, .unimplemented),
      (.internal, .internalError),
    ]
    for (kind, code) in expected {
      #expect(RPCError(ServiceError(kind, "m")).code == code)
    }
  }

  @Test("bad input names the field, in the message and in metadata")
  func invalidArgumentNamesField() {
    let error = RPCError(
      ServiceError.invalidArgument(field: "contact.email", "is not an email address"))
    #expect(error.code == .invalidArgument)
    #expect(error.message == "contact.email: is not an email address")
    #expect(Array(error.metadata[stringValues: ServiceError.fieldMetadataKey]) == ["contact.email"])
  }

  @Test("the error interceptor passes statuses through and hides unknown errors behind INTERNAL")
  func mapping() {
    struct Leaky: Error { let secret = "password=hunter2" }
    struct Translator: ErrorTranslator {
      func rpcError(for error: any Error) -> RPCError? {
        (error as? Leaky).map { _ in RPCError(code: .unavailable, message: "translated") }
      }
    }
    let method = MethodDescriptor(fullyQualifiedService: "s", method: "m")
    let plain = ErrorMappingInterceptor(translators: [], logger: .init(label: "test"))
    let translated = ErrorMappingInterceptor(
      translators: [Translator()], logger: .init(label: "test"))

    #expect(
      plain.rpcError(for: ServiceError.notFound("contact", id: 5), method: method).message
        == "contact 5 not found")
    #expect(
      plain.rpcError(for: RPCError(code: .aborted, message: "x"), method: method).code == .aborted)
    #expect(plain.rpcError(for: CancellationError(), method: method).code == .cancelled)
    let hidden = CallerContext.$current.withValue(
      CallerContext(organizationID: 1, userID: "u", requestID: "req-9")
    ) {
      plain.rpcError(for: Leaky(), method: method)
    }
    #expect(hidden.code == .internalError)
    #expect(hidden.message == "internal error (request id req-9)")
    #expect(translated.rpcError(for: Leaky(), method: method).code == .unavailable)
  }
}
