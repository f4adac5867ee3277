import AdminDomain
import Testing

@Suite("Custom-field definitions (spec §3.9)")
struct CustomFieldDraftTests {
  @Test("§3.9: slots are 1..200 and slot n is keyed customized_field_n")
  func slots() throws {
    #expect(CustomFieldSlot(0) == nil)
    #expect(CustomFieldSlot(201) == nil)
    #expect(CustomFieldSlot(1)?.key == "customized_field_1")
    #expect(CustomFieldSlot(200)?.key == "customized_field_200")
    let label = try CustomFieldDraft(slot: 200, label: "最後").validated()
    #expect(label.slot.number == 200)
  }

  @Test("§3.9: the first five slots are the predefined customized_field_1..5")
  func predefined() {
    let predefined = (1...200).compactMap(CustomFieldSlot.init).filter(\.isPredefined).map(\.key)
    #expect(predefined == (1...5).map { "customized_field_\($0)" })
  }

  @Test("§3.9: a key names its slot; malformed keys name none")
  func keys() {
    #expect(CustomFieldSlot(key: "customized_field_17")?.number == 17)
    for bad in ["customized_field_0", "customized_field_201", "customized_field_07", "field_1", ""]
    {
      #expect(CustomFieldSlot(key: bad) == nil)
    }
  }

  @Test("§3.9: slot out of range or missing, label empty or over 50 characters are refused")
  func refused() throws {
    let cases: [(CustomFieldDraft, [String])] = [
      (CustomFieldDraft(slot: 0, label: "A"), ["slot"]),
      (CustomFieldDraft(slot: 201, label: "A"), ["slot"]),
      (CustomFieldDraft(slot: nil, label: "A"), ["slot"]),
      (CustomFieldDraft(slot: 1, label: ""), ["label"]),
      (CustomFieldDraft(slot: 1, label: String(repeating: "會", count: 51)), ["label"]),
      (CustomFieldDraft(slot: -3, label: nil), ["slot", "label"]),
    ]
    for (draft, fields) in cases {
      let failure = #expect(throws: ValidationFailure.self) { try draft.validated() }
      #expect(failure?.violations.map(\.field) == fields)
    }
    #expect(
      try CustomFieldDraft(slot: 5, label: String(repeating: "會", count: 50)).validated()
        .label.count == 50)
  }
}
