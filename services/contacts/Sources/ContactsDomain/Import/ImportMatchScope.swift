/// Where a key looks for existing contacts (C21): storage turns each scope into a query.
public struct ImportMatchScope: Hashable, Sendable {
  /// The contact attribute compared with the row's match key.
  public enum Field: Hashable, Sendable {
    /// The channel primary key (`external_id`, normalised).
    case primaryKey
    /// `display_mobile` (E.164).
    case displayMobile
    /// `customer_id`, exact.
    case customerID
  }

  public var channelType: ChannelType
  /// The channel to look in; `nil` = every contact of the type in the organization (sms).
  public var channelID: Int64?
  public var field: Field

  public init(channelType: ChannelType, channelID: Int64?, field: Field) {
    self.channelType = channelType
    self.channelID = channelID
    self.field = field
  }

  /// The scopes of a target/key pair (C21). Contacts of other channels are never matched.
  public static func scopes(target: ImportTarget, key: ImportKey, channelID: Int64)
    -> [ImportMatchScope]
  {
    switch (target, key) {
    case (.line, .lineUID): [.init(channelType: .line, channelID: channelID, field: .primaryKey)]
    case (.line, .phone):
      [
        .init(channelType: .line, channelID: channelID, field: .displayMobile),
        .init(channelType: .sms, channelID: nil, field: .primaryKey),
      ]
    case (.line, .customerID):
      [
        .init(channelType: .line, channelID: channelID, field: .customerID),
        .init(channelType: .sms, channelID: nil, field: .customerID),
      ]
    case (.email, _): [.init(channelType: .email, channelID: channelID, field: .primaryKey)]
    case (.whatsapp, _): [.init(channelType: .whatsapp, channelID: channelID, field: .primaryKey)]
    case (.line, .email): []
    }
  }

  /// Whether `contact` is a candidate of this scope for `matchKey`.
  public func matches(_ contact: Contact, matchKey: String) -> Bool {
    matchValue(of: contact) == matchKey
  }

  /// The value `contact` offers this scope's keys, or `nil` when it is outside the scope
  /// (another channel, deleted, or without the field).
  public func matchValue(of contact: Contact) -> String? {
    guard contact.channelType == channelType, contact.deletedAt == nil else { return nil }
    if let channelID, contact.channelID != channelID { return nil }
    switch field {
    case .primaryKey: return contact.externalID
    case .displayMobile: return contact.displayMobile
    case .customerID: return contact.customerID
    }
  }
}
