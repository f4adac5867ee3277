/// How a connection is secured.
///
/// Only cleartext HTTP/2 with prior knowledge (h2c) exists today; this type is the seam where
/// TLS (with ALPN `h2`) will be added without changing either transport's API.
public struct NGHTTP2TransportSecurity: Sendable, Hashable {
  enum Kind: Hashable {
    case plaintext
  }

  let kind: Kind

  /// Cleartext HTTP/2 with prior knowledge: the client sends the HTTP/2 preface immediately.
  public static let plaintext = Self(kind: .plaintext)
}
