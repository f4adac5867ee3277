/// A machine-readable reason code of the contacts spec (§7), e.g. `INVALID_PHONE`.
///
/// Kept open (a string wrapper rather than a closed enum) because the same codes travel in
/// row issues, task warnings and RPC errors, and the spec adds codes per operation.
public struct ReasonCode: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral,
  CustomStringConvertible
{
  public let rawValue: String

  public init(rawValue: String) { self.rawValue = rawValue }
  public init(stringLiteral value: String) { self.rawValue = value }
  public var description: String { rawValue }
}

extension ReasonCode {
  // Field values (C7–C16, C35, C40, C42).
  public static let fieldTooLong: ReasonCode = "FIELD_TOO_LONG"
  public static let noteTooLong: ReasonCode = "NOTE_TOO_LONG"
  public static let invalidPhone: ReasonCode = "INVALID_PHONE"
  public static let phoneCountryMismatch: ReasonCode = "PHONE_COUNTRY_MISMATCH"
  public static let invalidEmail: ReasonCode = "INVALID_EMAIL"
  public static let invalidDate: ReasonCode = "INVALID_DATE"
  public static let invalidGender: ReasonCode = "INVALID_GENDER"
  public static let invalidRegion: ReasonCode = "INVALID_REGION"
  public static let invalidLineUID: ReasonCode = "INVALID_LINE_UID"
  public static let invalidExternalID: ReasonCode = "INVALID_EXTERNAL_ID"
  public static let invalidEmailStatus: ReasonCode = "INVALID_EMAIL_STATUS"
  public static let invalidWhatsAppStatus: ReasonCode = "INVALID_WHATSAPP_STATUS"
  public static let invalidConsentAt: ReasonCode = "INVALID_CONSENT_AT"
  public static let invalidCountry: ReasonCode = "INVALID_COUNTRY"
  public static let missingDefaultCountry: ReasonCode = "MISSING_DEFAULT_COUNTRY"
  public static let invalidEngagementLevel: ReasonCode = "INVALID_ARGUMENT"

  // Writability (C2, C15, C16).
  public static let immutableField: ReasonCode = "IMMUTABLE_FIELD"
  public static let readOnlyField: ReasonCode = "READ_ONLY_FIELD"
  public static let unknownField: ReasonCode = "UNKNOWN_FIELD"
  public static let unknownCustomField: ReasonCode = "UNKNOWN_CUSTOM_FIELD"
  public static let fieldNotApplicable: ReasonCode = "FIELD_NOT_APPLICABLE"

  // Request shape.
  public static let invalidSelector: ReasonCode = "INVALID_SELECTOR"
  public static let emptyRequest: ReasonCode = "EMPTY_REQUEST"
  public static let tooManyIDs: ReasonCode = "TOO_MANY_IDS"
  public static let invalidLimit: ReasonCode = "INVALID_LIMIT"
  public static let invalidCursor: ReasonCode = "INVALID_CURSOR"
  public static let channelTypeMismatch: ReasonCode = "CHANNEL_TYPE_MISMATCH"

  // Import request and file (C17–C32).
  public static let invalidTarget: ReasonCode = "INVALID_TARGET"
  public static let keyNotAllowed: ReasonCode = "KEY_NOT_ALLOWED"
  public static let keyColumnMissing: ReasonCode = "KEY_COLUMN_MISSING"
  public static let requiredColumnMissing: ReasonCode = "REQUIRED_COLUMN_MISSING"
  public static let duplicateColumn: ReasonCode = "DUPLICATE_COLUMN"
  public static let fileEmpty: ReasonCode = "FILE_EMPTY"
  public static let fileTooLarge: ReasonCode = "FILE_TOO_LARGE"
  public static let tooManyRows: ReasonCode = "TOO_MANY_ROWS"
  public static let fileEncodingInvalid: ReasonCode = "FILE_ENCODING_INVALID"
  public static let csvMalformed: ReasonCode = "CSV_MALFORMED"
  public static let importQueueFull: ReasonCode = "IMPORT_QUEUE_FULL"

  // Import task warnings and row issues (§7.3).
  public static let unknownColumn: ReasonCode = "UNKNOWN_COLUMN"
  public static let nonImportableColumn: ReasonCode = "NON_IMPORTABLE_COLUMN"
  public static let missingKeyValue: ReasonCode = "MISSING_KEY_VALUE"
  public static let keyNotFound: ReasonCode = "KEY_NOT_FOUND"
  public static let missingMessagingStatus: ReasonCode = "MISSING_MESSAGING_STATUS"
  public static let invalidMessagingStatus: ReasonCode = "INVALID_MESSAGING_STATUS"
  public static let columnCountMismatch: ReasonCode = "COLUMN_COUNT_MISMATCH"
  public static let primaryKeyIgnored: ReasonCode = "PRIMARY_KEY_IGNORED"
  public static let statusChangeIgnored: ReasonCode = "STATUS_CHANGE_IGNORED"
  public static let multipleMatches: ReasonCode = "MULTIPLE_MATCHES"
  public static let tagInvalid: ReasonCode = "TAG_INVALID"
  public static let emailDomainInvalid: ReasonCode = "EMAIL_DOMAIN_INVALID"
  public static let emailDomainUnverified: ReasonCode = "EMAIL_DOMAIN_UNVERIFIED"

  // State and ingest (C37, C54, C57, C58).
  public static let emailStatusIrreversible: ReasonCode = "EMAIL_STATUS_IRREVERSIBLE"
  public static let missingSourceUserID: ReasonCode = "MISSING_SOURCE_USER_ID"
  public static let externalIDIsDestination: ReasonCode = "EXTERNAL_ID_IS_DESTINATION"
  public static let unknownEventKind: ReasonCode = "UNKNOWN_EVENT_KIND"
  public static let unknownInteractionKind: ReasonCode = "UNKNOWN_INTERACTION_KIND"
  public static let occurredAtInFuture: ReasonCode = "OCCURRED_AT_IN_FUTURE"

  // Lookups.
  public static let contactNotFound: ReasonCode = "CONTACT_NOT_FOUND"
  public static let contactAlreadyExists: ReasonCode = "CONTACT_ALREADY_EXISTS"
  public static let channelNotFound: ReasonCode = "CHANNEL_NOT_FOUND"
  public static let taskNotFound: ReasonCode = "TASK_NOT_FOUND"
  public static let uploadNotFound: ReasonCode = "UPLOAD_NOT_FOUND"
  public static let exportNotReady: ReasonCode = "EXPORT_NOT_READY"
  public static let exportExpired: ReasonCode = "EXPORT_EXPIRED"
}
