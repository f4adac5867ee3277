import ContactsDomain
import Foundation

enum Fixture {
  static let org: Int64 = 7
  static let lineChannel: Int64 = 11
  static let emailChannel: Int64 = 21
  static let whatsappChannel: Int64 = 31
  static let now = Date(timeIntervalSince1970: 1_780_000_000)

  static func uid(_ n: Int) -> String { "U" + String(format: "%032x", n) }

  static func contact(
    _ type: ChannelType, id: Int64, key: String? = nil, createdAt: Date = now,
    channelID: Int64? = nil
  ) -> Contact {
    let channel: Int64? =
      channelID
      ?? {
        switch type {
        case .line: lineChannel
        case .email: emailChannel
        case .whatsapp: whatsappChannel
        case .sms: nil
        case .facebook, .instagram: 41
        }
      }()
    let externalID =
      key
      ?? {
        switch type {
        case .line: uid(Int(id))
        case .email: "user\(id)@example.com"
        case .whatsapp, .sms: "+88691234\(String(format: "%04d", id % 10000))"
        case .facebook, .instagram: "\(1000 + id)"
        }
      }()
    return Contact(
      id: id, organizationID: org, channelType: type, channelID: channel, externalID: externalID,
      acquisitionSource: .api, createdAt: createdAt)
  }

  static func header(
    _ names: [String], target: ImportTarget, key: ImportKey, country: String? = "TW",
    customFields: [CustomFieldDefinition] = []
  ) throws -> ImportHeader {
    try ImportHeader(
      names, target: target, key: key, customFields: customFields, defaultCountry: country)
  }

  static func context(_ target: ImportTarget, _ key: ImportKey, country: String? = "TW")
    -> ImportContext
  {
    let channel: Int64 =
      switch target {
      case .line: lineChannel
      case .email: emailChannel
      case .whatsapp: whatsappChannel
      }
    return ImportContext(
      target: target, key: key, channelID: channel, defaultCountry: country, now: now)
  }

  /// Parses a CSV text, validates every row and plans it against `existing`.
  static func plan(
    _ csv: String, target: ImportTarget, key: ImportKey, country: String? = "TW",
    existing: [Contact] = [],
    customFields: [CustomFieldDefinition] = [], domainChecks: [String: EmailDomainCheck] = [:]
  ) throws -> (ImportHeader, ImportBatchPlan) {
    let records = try CSVReader.records(of: Array(csv.utf8))
    let header = try Self.header(
      records[0].fields, target: target, key: key, country: country, customFields: customFields)
    let context = context(target, key, country: country)
    let rows = records.dropFirst().filter { !$0.isBlank }.map { record in
      (
        number: record.number, cells: record.fields,
        verdict: ImportRowValidator.validate(record.fields, header: header, context: context)
      )
    }
    let planner = ImportPlanner(context: context, organizationID: org)
    return (header, planner.plan(rows, existing: existing, domainChecks: domainChecks))
  }

  static func violation(_ body: () throws -> Void) -> FieldViolation? {
    do {
      try body()
      return nil
    } catch let violation as FieldViolation {
      return violation
    } catch {
      return nil
    }
  }

  static func domainError(_ body: () throws -> Void) -> DomainError? {
    do {
      try body()
      return nil
    } catch let error as DomainError {
      return error
    } catch {
      return nil
    }
  }
}
