import Foundation

/// A `CreateContact` request after the RPC mapping (C1–C16).
public struct NewContact: Hashable, Sendable {
  public var channelType: ChannelType?
  public var channelID: Int64?
  public var externalID: String
  public var fields: ContactFieldsInput
  public var defaultCountry: String?

  public init(
    channelType: ChannelType?, channelID: Int64?, externalID: String,
    fields: ContactFieldsInput = .init(),
    defaultCountry: String? = nil
  ) {
    self.channelType = channelType
    self.channelID = channelID
    self.externalID = externalID
    self.fields = fields
    self.defaultCountry = defaultCountry
  }

  /// Builds the contact (not yet stored): identity checks, then every present field as an edit.
  public func makeContact(organizationID: Int64, context: EditContext) throws(DomainError)
    -> Contact
  {
    guard let channelType else {
      throw .invalid(.invalidSelector, field: "channel_type", "channel_type is required")
    }
    if channelType.requiresChannel && (channelID ?? 0) <= 0 {
      throw .invalid(
        .invalidSelector, field: "channel_id",
        "channel_id is required for \(channelType.rawValue) contacts")
    }
    let country: String?
    do {
      country = try defaultCountry.flatMap { raw throws(FieldViolation) in try Country.parse(raw) }
    } catch { throw error.asDomainError }
    let key: String
    do {
      key = try ContactIdentity.normalizePrimaryKey(
        externalID, type: channelType, field: "external_id",
        defaultCountry: country ?? context.defaultCountry)
    } catch { throw error.asDomainError }
    if channelType == .email && fields.emailStatus == nil {
      throw .invalid(
        .invalidEmailStatus, field: "fields.email_status", "email contacts need fields.email_status"
      )
    }
    if channelType == .whatsapp && fields.whatsappStatus == nil {
      throw .invalid(
        .invalidWhatsAppStatus, field: "fields.whatsapp_status",
        "WhatsApp contacts need fields.whatsapp_status")
    }
    var contact = Contact(
      organizationID: organizationID, channelType: channelType,
      channelID: channelType == .sms ? channelID : channelID,
      externalID: key, externalIDRaw: Text.normalize(externalID), acquisitionSource: .api,
      createdAt: context.now)
    if channelType == .email { contact.displayEmail = Text.normalize(externalID) }
    let paths = fields.presentPaths
    if !paths.isEmpty {
      var editContext = context
      editContext.defaultCountry = country ?? context.defaultCountry
      do {
        contact = try ContactEditor.apply(fields, mask: paths, to: contact, context: editContext)
          .contact
      } catch {
        throw DomainError(
          error.kind, error.reason, field: error.field.map { "fields.\($0)" },
          message: error.message)
      }
    }
    contact.updatedAt = context.now
    return contact
  }
}
