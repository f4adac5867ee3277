/// A route family of `gateway.md` §5: decides the error body style (G8) and which token kinds
/// are accepted (G4).
public enum RouteFamily: String, Sendable, CaseIterable {
  case admin
  case cdhApp = "cdh-app"
  case contacts
  case tags
  case journey

  /// The JSON error shape of the family (G8).
  public var errorStyle: ErrorStyle { self == .journey ? .detail : .code }

  /// `platform` tokens are minted for the admin and CDH application pages only (G4).
  var acceptsPlatformTokens: Bool { self == .admin || self == .cdhApp }
}

/// The two error body shapes of `gateway.md` §1.3.
public enum ErrorStyle: Sendable {
  /// `{"code": "<UPPER_SNAKE>", "message": "<text>"}`
  case code
  /// `{"detail": "<text>"}`
  case detail
}
