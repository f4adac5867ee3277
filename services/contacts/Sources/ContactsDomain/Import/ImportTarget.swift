/// What an import writes to (C18).
public enum ImportTarget: String, CaseIterable, Hashable, Sendable, Codable {
  case line
  case email
  case whatsapp

  /// The channel type of the target's channel.
  public var channelType: ChannelType {
    switch self {
    case .line: .line
    case .email: .email
    case .whatsapp: .whatsapp
    }
  }

  /// The keys the target allows (C18).
  public var allowedKeys: [ImportKey] {
    switch self {
    case .line: [.lineUID, .phone, .customerID]
    case .email: [.email]
    case .whatsapp: [.phone]
    }
  }

  /// Whether the target needs a `messaging_status` column (C35, C42).
  public var requiresMessagingStatus: Bool { self != .line }
}

/// The column an import matches rows on (C18).
public enum ImportKey: String, CaseIterable, Hashable, Sendable, Codable {
  case lineUID = "line_uid"
  case phone
  case customerID = "customer_id"
  case email

  /// The template column holding the key for `target` (C18).
  public func column(for target: ImportTarget) -> ImportColumn {
    switch (self, target) {
    case (.lineUID, _): .lineUID
    case (.phone, .whatsapp): .whatsappMobile
    case (.phone, _): .phone
    case (.customerID, _): .customerID
    case (.email, _): .email
    }
  }

  /// C19: a key that matches nothing creates a contact — except `customer_id`.
  public var createsOnMiss: Bool { self != .customerID }
}

/// Checks an import request's target/key pair (C18).
public enum ImportRequestRules {
  public static func checkKey(_ key: ImportKey, for target: ImportTarget) throws(DomainError) {
    guard target.allowedKeys.contains(key) else {
      throw .invalid(
        .keyNotAllowed, field: "key",
        "key \(key.rawValue) is not allowed for target \(target.rawValue); allowed: \(target.allowedKeys.map(\.rawValue).joined(separator: ", "))"
      )
    }
  }
}
