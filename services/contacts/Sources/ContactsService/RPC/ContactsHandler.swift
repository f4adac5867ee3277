import ContactsDomain
import Foundation
import GRPCCore
import MAACContracts
import ServiceKit
import SwiftProtobuf

/// `maac.contacts.v1.Contacts`: a thin mapping from the contracts to the domain and the store.
struct ContactsHandler: Maac_Contacts_V1_Contacts.SimpleServiceProtocol {
  let store: ContactStore
  let directory: any OrganizationDirectory
  let imports: ImportService
  let exports: ExportService
  let filters: any FilterEvaluator
  let profiles: any ProfileAuthority
  /// The organization's day for `age` (C10).
  let timeZones: OrganizationTimeZones
  let retries: PersonWriteRetries

  // MARK: Single records

  var idempotency: RequestIdempotency { RequestIdempotency(pool: store.pool) }
  var personLevel: PersonLevelWrites {
    PersonLevelWrites(store: store, profiles: profiles, retries: retries)
  }

  func createContact(request: Maac_Contacts_V1_CreateContactRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_Contact
  {
    let org = try Caller.organization()
    let type = ContactMapping.channelType(request.channelType)
    if let type, type.requiresChannel || request.channelID != 0 {
      try await requireChannel(org: org, id: request.channelID, type: type, field: "channel_id")
    }
    let definitions = try await directory.customFields(organizationID: org)
    let new = NewContact(
      channelType: type, channelID: request.channelID == 0 ? nil : request.channelID,
      externalID: request.externalID,
      fields: ContactMapping.fields(request.fields),
      defaultCountry: request.defaultCountry.isEmpty ? nil : request.defaultCountry)
    let contact = try ServiceErrors.domain {
      try new.makeContact(
        organizationID: org,
        context: EditContext(customFieldKeys: Set(definitions.map(\.key)), now: Date()))
    }
    let today = try await timeZones.today(of: org)
    return try await idempotency.run(
      method: "CreateContact", requestID: request.requestID, request: request,
      organizationID: org, resultID: \.id
    ) { connection in
      let stored = try await store.create(contact, cause: Caller.cause(.api), on: connection)
      return ContactMapping.contact(stored, definitions: definitions, today: today)
    }
  }

  func getContact(request: Maac_Contacts_V1_GetContactRequest, context: ServerContext) async throws
    -> Maac_Contacts_V1_Contact
  {
    let org = try Caller.organization()
    let contact = try await ContactResolver(store: store, directory: directory).resolve(
      org: org, selector: request.selector.map(ContactResolver.Selector.init))
    return ContactMapping.contact(
      contact, definitions: try await directory.customFields(organizationID: org),
      today: try await timeZones.today(of: org))
  }

  /// C60, C62, C69: the whole edit is validated first; its person-level part (unify keys set,
  /// contact-level fields cleared) goes through CDH and nothing is written unless CDH accepts;
  /// the rest is written locally and published.
  func updateContact(request: Maac_Contacts_V1_UpdateContactRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_Contact
  {
    let org = try Caller.organization()
    let target = try await ContactResolver(store: store, directory: directory).resolve(
      org: org, selector: request.selector.map(ContactResolver.Selector.init))
    let definitions = try await directory.customFields(organizationID: org)
    let input = ContactMapping.fields(request.fields)
    let editContext = EditContext(
      customFieldKeys: Set(definitions.map(\.key)),
      defaultCountry: request.defaultCountry.isEmpty ? nil : request.defaultCountry.uppercased(),
      now: Date())
    let mask = request.updateMask.paths
    // Every field is checked before anything is sent or written (C7–C16).
    _ = try ServiceErrors.domain {
      try ContactEditor.apply(input, mask: mask, to: target, context: editContext)
    }
    var personPaths: [String] = []
    var localPaths: [String] = []
    for path in mask {
      let edit = try ServiceErrors.domain {
        try ContactEditor.apply(input, mask: [path], to: target, context: editContext)
      }
      if edit.requiresProfileAuthority {
        personPaths.append(path)
      } else {
        localPaths.append(path)
      }
    }
    let personEdit =
      personPaths.isEmpty
      ? nil
      : try ServiceErrors.domain {
        try ContactEditor.apply(input, mask: personPaths, to: target, context: editContext)
      }
    let today = try await timeZones.today(of: org)
    let localMask = localPaths
    // One transaction: CDH's merged values and the local fields commit together.
    let write: (PersonLevelWrites.Person?) async throws -> Maac_Contacts_V1_Contact = { person in
      try await idempotency.run(
        method: "UpdateContact", requestID: request.requestID, request: request,
        organizationID: org, resultID: \.id
      ) { connection in
        var current = target
        if let personEdit, let person {
          current = try await personLevel.apply(
            PersonLevelWrites.writes(of: personEdit), to: target, of: person, organizationID: org,
            via: "api", on: connection
          ).contact
        }
        if !localMask.isEmpty {
          current = try await store.mutate(
            on: connection, organizationID: org, id: target.id, cause: Caller.cause(via: "api")
          ) { contact, _ in
            try ServiceErrors.domain {
              try ContactEditor.apply(input, mask: localMask, to: contact, context: editContext)
                .contact
            }
          }.contact
        }
        return ContactMapping.contact(current, definitions: definitions, today: today)
      }
    }
    guard personEdit != nil else { return try await write(nil) }
    return try await personLevel.run(on: target, organizationID: org) { try await write($0) }
  }

  func deleteContact(request: Maac_Contacts_V1_DeleteContactRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_DeleteContactResponse
  {
    let org = try Caller.organization()
    guard request.contactID > 0 else {
      throw ServiceErrors.invalid(
        .invalidSelector, field: "contact_id", "contact_id must be positive")
    }
    return try await idempotency.run(
      method: "DeleteContact", requestID: request.requestID, request: request,
      organizationID: org, resultID: { _ in request.contactID }
    ) { connection in
      let result = try await store.mutate(
        on: connection, organizationID: org, id: request.contactID, cause: Caller.cause(),
        includeDeleted: true
      ) { contact, _ in DeletionRules.delete(contact, at: Date()) }
      var response = Maac_Contacts_V1_DeleteContactResponse()
      response.deleted = true
      response.alreadyDeleted = !result.changed
      return response
    }
  }

  /// C48: the customer id is set on the person through CDH; binding the value the contact
  /// already holds is a no-op (no CDH call, no event).
  func bindCustomerId(request: Maac_Contacts_V1_BindCustomerIdRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_Contact
  {
    let org = try Caller.organization()
    let value = try ServiceErrors.domain { try BindingRules.validateCustomerID(request.customerID) }
    let via = try Self.via(request.via)
    guard let contact = try await store.contact(organizationID: org, id: request.contactID)
    else { throw ContactStore.notFound }
    let definitions = try await directory.customFields(organizationID: org)
    let today = try await timeZones.today(of: org)
    let write: (PersonLevelWrites.Person?) async throws -> Maac_Contacts_V1_Contact = { person in
      try await idempotency.run(
        method: "BindCustomerId", requestID: request.requestID, request: request,
        organizationID: org, resultID: \.id
      ) { connection in
        var stored = contact
        if let person {
          stored = try await personLevel.apply(
            [ProfileFieldWrite(field: ContactAttribute.customID.rawValue, value: value)],
            to: contact, of: person, organizationID: org, via: via, on: connection
          ).contact
        }
        return ContactMapping.contact(stored, definitions: definitions, today: today)
      }
    }
    // Binding the value the contact already holds asks nothing of CDH.
    guard BindingRules.bind(value, to: contact, at: Date()) != nil else {
      return try await write(nil)
    }
    return try await personLevel.run(on: contact, organizationID: org) { try await write($0) }
  }

  /// C48: the customer id is cleared on every member of the person through CDH, so no member
  /// keeps the old value and it cannot come back through merging.
  func unbindCustomerId(request: Maac_Contacts_V1_UnbindCustomerIdRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_Contact
  {
    let org = try Caller.organization()
    let via = request.via == .unspecified ? "api" : try Self.via(request.via)
    guard let contact = try await store.contact(organizationID: org, id: request.contactID)
    else { throw ContactStore.notFound }
    let definitions = try await directory.customFields(organizationID: org)
    let today = try await timeZones.today(of: org)
    return try await personLevel.run(on: contact, organizationID: org) { person in
      try await idempotency.run(
        method: "UnbindCustomerId", requestID: request.requestID, request: request,
        organizationID: org, resultID: \.id
      ) { connection in
        let stored = try await personLevel.apply(
          [ProfileFieldWrite(field: ContactAttribute.customID.rawValue, value: nil)],
          to: contact, of: person, organizationID: org, via: via, on: connection
        ).contact
        return ContactMapping.contact(stored, definitions: definitions, today: today)
      }
    }
  }

  static func via(_ via: Maac_Contacts_V1_BindVia) throws -> String {
    switch via {
    case .ui: "ui"
    case .api: "api"
    case .bindlink: "bindlink"
    case .liff: "liff"
    default:
      throw ServiceErrors.invalid(
        .unknownField, field: "via", "via must be one of ui, api, bindlink, liff")
    }
  }

  // MARK: Lookup and list

  func searchContacts(request: Maac_Contacts_V1_SearchContactsRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_SearchContactsResponse
  {
    let org = try Caller.organization()
    return try await ContactSearch(store: store, filters: filters).search(
      request, organizationID: org, today: try await timeZones.today(of: org))
  }

  func searchEmailContacts(
    request: Maac_Contacts_V1_SearchEmailContactsRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_SearchEmailContactsResponse
  {
    let org = try Caller.organization()
    let email = try ServiceErrors.domain { try EmailAddress.parse(request.email, field: "email") }
    let contacts = try await store.lookup(
      organizationID: org, field: .email, value: email.key, types: [.email], limit: 1000)
    var response = Maac_Contacts_V1_SearchEmailContactsResponse()
    response.hits = contacts.map { contact in
      var hit = Maac_Contacts_V1_EmailContactHit()
      hit.entityID = contact.id
      hit.memberID = contact.id
      hit.email = contact.externalIDRaw
      hit.displayName = contact.resolvedName.name
      hit.messagingStatus = ContactMapping.emailStatus(contact.emailStatus)
      return hit
    }
    return response
  }

  func getContactStats(request: Maac_Contacts_V1_GetContactStatsRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_ContactStats
  {
    let org = try Caller.organization()
    if request.channelID != 0,
      try await directory.channel(organizationID: org, id: request.channelID) == nil
    {
      throw ServiceErrors.make(.notFound, .channelNotFound, "Channel not found")
    }
    let stats = try await store.stats(
      organizationID: org, channelID: request.channelID == 0 ? nil : request.channelID)
    var message = Maac_Contacts_V1_ContactStats()
    message.asOf = ContactMapping.timestamp(stats.asOf)
    message.total = stats.total
    message.byChannelType = Dictionary(
      uniqueKeysWithValues: stats.byChannelType.map { ($0.key.rawValue, $0.value) })
    message.lineFollowing = stats.lineFollowing
    message.lineAuth = stats.lineAuth
    message.lineBlocked = stats.lineBlocked
    message.lineUnknown = stats.lineUnknown
    message.lineBlockedIncludingAuth = stats.lineBlockedIncludingAuth
    message.emailSubscribed = stats.emailSubscribed
    message.emailUnsubscribed = stats.emailUnsubscribed
    message.emailSuppressed = stats.emailSuppressed
    message.whatsappOptedIn = stats.whatsappOptedIn
    message.whatsappOptedOut = stats.whatsappOptedOut
    message.whatsappNotSubscribed = stats.whatsappNotSubscribed
    message.bound = stats.bound
    return message
  }

  func listContactHistory(
    request: Maac_Contacts_V1_ListContactHistoryRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_ListContactHistoryResponse
  {
    let org = try Caller.organization()
    let size = try ServiceErrors.domain { try PageSize.resolve(request.pageSize) }
    guard try await store.contact(organizationID: org, id: request.contactID) != nil else {
      throw ContactStore.notFound
    }
    let print = Fingerprint.of(["history", String(request.contactID), request.field])
    var beforeID: Int64?
    if !request.pageToken.isEmpty {
      beforeID = try ServiceErrors.domain {
        try PageToken.decode(request.pageToken, fingerprint: print, now: Date()).lastID
      }
    }
    let page = try await HistoryStore.page(
      organizationID: org, contactID: request.contactID,
      field: request.hasField ? request.field : nil,
      beforeID: beforeID, limit: size + 1, pool: store.pool)
    var response = Maac_Contacts_V1_ListContactHistoryResponse()
    response.entries = page.prefix(size).map { _, entry in
      var message = Maac_Contacts_V1_HistoryEntry()
      message.occurredAt = ContactMapping.timestamp(entry.occurredAt)
      message.field = entry.field
      if let value = entry.previousValue { message.previousValue = value }
      if let value = entry.newValue { message.newValue = value }
      message.origin = ContactMapping.origin(entry.cause.origin)
      message.actor = entry.cause.actor
      message.correlationID = entry.cause.correlationID
      message.via = entry.cause.via ?? ""
      return message
    }
    if page.count > size, let last = page.prefix(size).last {
      response.nextPageToken =
        PageToken(
          asOfMicros: Int64(Date().timeIntervalSince1970 * 1_000_000), lastCreatedAtMicros: 0,
          lastID: last.id,
          fingerprint: print
        ).encoded
    }
    return response
  }

  // MARK: Import and export

  func uploadImportFile(
    request: RPCAsyncSequence<Maac_Contacts_V1_FileChunk, any Error>, context: ServerContext
  ) async throws -> Maac_Contacts_V1_UploadRef {
    try await imports.upload(
      chunks: request, organizationID: try Caller.organization(), actor: Caller.actor)
  }

  func createImportTask(request: Maac_Contacts_V1_CreateImportTaskRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_ImportTask
  {
    try await imports.create(
      request, organizationID: try Caller.organization(), actor: Caller.actor)
  }

  func getImportTask(request: Maac_Contacts_V1_GetImportTaskRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_ImportTask
  {
    try await imports.task(request.taskID, organizationID: try Caller.organization())
  }

  func listImportTasks(request: Maac_Contacts_V1_ListImportTasksRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_ListImportTasksResponse
  {
    try await imports.list(request, organizationID: try Caller.organization())
  }

  func listImportRowResults(
    request: Maac_Contacts_V1_ListImportRowResultsRequest, context: ServerContext
  )
    async throws -> Maac_Contacts_V1_ListImportRowResultsResponse
  {
    try await imports.rows(request, organizationID: try Caller.organization())
  }

  func getImportFailureReport(
    request: Maac_Contacts_V1_GetImportTaskRequest, response: RPCWriter<Maac_Contacts_V1_FileChunk>,
    context: ServerContext
  ) async throws {
    let csv = try await imports.failureReport(
      request.taskID, organizationID: try Caller.organization())
    try await Self.stream(csv, name: "import-\(request.taskID)-failures.csv", to: response)
  }

  func getImportTemplate(
    request: Maac_Contacts_V1_GetImportTemplateRequest,
    response: RPCWriter<Maac_Contacts_V1_FileChunk>,
    context: ServerContext
  ) async throws {
    let org = try Caller.organization()
    guard let target = ImportService.target(request.target) else {
      throw ServiceErrors.invalid(
        .invalidTarget, field: "target", "target must be line, email or whatsapp")
    }
    let csv = ImportTemplate.csv(
      target: target, customFields: try await directory.customFields(organizationID: org))
    try await Self.stream(csv, name: "\(target.rawValue)-template.csv", to: response)
  }

  func createExportTask(request: Maac_Contacts_V1_CreateExportTaskRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_ExportTask
  {
    try await exports.create(
      request, organizationID: try Caller.organization(), actor: Caller.actor)
  }

  func getExportTask(request: Maac_Contacts_V1_GetExportTaskRequest, context: ServerContext)
    async throws
    -> Maac_Contacts_V1_ExportTask
  {
    try await exports.task(request.taskID, organizationID: try Caller.organization())
  }

  func downloadExport(
    request: Maac_Contacts_V1_GetExportTaskRequest, response: RPCWriter<Maac_Contacts_V1_FileChunk>,
    context: ServerContext
  ) async throws {
    let org = try Caller.organization()
    var first = true
    try await exports.download(request.taskID, organizationID: org) { data in
      var chunk = Maac_Contacts_V1_FileChunk()
      chunk.data = data
      if first { chunk.fileName = "contacts-export-\(request.taskID).csv" }
      first = false
      try await response.write(chunk)
    }
  }

  static func stream(_ text: String, name: String, to writer: RPCWriter<Maac_Contacts_V1_FileChunk>)
    async throws
  {
    let bytes = Array(text.utf8)
    var offset = 0
    repeat {
      var chunk = Maac_Contacts_V1_FileChunk()
      chunk.data = Data(bytes[offset..<min(bytes.count, offset + 1 << 20)])
      if offset == 0 { chunk.fileName = name }
      try await writer.write(chunk)
      offset += 1 << 20
    } while offset < bytes.count
  }

  // MARK: Helpers

  /// The organization's channel of `type` (§7.2): unknown → NOT_FOUND, other type → INVALID_ARGUMENT.
  func requireChannel(org: Int64, id: Int64, type: ChannelType, field: String) async throws {
    guard id > 0, let channel = try await directory.channel(organizationID: org, id: id) else {
      throw ServiceErrors.make(.notFound, .channelNotFound, "Channel not found", field: field)
    }
    guard channel.type == type || (type == .sms && id == 0) else {
      throw ServiceErrors.invalid(
        .channelTypeMismatch, field: field,
        "channel \(id) is a \(channel.type.rawValue) channel, not \(type.rawValue)")
    }
    guard channel.enabled else {
      throw ServiceErrors.make(.failedPrecondition, "CHANNEL_DISABLED", "channel \(id) is disabled")
    }
  }
}
