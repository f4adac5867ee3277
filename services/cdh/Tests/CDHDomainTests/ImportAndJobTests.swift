import CDHDomain
import Testing

@Suite("Import tasks, the re-unification job and the audit log")
struct ImportAndJobTests {
  @Test(
    "U18: the job regroups influenced entities only, publishes their profiles in batches of 500")
  func u18Job() {
    var harness = Harness()
    for id in Int64(1)...1_200 {
      harness.create(id, ["custom_id": "C\((id + 1) / 2)", "connect_id": "same-for-all"])
    }
    let changes = harness.setKeys([.customID])
    #expect(harness.members(1) == [1, 2])
    #expect(changes.influencedMembers == 1_200)
    #expect(changes.profileItems.count == 600)
    #expect(changes.profileItems.allSatisfy { $0.type == .unifyScopeSettingUpdate })
    let batches = BroadcastBatcher.batches(changes.profileItems)
    #expect(batches.map(\.items.count) == [500, 100])
    #expect(batches.map(\.isLast) == [false, true])
    // Nothing influenced: one empty final batch.
    let again = harness.setKeys([.customID, .displayEmail])
    #expect(again.profileItems.isEmpty)
    let empty = BroadcastBatcher.batches(again.profileItems)
    #expect(empty.count == 1 && empty[0].isLast && empty[0].items.isEmpty)
    // broadcast_all republishes every profile.
    let now = harness.tick()
    let (all, stats) = harness.engine.reunify(
      scopeIDs: [harness.engine.orgScope[harness.org]!], broadcastAll: true, type: .adminResync,
      correlationID: "resync", now: now)
    #expect(all.profileItems.count == 600)
    #expect(stats.totalEntities == 1_200)
    #expect(stats.influencedEntities == 0)
  }

  @Test(
    "U19: the job handles a 20,000-entity scope in one union-find pass (throughput is benchmarked)")
  func u19Throughput() {
    var engine = UnificationEngine()
    let org = OrgRef(1)
    let now = Instant.seconds(1_000)
    for id in Int64(1)...20_000 {
      _ = engine.apply(
        EntityEvent(
          eventID: id, kind: .created, member: .maac(id), org: org, occurredAt: now,
          origin: .channel,
          changes: [
            InboundAttributeChange(
              attribute: "custom_id", newValue: "C\(id % 5_000)", sourceTimestamp: now,
              origin: .channel)
          ]),
        now: now)
    }
    let scopeID = engine.orgScope[org]!
    _ = try! engine.updateKeys(
      scopeID: scopeID, keys: UnifyKeySet.validate([.customID]), target: .org, actor: .system,
      now: now)
    let (changes, stats) = engine.reunify(
      scopeIDs: [scopeID], type: .unifyScopeSettingUpdate, correlationID: "j", now: now)
    #expect(stats.totalEntities == 20_000)
    #expect(changes.profileItems.count == 5_000)
    #expect(engine.profile(of: .maac(1))?.members.count == 4)
  }

  @Test("U40: one pending or running import per scope; status only moves forward; per-row counting")
  func u40ImportRules() throws {
    #expect(throws: DomainError.self) { try ImportTaskRules.validateSubmission([]) }
    let bad = #expect(throws: DomainError.self) {
      try ImportTaskRules.validateSubmission([
        ImportRowInput(memberID: 1, updates: [.set("city", "x")]),
        ImportRowInput(memberID: 0, updates: []),
      ])
    }
    #expect(bad?.message == "row 2: member_id and updates are required")
    #expect(bad?.field == "rows[1]")
    let tooMany = Array(
      repeating: ImportRowInput(memberID: 1, updates: [.set("city", "x")]), count: 100_001)
    #expect(
      (#expect(throws: DomainError.self) { try ImportTaskRules.validateSubmission(tooMany) })?
        .message == "too many rows (max 100000)")
    let busy = #expect(throws: DomainError.self) {
      try ImportTaskRules.checkConcurrency(activeTasksInScope: 1)
    }
    #expect(busy?.kind == .resourceExhausted)
    try ImportTaskRules.checkConcurrency(activeTasksInScope: 0)
    #expect(ImportTaskStatus.pending.canMove(to: .running))
    #expect(ImportTaskStatus.running.canMove(to: .complete))
    #expect(!ImportTaskStatus.complete.canMove(to: .running))
    #expect(!ImportTaskStatus.running.canMove(to: .pending))
    var progress = ImportProgress(totalRows: 3)
    progress.record(.success(()))
    progress.record(
      .failure(
        ImportRowError(row: 2, memberID: 9, code: .memberNotFound, message: "member not found")))
    #expect(progress.processedRows == 2)
    #expect(progress.failedRows == 1)
  }

  @Test("U41: an import row updates one entity (origin import); bad rows fail alone")
  func u41ImportRows() {
    var harness = Harness(keys: [.connectID])
    harness.create(1, ["city": "Keep"])
    harness.create(2, ["connect_id": "K"])
    let now = harness.tick()
    let ok = harness.engine.applyImportRow(
      ImportRowInput(
        memberID: 1, updates: [.set("connect_id", "K"), .set("city", ""), .clear("company")]),
      number: 1, org: harness.org, taskID: 5, actor: .system, now: now)
    guard case .success(let changes) = ok else {
      Issue.record("row failed: \(ok)")
      return
    }
    #expect(harness.members(1) == [1, 2])
    #expect(harness.value(1, "city") == "Keep")
    #expect(harness.engine.entities[.maac(1)]?.attributes["connect_id"]?.origin == .import)
    #expect(changes.profileItems.allSatisfy { $0.type == .memberImport })
    #expect(changes.audit.contains { $0.eventType == .importApplied && $0.correlationID == "5" })
    func code(_ row: ImportRowInput) -> ImportRowError.Code? {
      if case .failure(let error) = harness.engine.applyImportRow(
        row, number: 2, org: harness.org, taskID: 5, actor: .system, now: now)
      {
        return error.code
      }
      return nil
    }
    #expect(code(ImportRowInput(memberID: 999, updates: [.set("city", "x")])) == .memberNotFound)
    #expect(
      code(ImportRowInput(memberID: 1, updates: [.set("birthday", "1800-01-01")])) == .invalidValue)
    #expect(code(ImportRowInput(memberID: 1, updates: [.set("line_uid", "U")])) == .notEditable)
    // Another org's member is unknown to this org.
    harness.create(3, [:], org: OrgRef(777))
    #expect(code(ImportRowInput(memberID: 3, updates: [.set("city", "x")])) == .memberNotFound)
  }

  @Test(
    "U44: every person change writes an audit entry with before/after, actor and correlation id")
  func u44Audit() throws {
    var harness = Harness(keys: [.customID])
    let created = harness.create(1, ["custom_id": "A", "city": "X"])
    let entry = created.audit.first { $0.attribute == "city" }
    #expect(entry?.eventType == .attributeChanged)
    #expect(entry?.previousValue == nil)
    #expect(entry?.newValue == "X")
    #expect(entry?.actor.type == "channel")
    #expect(entry?.correlationID == "1")
    #expect(entry?.member == .maac(1))
    harness.create(2, ["custom_id": "A", "line_uid": "U2"])
    let update = harness.update(1, "city", "Y")
    let changed = update.audit.first { $0.attribute == "city" }
    #expect(changed?.previousValue == "X")
    #expect(changed?.newValue == "Y")
    let merge = harness.create(3, ["custom_id": "A"])
    let unification = merge.audit.filter { $0.eventType == .unificationChanged }
    #expect(unification.count == 3)
    #expect(unification.first { $0.member == .maac(2) }?.lineUID == "U2")
    #expect(
      unification.first { $0.member == .maac(3) }?.details["members_after"]
        == "maac:1,maac:2,maac:3")
  }
}
