/// The LINE adapter's credential check (C33), asked when a LINE import is created.
///
/// The LINE adapter lives outside the seven services (spec/contacts.md §1.2); a deployment
/// passes its client to ``ContactsService``. Without one, no check is made.
public protocol LineCredentialVerifier: Sendable {
  /// Whether the channel's stored credential (channel access token) is valid now. Throws when
  /// the adapter cannot be asked; the import is then not created.
  func credentialIsValid(organizationID: Int64, channelID: Int64) async throws -> Bool
}
