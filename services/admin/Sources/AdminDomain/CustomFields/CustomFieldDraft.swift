/// A custom-field label as an operator gives it (SetCustomFieldDefinition, a provisioning
/// document entry), not yet validated.
public struct CustomFieldDraft: Sendable, Hashable {
  /// 1...200.
  public var slot: Int?
  /// 1...50 characters.
  public var label: String?

  public init(slot: Int? = nil, label: String? = nil) {
    self.slot = slot
    self.label = label
  }

  /// The longest label accepted (admin.proto, contacts Q11).
  public static let maxLabelCharacters = 50

  /// Validates slot and label, recording each violation under `path`.
  public func validated(at path: FieldPath, into violations: inout ViolationCollector)
    -> CustomFieldLabel?
  {
    var slot: CustomFieldSlot?
    if let number = self.slot {
      slot = CustomFieldSlot(number)
      if slot == nil {
        violations.add(
          path.member("slot"), "must be between 1 and \(CustomFieldSlot.count) (got \(number))")
      }
    } else {
      violations.add(path.member("slot"), "is required (1..\(CustomFieldSlot.count))")
    }
    let label = TextRules.requiredText(
      label, at: path.member("label"), maxCharacters: Self.maxLabelCharacters, into: &violations)
    guard let slot, let label else { return nil }
    return CustomFieldLabel(slot: slot, label: label)
  }

  /// Validates the draft on its own (SetCustomFieldDefinition).
  public func validated() throws(ValidationFailure) -> CustomFieldLabel {
    var violations = ViolationCollector()
    let label = validated(at: .root, into: &violations)
    try violations.throwIfAny()
    return label!
  }
}

/// A validated custom-field label for one slot.
public struct CustomFieldLabel: Sendable, Hashable {
  public var slot: CustomFieldSlot
  public var label: String

  public init(slot: CustomFieldSlot, label: String) {
    self.slot = slot
    self.label = label
  }
}
