import Foundation

/// IANA time-zone names (an organization's `timezone`, CONVENTIONS.md). Abbreviations such as
/// `PST` and offsets such as `GMT+8` are refused: other services interpret calendar dates in
/// this zone, so it must name a zone with its daylight-saving history.
public enum TimeZoneName {
  /// The zone every organization has unless it says otherwise (issue #9, spec §3.1).
  public static let defaultName = "Asia/Taipei"

  /// True when `name` is an IANA zone name this platform's time-zone database knows.
  public static func isKnown(_ name: String) -> Bool {
    if name == "UTC" || name == "Etc/UTC" { return TimeZone(identifier: name) != nil }
    return TimeZone.knownTimeZoneIdentifiers.contains(name)
  }
}
