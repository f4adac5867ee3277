import AdminDomain
import Foundation
import GRPCCore
import MAACContracts
import PostgresClient
import ServiceKit

/// Every change admin center makes: each in one transaction together with its events (R6). Input arrives validated (AdminDomain); what only the database can know — does the
/// organization exist, is a uuid taken — is checked here.
public struct AdminRegistry: Sendable {
  private let pool: PostgresPool
  private let events: AdminEventPublisher
  private let organizations = OrganizationStore()
  private let channels = ChannelStore()
  private let customFields = CustomFieldStore()
  private let credentials = ChannelCredentialStore()

  public init(pool: PostgresPool, outbox: Outbox) {
    self.pool = pool
    self.events = AdminEventPublisher(outbox: outbox)
  }

  /// What `provision` created for one organization.
  public struct Provisioned: Sendable {
    public var organization: Organization
    public var channels: [ChannelRecord]
    public var customFields: [CustomFieldDefinition]
  }

  public func createOrganization(_ organization: NewOrganization) async throws -> Organization {
    try await translatingUniqueViolations(field: "uuid") {
      try await pool.withTransaction { connection in
        let created = try await organizations.insert(organization, on: connection)
        try await events.publish([.organization(created, created: true)], on: connection)
        return created
      }
    }
  }

  /// Applies `changes` (validated) to organization `id` and emits `organization.updated`
  /// with the state after, in one transaction (R6), only when a value actually changed:
  /// a no-op update writes nothing and emits nothing. The row is locked while compared, so
  /// two concurrent updates each emit the state their own change produced.
  public func updateOrganization(id: Int64, _ changes: OrganizationChanges) async throws
    -> Organization
  {
    try await pool.withTransaction { connection in
      guard let before = try await organizations.lock(id: id, on: connection) else {
        throw AdminError.organizationNotFound(id)
      }
      let after = changes.applied(to: before)
      guard after != before else { return before }
      let stored = try await organizations.update(after, on: connection)
      try await events.publish([.organization(stored, created: false)], on: connection)
      return stored
    }
  }

  /// Stores (replaces) the credentials of non-email channel `channelID`, validated for the
  /// channel's type (the same rules as creation and provisioning), and emits
  /// `channel.updated` with `changed = [credentials]` in the same transaction (R6), only
  /// when the set differs from the stored one. The event carries no secret.
  ///
  /// Throws NOT_FOUND `CHANNEL_NOT_FOUND` for a missing channel, INVALID_ARGUMENT naming
  /// `credentials` for an email channel (SetEmailProviderCredentials) or credentials that do
  /// not fit the type.
  public func setCredentials(channelID: Int64, _ draft: CredentialsDraft) async throws {
    try await pool.withTransaction { connection in
      guard let channel = try await channels.lock(id: channelID, on: connection) else {
        throw AdminError.channelNotFound()
      }
      let path = FieldPath.root.member("credentials")
      guard channel.type != .email else {
        throw AdminError.invalid(
          field: path.description,
          "cannot be set on an email channel: use SetEmailProviderCredentials")
      }
      var violations = ViolationCollector()
      guard let valid = draft.validated(for: channel.type, at: path, into: &violations) else {
        throw AdminError.invalid(ValidationFailure(violations.violations))
      }
      // Setting the stored set again changes nothing: no write, no event (R6 "when changed").
      let stored = try await credentials.find(
        channelID: channel.id, organizationID: channel.organizationID, on: connection)
      guard stored != valid else { return }
      try await credentials.store(
        valid, channelID: channel.id, organizationID: channel.organizationID, on: connection)
      try await events.publish([.channel(channel, changed: [.credentials])], on: connection)
    }
  }

  public func createChannel(_ channel: NewChannel, organizationID: Int64) async throws
    -> ChannelRecord
  {
    try await translatingUniqueViolations(field: "uuid") {
      try await pool.withTransaction { connection in
        try await requireOrganization(organizationID, on: connection)
        let created = try await channels.insert(
          channel, organizationID: organizationID, on: connection)
        try await events.publish([.channel(created, changed: [.created])], on: connection)
        return created
      }
    }
  }

  public func setCustomField(_ label: CustomFieldLabel, organizationID: Int64) async throws
    -> CustomFieldDefinition
  {
    try await pool.withTransaction { connection in
      try await requireOrganization(organizationID, on: connection)
      return try await customFields.upsert(label, organizationID: organizationID, on: connection)
    }
  }

  /// Creates everything `plan` describes in one transaction, or nothing. uuids already taken
  /// are all reported (ALREADY_EXISTS, naming each entry's path) before anything is written.
  /// With `validateOnly` the uuid checks run and nothing is written.
  public func provision(_ plan: ProvisioningPlan, validateOnly: Bool) async throws
    -> [Provisioned]
  {
    try await translatingUniqueViolations(field: "organizations") {
      try await pool.withTransaction { connection in
        try await refuseTakenUUIDs(plan, on: connection)
        if validateOnly { return [] }
        var created: [Provisioned] = []
        var changes: [AdminEventPublisher.Change] = []
        for entry in plan.organizations {
          let organization = try await organizations.insert(entry.organization, on: connection)
          changes.append(.organization(organization, created: true))
          var stored: [ChannelRecord] = []
          for channel in entry.channels {
            let record = try await channels.insert(
              channel, organizationID: organization.id, on: connection)
            stored.append(record)
            changes.append(.channel(record, changed: [.created]))
          }
          var definitions: [CustomFieldDefinition] = []
          for label in entry.customFields {
            definitions.append(
              try await customFields.upsert(label, organizationID: organization.id, on: connection))
          }
          created.append(
            Provisioned(organization: organization, channels: stored, customFields: definitions))
        }
        try await events.publish(changes, on: connection)
        return created
      }
    }
  }

  private func refuseTakenUUIDs(_ plan: ProvisioningPlan, on connection: PostgresConnection)
    async throws
  {
    let root = FieldPath.root.member("organizations")
    let organizationUUIDs = plan.organizations.compactMap(\.organization.uuid)
    let channelUUIDs = plan.organizations.flatMap { $0.channels.compactMap(\.uuid) }
    let takenOrganizations = try await organizations.existingUUIDs(
      organizationUUIDs, on: connection)
    let takenChannels = try await channels.existingUUIDs(channelUUIDs, on: connection)
    var taken: [FieldViolation] = []
    for (index, entry) in plan.organizations.enumerated() {
      let path = root.element(index)
      if let uuid = entry.organization.uuid, takenOrganizations.contains(uuid) {
        taken.append(
          FieldViolation(
            field: path.member("uuid").description,
            reason: "an organization with uuid \(uuid) already exists"))
      }
      for (channelIndex, channel) in entry.channels.enumerated() {
        if let uuid = channel.uuid, takenChannels.contains(uuid) {
          taken.append(
            FieldViolation(
              field: path.member("channels").element(channelIndex).member("uuid").description,
              reason: "a channel with uuid \(uuid) already exists"))
        }
      }
    }
    if !taken.isEmpty { throw AdminError.alreadyExists(taken) }
  }

  private func requireOrganization(_ id: Int64, on connection: PostgresConnection) async throws {
    guard try await organizations.find(id: id, on: connection) != nil else {
      throw AdminError.organizationNotFound(id)
    }
  }

  /// A uuid taken by a concurrent transaction after our checks surfaces as a unique violation.
  private func translatingUniqueViolations<T>(field: String, _ body: () async throws -> T)
    async throws -> T
  {
    do {
      return try await body()
    } catch let error as PostgresError where error.sqlState == .uniqueViolation {
      throw AdminError.alreadyExists([
        FieldViolation(
          field: field, reason: "a uuid given is already taken (\(error.constraint ?? "unique"))")
      ])
    }
  }
}
