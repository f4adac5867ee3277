/// One of an organization's 200 custom-field slots (spec §3.9, CONVENTIONS.md). Slot `n`
/// holds the values contacts stores under the key `customized_field_<n>`; slots 1...5 are the
/// predefined `customized_field_1`...`customized_field_5` of the sources.
public struct CustomFieldSlot: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The number of slots an organization has.
  public static let count = 200
  /// The slots the sources predefine.
  public static let predefined = 1...5

  public let number: Int

  /// Nil when `number` is not 1...200.
  public init?(_ number: Int) {
    guard (1...Self.count).contains(number) else { return nil }
    self.number = number
  }

  /// The key contacts stores values under.
  public var key: String { "customized_field_\(number)" }

  /// True for slots 1...5.
  public var isPredefined: Bool { Self.predefined.contains(number) }

  /// The slot a key names (`customized_field_<n>`, n in 1...200, no leading zeros), or nil.
  public init?(key: String) {
    let prefix = "customized_field_"
    guard key.hasPrefix(prefix) else { return nil }
    let digits = key.dropFirst(prefix.count)
    guard !digits.hasPrefix("0"), let number = Int(digits), String(number) == digits else {
      return nil
    }
    self.init(number)
  }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.number < rhs.number }

  public var description: String { key }
}
