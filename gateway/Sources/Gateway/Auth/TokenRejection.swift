/// Why a bearer credential was refused. Never shown to the client (G2: one message for all
/// causes); logged at debug level without the token.
public enum TokenRejection: Error, Sendable, Hashable {
  case missing
  case malformed
  case algorithmNotAllowed(String)
  case unknownKey
  case badSignature
  case claims(String)
  case expired
  case notYetValid
  case lifetimeTooLong
}
